// The WallBridge: what a renderer sees of main (assignment, values, connection state), and the host side that serves it.
import { DisposableStore, Emitter, type Disposable, type Event, type Scheduler } from './events.ts';
import {
  ClientMessageSchema,
  PROTOCOL_VERSION,
  ServerMessageSchema,
  type Assignment,
  type ClientMessage,
  type Health,
  type Hello,
  type ServerMessage,
  type Values,
} from './messages.ts';
import { CloseCode, type ClientTransport, type Connection } from './transport.ts';

export type BridgeState = 'connecting' | 'connected' | 'disconnected';

/** A renderer's view of main, whatever the transport (WebSocket, Electron IPC, memory). */
export interface WallBridge extends Disposable {
  readonly state: BridgeState;
  /** The latest assignment, kept across reconnects so a screen can redraw at once. */
  readonly assignment: Assignment | undefined;
  readonly onDidAssign: Event<Assignment>;
  readonly onDidUpdateValues: Event<Values>;
  readonly onDidChangeState: Event<BridgeState>;
  /** The server speaks another protocol version: the page must reload to get the matching renderer. */
  readonly onDidRequireReload: Event<void>;
  reportHealth(health: Omit<Health, 'type'>): void;
}

export interface BackoffOptions {
  readonly initialMilliseconds: number;
  readonly maximumMilliseconds: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMilliseconds: 250, maximumMilliseconds: 5_000 };

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with ±20 % jitter so screens do not stampede. */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const base = Math.min(options.maximumMilliseconds, options.initialMilliseconds * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface WallBridgeOptions {
  readonly transport: ClientTransport;
  readonly screens: readonly string[];
  readonly client: Hello['client'];
  readonly scheduler: Scheduler;
  readonly backoff?: BackoffOptions;
}

/** Connects, says hello, follows every change, and reconnects with backoff until disposed. */
export function connectWallBridge(options: WallBridgeOptions): WallBridge {
  const assigned = new Emitter<Assignment>();
  const updated = new Emitter<Values>();
  const stateChanged = new Emitter<BridgeState>();
  const reloadRequired = new Emitter<void>();
  const store = new DisposableStore();
  let state: BridgeState = 'connecting';
  let assignment: Assignment | undefined;
  let connection: Connection | undefined;
  let attempt = 0;
  let disposed = false;
  let retry: Disposable | undefined;

  const setState = (next: BridgeState) => {
    if (next === state) return;
    state = next;
    stateChanged.fire(next);
  };

  const receive = (text: string) => {
    let message: ServerMessage;
    try {
      const parsed = ServerMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return;
      message = parsed.data;
    } catch {
      return;
    }
    switch (message.type) {
      case 'assignment':
        attempt = 0;
        assignment = message;
        setState('connected');
        assigned.fire(message);
        break;
      case 'values':
        updated.fire(message);
        break;
      case 'restarting':
        // The server is about to go; come back quickly when it returns.
        attempt = 0;
        setState('disconnected');
        break;
    }
  };

  const connect = () => {
    retry = undefined;
    if (disposed) return;
    const opening = options.transport.connect();
    connection = opening;
    const subscriptions = new DisposableStore();
    subscriptions.add(
      opening.onDidOpen(() => {
        const hello: ClientMessage = { type: 'hello', protocol: PROTOCOL_VERSION, screens: [...options.screens], client: options.client };
        opening.send(JSON.stringify(hello));
      }),
    );
    subscriptions.add(opening.onDidReceive(receive));
    subscriptions.add(
      opening.onDidClose(({ code }) => {
        subscriptions.dispose();
        connection = undefined;
        if (disposed) return;
        setState('disconnected');
        if (code === CloseCode.reloadRequired) {
          reloadRequired.fire();
          return;
        }
        retry = options.scheduler.setTimeout(connect, backoffDelay(attempt++, options.scheduler.random, options.backoff));
      }),
    );
    store.add(subscriptions);
  };

  connect();

  return {
    get state() {
      return state;
    },
    get assignment() {
      return assignment;
    },
    onDidAssign: assigned.event,
    onDidUpdateValues: updated.event,
    onDidChangeState: stateChanged.event,
    onDidRequireReload: reloadRequired.event,
    reportHealth(health) {
      if (state === 'connected') connection?.send(JSON.stringify({ type: 'health', ...health } satisfies Health));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      retry?.dispose();
      connection?.close(CloseCode.normal, 'client closed');
      store.dispose();
      for (const emitter of [assigned, updated, stateChanged, reloadRequired]) emitter.dispose();
    },
  };
}

/** One connected renderer, as the host sees it. */
export interface BridgeClient {
  readonly id: number;
  /** Where it connected from (for logs). */
  readonly remote: string;
  /** The screens it asked for in its hello. */
  readonly hello: Hello;
  send(message: ServerMessage): void;
  close(code?: number, reason?: string): void;
}

/** Why the host dropped a message; a fixed list, so it can be counted. */
export type RejectReason = 'malformed_json' | 'invalid_message' | 'no_hello' | 'protocol_mismatch';

/** The main side of the bridge: accepts connections, validates what renderers send, and tracks who is connected. */
export class BridgeHost implements Disposable {
  private readonly connected = new Emitter<BridgeClient>();
  private readonly disconnected = new Emitter<BridgeClient>();
  private readonly reported = new Emitter<{ client: BridgeClient; health: Health }>();
  private readonly rejected = new Emitter<{ remote: string; reason: RejectReason }>();
  /** A client said hello: send it its assignment. */
  readonly onDidConnect = this.connected.event;
  readonly onDidDisconnect = this.disconnected.event;
  readonly onDidReportHealth = this.reported.event;
  readonly onDidReject = this.rejected.event;
  private readonly clientSet = new Set<BridgeClient>();
  private readonly pending = new Set<Connection>();
  private nextId = 1;

  get clients(): ReadonlySet<BridgeClient> {
    return this.clientSet;
  }

  accept(connection: Connection, remote: string): void {
    this.pending.add(connection);
    let client: BridgeClient | undefined;
    const subscriptions = new DisposableStore();
    subscriptions.add(
      connection.onDidReceive((text) => {
        let message: ClientMessage;
        try {
          const parsed = ClientMessageSchema.safeParse(JSON.parse(text));
          if (!parsed.success) {
            const protocol = (JSON.parse(text) as { type?: unknown; protocol?: unknown }) ?? {};
            if (!client && protocol.type === 'hello' && protocol.protocol !== PROTOCOL_VERSION) {
              this.rejected.fire({ remote, reason: 'protocol_mismatch' });
              connection.close(CloseCode.reloadRequired, `protocol ${PROTOCOL_VERSION} expected`);
              return;
            }
            this.rejected.fire({ remote, reason: 'invalid_message' });
            return;
          }
          message = parsed.data;
        } catch {
          this.rejected.fire({ remote, reason: 'malformed_json' });
          return;
        }
        if (message.type === 'hello') {
          if (client) return;
          const id = this.nextId++;
          client = {
            id,
            remote,
            hello: message,
            send: (server) => connection.send(JSON.stringify(server)),
            close: (code, reason) => connection.close(code, reason),
          };
          this.pending.delete(connection);
          this.clientSet.add(client);
          this.connected.fire(client);
        } else if (!client) {
          this.rejected.fire({ remote, reason: 'no_hello' });
          connection.close(CloseCode.protocolError, 'hello first');
        } else {
          this.reported.fire({ client, health: message });
        }
      }),
    );
    subscriptions.add(
      connection.onDidClose(() => {
        subscriptions.dispose();
        this.pending.delete(connection);
        if (client && this.clientSet.delete(client)) this.disconnected.fire(client);
      }),
    );
  }

  /** Tells every client the server is going away (they come back quickly), then closes them. */
  restarting(): void {
    for (const client of this.clientSet) {
      client.send({ type: 'restarting' });
      client.close(CloseCode.goingAway, 'server restarting');
    }
    for (const connection of this.pending) connection.close(CloseCode.goingAway, 'server restarting');
  }

  dispose(): void {
    for (const client of [...this.clientSet]) client.close(CloseCode.goingAway, 'server stopped');
    for (const emitter of [this.connected, this.disconnected, this.reported, this.rejected]) emitter.dispose();
  }
}
