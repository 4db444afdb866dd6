// Transports of the bridge: a connection carries text frames both ways; WebSocket and in-memory implement it.
import { Emitter, type Disposable, type Event } from './events.ts';

/** Close codes the bridge uses beyond the WebSocket standard ones. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  /** The client speaks another protocol version: it must reload its page. */
  reloadRequired: 4409,
  /** The client broke the protocol (no hello first). */
  protocolError: 4400,
  /** No credentials, or they ended (a token revoked, a session expired): the page must sign in again. */
  unauthorised: 4401,
  /** The credentials do not allow this (a display token for another screen). */
  forbidden: 4403,
} as const;

/** One end of an open connection. */
export interface Connection {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  readonly onDidReceive: Event<string>;
  readonly onDidClose: Event<{ code: number; reason: string }>;
}

/** How a client reaches the server: `connect` returns a connection that opens later, or closes without opening. */
export interface ClientTransport {
  connect(): Connection & { readonly onDidOpen: Event<void> };
}

/** The minimal WebSocket both the browser's and the `ws` package's satisfy. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

const OPEN = 1;

/** Runs after the current task, like a socket event would (queueMicrotask is not in the pure layer's library). */
const later = (callback: () => void): void => void Promise.resolve().then(callback);

/** Wraps a WebSocket (browser or `ws`) as a bridge connection. */
export function webSocketConnection(socket: WebSocketLike): Connection & { readonly onDidOpen: Event<void> } {
  const opened = new Emitter<void>();
  const received = new Emitter<string>();
  const closed = new Emitter<{ code: number; reason: string }>();
  socket.addEventListener('open', () => opened.fire());
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') received.fire(event.data);
    else if (event.data !== null && typeof event.data === 'object' && 'toString' in event.data) received.fire(String(event.data));
  });
  socket.addEventListener('close', (event) => {
    closed.fire({ code: event.code, reason: event.reason });
    opened.dispose();
    received.dispose();
    closed.dispose();
  });
  // An error is always followed by close; the close carries what matters.
  socket.addEventListener('error', () => undefined);
  return {
    onDidOpen: opened.event,
    onDidReceive: received.event,
    onDidClose: closed.event,
    send: (text) => {
      if (socket.readyState === OPEN) socket.send(text);
    },
    close: (code, reason) => socket.close(code, reason),
  };
}

export function webSocketTransport(url: string, create: (url: string) => WebSocketLike): ClientTransport {
  return { connect: () => webSocketConnection(create(url)) };
}

/** Connections in memory, for tests: `connect` reaches whoever listens with `onDidAccept`. */
export class MemoryNetwork {
  private readonly accepted = new Emitter<Connection>();
  readonly onDidAccept: Event<Connection> = this.accepted.event;
  /** While false, new connections close at once, as if the server were down. */
  listening = true;
  private readonly open = new Set<() => void>();

  readonly transport: ClientTransport = {
    connect: () => {
      const client = new MemoryEnd();
      const server = new MemoryEnd();
      client.peer = server;
      server.peer = client;
      const opened = new Emitter<void>();
      later(() => {
        if (!this.listening || this.accepted.listenerCount === 0) {
          client.closeBoth(1006, 'server unreachable');
          return;
        }
        const drop = () => server.closeBoth(1006, 'network dropped');
        this.open.add(drop);
        server.onDidClose(() => this.open.delete(drop));
        this.accepted.fire(server);
        opened.fire();
      });
      return Object.assign(client, { onDidOpen: opened.event });
    },
  };

  /** Drops every open connection abruptly, as a crashed server would. */
  dropAll(): void {
    for (const drop of [...this.open]) drop();
  }
}

class MemoryEnd implements Connection {
  peer?: MemoryEnd;
  private closed = false;
  private readonly received = new Emitter<string>();
  private readonly closedEmitter = new Emitter<{ code: number; reason: string }>();
  readonly onDidReceive = this.received.event;
  readonly onDidClose = this.closedEmitter.event;

  send(text: string): void {
    const peer = this.peer;
    if (this.closed || !peer) return;
    // Asynchronous like a socket, so no test depends on re-entrant delivery.
    later(() => {
      if (!peer.closed) peer.received.fire(text);
    });
  }

  close(code: number = CloseCode.normal, reason = ''): void {
    this.closeBoth(code, reason);
  }

  closeBoth(code: number, reason: string): void {
    for (const end of [this, this.peer]) {
      if (!end || end.closed) continue;
      end.closed = true;
      later(() => {
        end.closedEmitter.fire({ code, reason });
        end.received.dispose();
        end.closedEmitter.dispose();
      });
    }
  }
}

export type { Disposable };
