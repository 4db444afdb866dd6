// The console's requests carry the session's CSRF token on every state change (never on a read), forget it when the session ends, and keep the server's error details.
import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api.ts';

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly csrf: string | null;
  readonly body: unknown;
}

/** A fake server: answers by "METHOD path", records what was sent. */
function server(answers: Record<string, () => Response>) {
  const sent: Sent[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    const headers = new Headers(init?.headers);
    sent.push({ method, path, csrf: headers.get('x-csrf-token'), body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    const answer = answers[`${method} ${path}`];
    return answer ? answer() : new Response('', { status: 404 });
  }) as typeof fetch;
  return { sent, api: createApi(fetcher) };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const SESSION = { actor: 'user:lan', role: 'duty-officer', csrf: 'token-1', allowed: ['wall.read', 'scene.activate'] };
const OUTCOME = { sceneId: 'flood', version: 2, committedAt: 0, screens: { flipped: [], late: [], failed: [] } };

describe('createApi', () => {
  it('sends the token from the sign-in answer with POST and DELETE, never with GET', async () => {
    const { api, sent } = server({
      'POST /api/session': json(SESSION),
      'POST /api/scenes/flood/activate': json(OUTCOME),
      'GET /api/state': json({ type: 'state' }),
      'DELETE /api/session': json({ signedOut: true }),
    });
    await api.signIn('lan', 'hunter2');
    await api.activate('flood');
    await api.state();
    await api.signOut();
    expect(sent.map(({ method, path, csrf }) => [method, path, csrf])).toEqual([
      ['POST', '/api/session', null],
      ['POST', '/api/scenes/flood/activate', 'token-1'],
      ['GET', '/api/state', null],
      ['DELETE', '/api/session', 'token-1'],
    ]);
    expect(sent[0]!.body).toEqual({ user: 'lan', password: 'hunter2' });
  });

  it('takes the token of a session found by GET /api/session, and sends none after sign-out', async () => {
    const { api, sent } = server({
      'GET /api/session': json({ ...SESSION, csrf: 'token-2' }),
      'POST /api/identify': json({ until: 0, screens: [] }),
      'DELETE /api/session': json({ signedOut: true }),
    });
    await api.session();
    await api.identify(10);
    await api.signOut();
    await api.identify(10);
    expect(sent.map(({ csrf }) => csrf)).toEqual([null, 'token-2', 'token-2', null]);
  });

  it('forgets the token on any 401: the session it belonged to is gone', async () => {
    let signedIn = true;
    const { api, sent } = server({
      'POST /api/session': json(SESSION),
      'GET /api/audit?limit=5': () => (signedIn ? json([])() : json({ error: 'unauthorised', message: 'sign in' }, 401)()),
      'POST /api/scenes/previous': json(OUTCOME),
    });
    await api.signIn('lan', 'hunter2');
    signedIn = false;
    await expect(api.audit(5)).rejects.toMatchObject({ status: 401, code: 'unauthorised' });
    await api.previous();
    expect(sent.at(-1)!.csrf).toBeNull();
  });

  it('keeps the error code, message and time to wait of a refusal', async () => {
    const { api } = server({
      'POST /api/session': json({ error: 'locked', message: 'too many failed sign-ins: try again in 15 min', retryAfterSeconds: 840 }, 429),
      'POST /api/scenes/flood/activate': json({ error: 'forbidden', message: 'scene flood needs duty-officer' }, 403),
      'POST /api/identify': () => new Response('', { status: 429, headers: { 'retry-after': '30' } }),
    });
    const locked = await api.signIn('lan', 'wrong').catch((error: unknown) => error);
    expect(locked).toBeInstanceOf(ApiError);
    expect(locked).toMatchObject({ status: 429, code: 'locked', retryAfterSeconds: 840, message: 'too many failed sign-ins: try again in 15 min' });
    await expect(api.activate('flood')).rejects.toMatchObject({ status: 403, code: 'forbidden', message: 'scene flood needs duty-officer' });
    await expect(api.identify(10)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
  });

  it('sends the console link’s code as it came', async () => {
    const { api, sent } = server({ 'POST /api/session': json(SESSION) });
    await api.signInWithCode('AbC-123');
    expect(sent[0]!.body).toEqual({ code: 'AbC-123' });
  });
});
