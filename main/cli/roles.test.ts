// Users, roles and LAN access against a real server bound to every address: the role matrix, CSRF, sign-in limits, display tokens, revocation on open sockets.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClientRole } from '../../common/contract/index.ts';
import { Identities } from '../services/identities.ts';
import { StateStore } from '../services/state-store.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const PASSWORD = 'trực-ban đêm 2026!';

interface Served {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly log: () => string;
}

function serve(dataDirectory: string): Promise<Served> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), 'serve', '--host', '0.0.0.0', '--port', '0', '--broker-port', '0', '--data-dir', dataDirectory], {
    cwd: ROOT,
    env: { ...process.env, IOC_WALL_ADMIN_TOKEN: undefined, IOC_WALL_LOG_LEVEL: 'debug' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      if (url) resolve({ url: url.replace('0.0.0.0', '127.0.0.1'), child, log: () => stdout + stderr });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

describe('users, roles and LAN access', () => {
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-roles-'));
  const tokens: Partial<Record<ClientRole, string>> = {};
  const secrets: string[] = [PASSWORD];
  let served: Served;
  let identities: Identities;
  let store: StateStore;

  beforeAll(async () => {
    // What `ioc-wall users add` and `ioc-wall tokens create` write, straight into the data folder the server will use.
    store = StateStore.open(dataDirectory);
    identities = new Identities(store);
    for (const role of ['viewer', 'operator', 'technician', 'duty-officer', 'admin'] as const) {
      tokens[role] = identities.createToken({ label: `test ${role}`, role }).token;
    }
    tokens.display = identities.createToken({ label: 'display S01', role: 'display', screen: 'S01' }).token;
    secrets.push(...Object.values(tokens));
    await identities.addUser('an', 'duty-officer', PASSWORD);
    served = await serve(dataDirectory);
  }, 60_000);

  afterAll(() => {
    served?.child.kill('SIGTERM');
    store?.dispose();
  });

  const call = async (method: string, route: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${served.url}${route}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as { message?: string; csrf?: string } | undefined, headers: response.headers };
  };
  const as = (role: ClientRole | 'anonymous'): Record<string, string> => (role === 'anonymous' ? {} : { authorization: `Bearer ${tokens[role]}` });

  it('lets each role do exactly what it may, refuses the rest with a clear message, and audits every control attempt', async () => {
    // calibration needs technician or duty-officer; flood needs duty-officer; normal anyone from operator up (admin always).
    const attempts: [string, string, Record<ClientRole | 'anonymous', number>][] = [
      ['GET', '/api/state', { anonymous: 401, display: 403, viewer: 200, operator: 200, technician: 200, 'duty-officer': 200, admin: 200 }],
      ['GET', '/api/audit', { anonymous: 401, display: 403, viewer: 403, operator: 200, technician: 200, 'duty-officer': 200, admin: 200 }],
      ['POST', '/api/scenes/normal/activate', { anonymous: 401, display: 403, viewer: 403, operator: 200, technician: 200, 'duty-officer': 200, admin: 200 }],
      ['POST', '/api/scenes/flood/activate', { anonymous: 401, display: 403, viewer: 403, operator: 403, technician: 403, 'duty-officer': 200, admin: 200 }],
      ['POST', '/api/scenes/calibration/activate', { anonymous: 401, display: 403, viewer: 403, operator: 403, technician: 200, 'duty-officer': 200, admin: 200 }],
      ['POST', '/api/scenes/previous', { anonymous: 401, display: 403, viewer: 403, operator: 200, technician: 200, 'duty-officer': 200, admin: 200 }],
      ['POST', '/api/identify', { anonymous: 401, display: 403, viewer: 403, operator: 403, technician: 200, 'duty-officer': 200, admin: 200 }],
    ];
    const auditedBefore = store.audit({ limit: 1000 }).length;
    let controls = 0;
    for (const [method, route, expected] of attempts) {
      if (route === '/api/scenes/previous') {
        // Back from calibration to normal and forth: each role's "previous" is then a scene it may show.
        for (const scene of ['normal', 'calibration']) expect((await call('POST', `/api/scenes/${scene}/activate`, as('admin'))).status).toBe(200);
        controls += 2;
      }
      for (const [role, status] of Object.entries(expected) as [ClientRole | 'anonymous', number][]) {
        const answer = await call(method, route, as(role), method === 'POST' && route === '/api/identify' ? { seconds: 1 } : undefined);
        expect(answer.status, `${role} ${method} ${route}: ${answer.body?.message ?? ''}`).toBe(status);
        if (status === 403) expect(answer.body?.message, `${role} ${route}`).toMatch(/needs the role|may be activated by|display token/);
        if (method === 'POST') controls += 1;
      }
    }
    const audit = store.audit({ limit: 1000 });
    expect(audit.length - auditedBefore).toBe(controls);
    expect(audit.find((entry) => entry.actor.startsWith('token:') && entry.target === 'flood' && entry.result === 'refused')?.detail).toMatchObject({ reason: expect.stringContaining('duty-officer') });
    expect(audit.filter((entry) => entry.actor === 'anonymous').every((entry) => entry.result === 'refused')).toBe(true);
  }, 120_000);

  it('signs a user in with a session cookie and a CSRF token, signs out, and locks sign-in after repeated failures', async () => {
    const origin = { origin: served.url };
    const signedIn = await call('POST', '/api/session', origin, { user: 'an', password: PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ actor: 'user:an', role: 'duty-officer', allowed: expect.arrayContaining(['scene.activate', 'screens.identify']) });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    secrets.push(cookie.split('=')[1]!, signedIn.body!.csrf!);
    const csrf = { 'x-csrf-token': signedIn.body!.csrf! };
    expect((await call('GET', '/api/state', { cookie })).status).toBe(200);
    // The page may ask for its CSRF token again (a reload keeps the cookie, not the token).
    expect((await call('GET', '/api/session', { cookie })).body?.csrf).toBe(signedIn.body!.csrf);
    expect((await call('POST', '/api/scenes/flood/activate', { cookie, ...origin })).status).toBe(403);
    expect((await call('POST', '/api/scenes/flood/activate', { cookie, ...csrf, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('POST', '/api/scenes/flood/activate', { cookie, ...csrf, ...origin })).status).toBe(200);
    expect(store.audit({ limit: 1 })[0]).toMatchObject({ actor: 'user:an', target: 'flood', result: 'ok' });
    expect((await call('DELETE', '/api/session', { cookie, ...csrf, ...origin })).status).toBe(200);
    expect((await call('GET', '/api/state', { cookie })).status).toBe(401);

    for (let attempt = 1; attempt <= 5; attempt += 1) expect((await call('POST', '/api/session', origin, { user: 'an', password: 'wrong password!' })).status).toBe(401);
    const locked = await call('POST', '/api/session', origin, { user: 'an', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);

  it('lets a display token show its own screen only, command nothing, and cuts it off on an open socket when revoked', async () => {
    const origin = { origin: served.url };
    const display = await call('POST', '/api/display-session', origin, { token: tokens.display, screen: 'S01' });
    expect(display.status).toBe(200);
    expect((await call('POST', '/api/display-session', origin, { token: tokens.display, screen: 'S02' })).status).toBe(401);
    const cookie = display.headers.get('set-cookie')!.split(';')[0]!;
    secrets.push(cookie.split('=')[1]!);
    expect((await call('POST', '/api/scenes/normal/activate', { cookie, origin: served.url, 'x-csrf-token': display.body!.csrf! })).status).toBe(403);

    const bridge = (screens: string[]) => {
      const socket = new WebSocket(`${served.url.replace('http', 'ws')}/bridge`, { headers: { cookie, origin: served.url } });
      socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: 1, screens, client: 'screen' })));
      return socket;
    };
    const other = bridge(['S02']);
    expect(await new Promise<number>((resolve) => other.on('close', (code) => resolve(code)))).toBe(4403);
    const own = bridge(['S01']);
    const assigned = await new Promise<{ type: string }>((resolve) => own.on('message', (data) => resolve(JSON.parse(String(data)) as { type: string })));
    expect(assigned.type).toBe('assignment');

    const tokenId = /^iocw_([0-9a-f]{12})_/.exec(tokens.display!)![1]!;
    const closed = new Promise<number>((resolve) => own.on('close', (code) => resolve(code)));
    identities.revokeToken(tokenId);
    expect(await closed).toBe(4401);
    expect((await call('GET', '/api/session', { cookie })).status).toBe(401);
  }, 60_000);

  it('writes no password, token, session id or CSRF token to its log', () => {
    const log = served.log();
    for (const secret of secrets) expect(log.includes(secret), `a secret of ${secret.length} characters is in the log`).toBe(false);
  });
});
