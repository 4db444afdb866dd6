// A display PC opened with its token URL gets onto the bridge, says clearly when the token is refused or a token is needed, and survives a server that is not up yet.
import { afterEach, describe, expect, it } from 'vitest';
import { connectWallBridge } from '../../common/contract/bridge.ts';
import type { Disposable } from '../../common/contract/events.ts';
import { ManualScheduler } from '../../common/contract/manual-scheduler.ts';
import { CloseCode, MemoryNetwork, type Connection } from '../../common/contract/transport.ts';
import { DISPLAY_SESSION_PATH, DisplayAccess, exchangeDisplayToken, readDisplayToken, type DisplayAccessState, type TokenExchange } from './display-access.ts';

const settle = async () => {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('readDisplayToken', () => {
  it('takes the token and leaves an empty fragment', () => {
    expect(readDisplayToken('#token=dt_AbC-123')).toEqual({ token: 'dt_AbC-123', rest: '' });
  });

  it('keeps whatever else the fragment says, and finds no token in a blank or unrelated one', () => {
    expect(readDisplayToken('#token=abc&debug=1')).toEqual({ token: 'abc', rest: '#debug=1' });
    expect(readDisplayToken('')).toEqual({ token: undefined, rest: '' });
    expect(readDisplayToken('#debug')).toEqual({ token: undefined, rest: '#debug' });
    expect(readDisplayToken('#token=')).toEqual({ token: undefined, rest: '' });
  });
});

describe('exchangeDisplayToken', () => {
  function answering(status: number | Error) {
    const sent: { path: string; init: RequestInit | undefined }[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ path: String(input), init });
      if (status instanceof Error) throw status;
      return new Response(status === 200 ? '{"screen":"S01"}' : '{"error":"unauthorised","message":"no"}', { status });
    }) as typeof fetch;
    return { sent, fetcher };
  }

  it('posts the token and the screen, without any CSRF header', async () => {
    const { sent, fetcher } = answering(200);
    expect(await exchangeDisplayToken('dt_secret', 'S01', fetcher)).toBe('accepted');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe(DISPLAY_SESSION_PATH);
    expect(sent[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(sent[0]!.init?.body))).toEqual({ token: 'dt_secret', screen: 'S01' });
    expect(new Headers(sent[0]!.init?.headers).has('x-csrf-token')).toBe(false);
  });

  it('reads a refusal, an older server and a server not up yet apart', async () => {
    expect(await exchangeDisplayToken('t', 'S01', answering(401).fetcher)).toBe('refused');
    expect(await exchangeDisplayToken('t', 'S01', answering(400).fetcher)).toBe('refused');
    expect(await exchangeDisplayToken('t', 'S01', answering(404).fetcher)).toBe('unsupported');
    expect(await exchangeDisplayToken('t', 'S01', answering(503).fetcher)).toBe('retry');
    expect(await exchangeDisplayToken('t', 'S01', answering(new TypeError('Failed to fetch')).fetcher)).toBe('retry');
  });
});

describe('DisplayAccess', () => {
  const cleanup: Disposable[] = [];
  afterEach(() => {
    for (const item of cleanup.splice(0)) item.dispose();
  });

  /** A server whose bridge admits a page only with a display session, and a token endpoint answering as told. */
  function setup(token: string | undefined, answers: TokenExchange[], cookieSticks = true) {
    const network = new MemoryNetwork();
    const scheduler = new ManualScheduler();
    let session = false;
    const exchanged: string[] = [];
    const sockets: Connection[] = [];
    network.onDidAccept((connection) => {
      sockets.push(connection);
      if (!session) connection.close(CloseCode.unauthorised, 'sign in, or open the display URL with its token');
      else connection.onDidReceive(() => connection.send(JSON.stringify({ type: 'pong', id: 0, clientTime: 0, serverTime: 0 })));
    });
    const access = new DisplayAccess(network.transport, {
      token,
      exchange: async (given) => {
        exchanged.push(given);
        const answer = answers.shift() ?? 'retry';
        if (answer === 'accepted') session = cookieSticks;
        return answer;
      },
    });
    const states: DisplayAccessState[] = [];
    access.onDidChange((state) => states.push(state));
    const bridge = connectWallBridge({ transport: access.transport, screens: ['S01'], client: 'screen', scheduler, backoff: { initialMilliseconds: 100, maximumMilliseconds: 1_000 } });
    cleanup.push(bridge, access);
    return { network, scheduler, access, bridge, states, exchanged, sockets, endSession: () => (session = false) };
  }

  it('trades the token before the first socket, and the page gets in', async () => {
    const { access, exchanged, sockets } = setup('dt_good', ['accepted']);
    await settle();
    expect(exchanged).toEqual(['dt_good']);
    expect(sockets).toHaveLength(1);
    expect(access.state).toBe('open');
  });

  it('stops at a refused token: no socket, and the page says the token is invalid', async () => {
    const { access, scheduler, states, exchanged, sockets, bridge } = setup('dt_revoked', ['refused']);
    await settle();
    expect(access.state).toBe('token-invalid');
    expect(states).toEqual(['token-invalid']);
    // The bridge's retries ask nobody: the token stays refused until the page is opened with a new URL.
    scheduler.advance(10_000);
    await settle();
    expect(exchanged).toEqual(['dt_revoked']);
    expect(sockets).toHaveLength(0);
    expect(bridge.state).toBe('disconnected');
  });

  it('keeps the token while the server is not up yet, and trades it once it answers', async () => {
    const { access, scheduler, exchanged, sockets } = setup('dt_good', ['retry', 'retry', 'accepted']);
    await settle();
    expect(sockets).toHaveLength(0);
    for (let step = 0; step < 4; step++) {
      scheduler.advance(1_000);
      await settle();
    }
    expect(exchanged).toEqual(['dt_good', 'dt_good', 'dt_good']);
    expect(sockets).toHaveLength(1);
    expect(access.state).toBe('open');
  });

  it('says a token is needed when the bridge refuses a page opened without one', async () => {
    const { access, states, exchanged } = setup(undefined, []);
    await settle();
    expect(exchanged).toEqual([]);
    expect(access.state).toBe('token-needed');
    expect(states).toEqual(['token-needed']);
  });

  it('does not trade the token in a loop when the browser does not keep the cookie', async () => {
    const { access, scheduler, exchanged } = setup('dt_good', ['accepted', 'accepted', 'accepted'], false);
    await settle();
    scheduler.advance(5_000);
    await settle();
    expect(exchanged).toEqual(['dt_good']);
    expect(access.state).toBe('token-needed');
  });

  it('trades the token again when the session it opened ends, and only says "invalid" if that is refused', async () => {
    const { access, scheduler, exchanged, sockets, endSession } = setup('dt_good', ['accepted', 'refused']);
    // Admitted: the bridge says hello, the server answers.
    await settle();
    expect(access.state).toBe('open');
    // The session ends (revoked token, expired): the server closes the socket with 4401.
    endSession();
    sockets[0]!.close(CloseCode.unauthorised, 'credentials ended');
    await settle();
    expect(access.state).toBe('open');
    scheduler.advance(1_000);
    await settle();
    expect(exchanged).toEqual(['dt_good', 'dt_good']);
    expect(access.state).toBe('token-invalid');
  });
});
