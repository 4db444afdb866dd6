// A display PC's way onto the bridge: trades the display token of its address (#token=) for a session cookie bound to its screen before the bridge's socket opens, and says when the server refuses the page for want of one.
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';
import { CloseCode, type ClientTransport, type Connection } from '../../common/contract/transport.ts';

export const DISPLAY_SESSION_PATH = '/api/display-session';

/** The standard code of a socket that closed without a close frame: the bridge retries it with backoff. */
const ABNORMAL_CLOSURE = 1006;

export interface DisplayTokenFragment {
  /** The token, when the fragment carries one. */
  readonly token: string | undefined;
  /** The fragment without it ('' when nothing else was there), for history.replaceState. */
  readonly rest: string;
}

/** The display token of a `/screen/<id>#token=<token>` address: in the fragment so it never reaches a request line or a log. */
export function readDisplayToken(hash: string): DisplayTokenFragment {
  const parameters = new URLSearchParams(hash.replace(/^#/, ''));
  if (!parameters.has('token')) return { token: undefined, rest: hash };
  const token = parameters.get('token') ?? undefined;
  parameters.delete('token');
  const rest = parameters.toString();
  return { token: token === '' ? undefined : token, rest: rest === '' ? '' : `#${rest}` };
}

/**
 * What the server said to a token: `accepted` (the cookie is set), `refused` (revoked, expired, malformed or another
 * screen's), `unsupported` (a server without display sessions: the bridge decides alone), or `retry` (no answer yet:
 * the server is down or starting, as a wall PC that boots first finds it).
 */
export type TokenExchange = 'accepted' | 'refused' | 'unsupported' | 'retry';

/** POST /api/display-session {token, screen}; no CSRF header: there is no session yet, which is the point. */
export async function exchangeDisplayToken(token: string, screen: string, fetcher: typeof fetch = (input, init) => fetch(input, init)): Promise<TokenExchange> {
  let response: Response;
  try {
    response = await fetcher(DISPLAY_SESSION_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ token, screen }),
    });
  } catch {
    return 'retry';
  }
  if (response.ok) return 'accepted';
  if (response.status === 401 || response.status === 400) return 'refused';
  if (response.status === 404) return 'unsupported';
  // 429, 5xx, a proxy's error page: the token may well be good; ask again after the bridge's backoff.
  return 'retry';
}

/**
 * Whether the server lets this page in: `open` (as far as anyone knows), `token-invalid` (the token of the address
 * was refused: the page stops trying), `token-needed` (the bridge was refused for want of a display session).
 */
export type DisplayAccessState = 'open' | 'token-invalid' | 'token-needed';

export interface DisplayAccessView {
  readonly state: DisplayAccessState;
  readonly onDidChange: Event<DisplayAccessState>;
}

export interface DisplayAccessOptions {
  /** The token taken from the address, if any; kept in memory only, to open a new session when an old one ends. */
  readonly token: string | undefined;
  readonly exchange: (token: string) => Promise<TokenExchange>;
}

/** Wraps the bridge's transport: every connect first opens the display session if one is owed, and every close is read for a refusal. */
export class DisplayAccess implements DisplayAccessView, Disposable {
  private readonly changed = new Emitter<DisplayAccessState>();
  readonly onDidChange = this.changed.event;
  private current: DisplayAccessState = 'open';
  /** The token to trade before the next socket; undefined once traded (the cookie does the work) or refused. */
  private owed: string | undefined;
  /** The token of the address, for a new session when the server ends the one it opened (expired, data reset). */
  private token: string | undefined;
  /** The server let a socket in since the token was last traded: a refusal after that means the session ended, not that the cookie never sticks. */
  private admittedSinceExchange = false;

  readonly transport: ClientTransport = { connect: () => this.connect() };

  constructor(
    private readonly inner: ClientTransport,
    private readonly options: DisplayAccessOptions,
  ) {
    this.token = options.token;
    this.owed = options.token;
  }

  get state(): DisplayAccessState {
    return this.current;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private setState(next: DisplayAccessState): void {
    if (next === this.current) return;
    this.current = next;
    this.changed.fire(next);
  }

  private connect(): Connection & { readonly onDidOpen: Event<void> } {
    const opened = new Emitter<void>();
    const received = new Emitter<string>();
    const closedEmitter = new Emitter<{ code: number; reason: string }>();
    let socket: Connection | undefined;
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      // Asynchronous, as a socket's close is: the bridge subscribes after connect() returns.
      void Promise.resolve().then(() => {
        closedEmitter.fire({ code, reason });
        opened.dispose();
        received.dispose();
        closedEmitter.dispose();
      });
    };
    const open = () => {
      const connection = this.inner.connect();
      socket = connection;
      connection.onDidOpen(() => opened.fire());
      connection.onDidReceive((text) => {
        // The server speaks to us: we are in. Said before the message is handed on, so the assignment finds the page open.
        this.admittedSinceExchange = true;
        this.setState('open');
        received.fire(text);
      });
      connection.onDidClose(({ code, reason }) => {
        this.refusedWith(code);
        finish(code, reason);
      });
    };

    const owed = this.owed;
    if (this.current === 'token-invalid') finish(CloseCode.unauthorised, 'display token refused');
    else if (owed === undefined) open();
    else {
      void this.options.exchange(owed).then(
        (result) => {
          if (result === 'accepted' || result === 'unsupported') {
            this.owed = undefined;
            this.admittedSinceExchange = false;
          } else if (result === 'refused') {
            this.owed = undefined;
            this.token = undefined;
            this.setState('token-invalid');
            finish(CloseCode.unauthorised, 'display token refused');
            return;
          }
          if (closed) return;
          if (result === 'retry') finish(ABNORMAL_CLOSURE, 'display session not opened yet');
          else open();
        },
        () => finish(ABNORMAL_CLOSURE, 'display session not opened yet'),
      );
    }

    return {
      onDidOpen: opened.event,
      onDidReceive: received.event,
      onDidClose: closedEmitter.event,
      send: (text) => socket?.send(text),
      close: (code, reason) => (socket ? socket.close(code, reason) : finish(code ?? CloseCode.normal, reason ?? '')),
    };
  }

  /** A socket closed by the server for want of credentials (4401), or with credentials for another screen (4403). */
  private refusedWith(code: number): void {
    if (code !== CloseCode.unauthorised && code !== CloseCode.forbidden) return;
    if (this.token !== undefined && this.admittedSinceExchange) {
      // The session the token opened has ended (expired, server data reset): trade the token again before the next socket.
      this.owed = this.token;
      this.admittedSinceExchange = false;
      return;
    }
    this.setState('token-needed');
  }
}
