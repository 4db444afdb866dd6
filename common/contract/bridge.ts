// The WallBridge: what a renderer sees of main (assignment, values, connection state), and the host side that serves it.
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { DisposableStore, Emitter, type Disposable, type Event, type Scheduler } from './events.ts';
import {
  ClientMessageSchema,
  PROTOCOL_VERSION,
  ServerMessageSchema,
  type Assignment,
  type Cancel,
  type ClientMessage,
  type Commit,
  type Flipped,
  type Health,
  type Hello,
  type Identify,
  type Media,
  type Prepare,
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
  /** Phase one of a scene switch: build it off-screen, then call `ready`. */
  readonly onDidPrepare: Event<Prepare>;
  /** Phase two: flip on the first frame at or after `at` (server clock: compare with `serverNow()`). */
  readonly onDidCommit: Event<Commit>;
  readonly onDidCancel: Event<Cancel>;
  /** Show the identify pattern until `until` (server clock). */
  readonly onDidIdentify: Event<Identify>;
  /** Where camera video comes from, with fresh tickets; the latest is also kept in `media`. */
  readonly onDidUpdateMedia: Event<Media>;
  readonly media: Media | undefined;
  reportHealth(health: Omit<Health, 'type'>): void;
  ready(switchId: number): void;
  reportFlip(flip: Omit<Flipped, 'type'>): void;
  /** The server's clock as this client estimates it (fastest of several ping round trips). */
  serverNow(): number;
}

/** Pings per clock sync; the fastest round trip of the burst sets the offset. */
export const CLOCK_SYNC_PINGS = 8;
const CLOCK_SYNC_SPACING_MILLISECONDS = 40;
/**
 * When to sync after connecting: a page still busy loading answers its first pings late and skews
 * them all, so bursts follow a few seconds later, then every 30 s as clocks drift.
 */
const CLOCK_SYNC_SCHEDULE_MILLISECONDS = [0, 3_000, 10_000];
const CLOCK_SYNC_EVERY_MILLISECONDS = 30_000;
/** Samples kept: about the last four bursts, so one bad burst cannot set the offset alone. */
const CLOCK_SAMPLES_KEPT = 32;

/** Estimates the offset to the server's clock from ping round trips: the fastest recent one is the least skewed by queues. */
export class ClockSync {
  private samples: { roundTrip: number; offset: number }[] = [];

  /** Takes one pong: `received` is the local time it arrived. */
  sample(clientTime: number, serverTime: number, received: number): void {
    const roundTrip = received - clientTime;
    if (roundTrip < 0) return;
    this.samples.push({ roundTrip, offset: serverTime - (clientTime + roundTrip / 2) });
    if (this.samples.length > CLOCK_SAMPLES_KEPT) this.samples.shift();
  }

  private get best(): { roundTrip: number; offset: number } | undefined {
    return this.samples.reduce<{ roundTrip: number; offset: number } | undefined>((best, sample) => (!best || sample.roundTrip <= best.roundTrip ? sample : best), undefined);
  }

  /** Server clock minus local clock, milliseconds (0 until a sample arrived). */
  get offset(): number {
    return this.best?.offset ?? 0;
  }

  get roundTrip(): number | undefined {
    return this.best?.roundTrip;
  }

  reset(): void {
    this.samples = [];
  }
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
  const prepared = new Emitter<Prepare>();
  const committed = new Emitter<Commit>();
  const cancelled = new Emitter<Cancel>();
  const identified = new Emitter<Identify>();
  const mediaUpdated = new Emitter<Media>();
  const store = new DisposableStore();
  const clock = new ClockSync();
  const pending = new Map<number, Assignment>();
  let syncTimers = new DisposableStore();
  let pingId = 0;
  let state: BridgeState = 'connecting';
  let assignment: Assignment | undefined;
  let media: Media | undefined;
  let connection: Connection | undefined;
  let attempt = 0;
  let disposed = false;
  let retry: Disposable | undefined;

  const setState = (next: BridgeState) => {
    if (next === state) return;
    state = next;
    stateChanged.fire(next);
  };

  const send = (message: ClientMessage) => connection?.send(JSON.stringify(message));

  const burst = () => {
    for (let index = 0; index < CLOCK_SYNC_PINGS; index++) {
      syncTimers.add(options.scheduler.setTimeout(() => send({ type: 'ping', id: pingId++, clientTime: options.scheduler.now() }), index * CLOCK_SYNC_SPACING_MILLISECONDS));
    }
  };
  const everyHalfMinute = () => {
    burst();
    syncTimers.add(options.scheduler.setTimeout(everyHalfMinute, CLOCK_SYNC_EVERY_MILLISECONDS));
  };
  /** On a new connection: bursts of pings at once and a few seconds later, then every 30 s. */
  const syncClock = () => {
    syncTimers.dispose();
    syncTimers = store.add(new DisposableStore());
    clock.reset();
    for (const delay of CLOCK_SYNC_SCHEDULE_MILLISECONDS) syncTimers.add(options.scheduler.setTimeout(burst, delay));
    syncTimers.add(options.scheduler.setTimeout(everyHalfMinute, CLOCK_SYNC_SCHEDULE_MILLISECONDS.at(-1)! + CLOCK_SYNC_EVERY_MILLISECONDS));
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
      case 'assignment': {
        attempt = 0;
        assignment = message;
        pending.clear();
        const wasConnected = state === 'connected';
        setState('connected');
        if (!wasConnected) syncClock();
        assigned.fire(message);
        break;
      }
      case 'pong':
        clock.sample(message.clientTime, message.serverTime, options.scheduler.now());
        break;
      case 'prepare':
        pending.set(message.switchId, message.assignment);
        prepared.fire(message);
        break;
      case 'commit': {
        const next = pending.get(message.switchId);
        pending.delete(message.switchId);
        if (next) assignment = next;
        committed.fire(message);
        break;
      }
      case 'cancel':
        pending.delete(message.switchId);
        cancelled.fire(message);
        break;
      case 'identify':
        identified.fire(message);
        break;
      case 'values':
        updated.fire(message);
        break;
      case 'media':
        media = message;
        mediaUpdated.fire(message);
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
        syncTimers.dispose();
        pending.clear();
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
    onDidPrepare: prepared.event,
    onDidCommit: committed.event,
    onDidCancel: cancelled.event,
    onDidIdentify: identified.event,
    onDidUpdateMedia: mediaUpdated.event,
    get media() {
      return media;
    },
    reportHealth(health) {
      if (state === 'connected') send({ type: 'health', ...health });
    },
    ready(switchId) {
      if (state === 'connected') send({ type: 'ready', switchId });
    },
    reportFlip(flip) {
      if (state === 'connected') send({ type: 'flipped', ...flip });
    },
    serverNow: () => options.scheduler.now() + clock.offset,
    dispose() {
      if (disposed) return;
      disposed = true;
      retry?.dispose();
      connection?.close(CloseCode.normal, 'client closed');
      store.dispose();
      for (const emitter of [assigned, updated, stateChanged, reloadRequired, prepared, committed, cancelled, identified, mediaUpdated]) emitter.dispose();
    },
  };
}

/** One connected renderer, as the host sees it. */
export interface BridgeClient {
  readonly id: number;
  /** Where it connected from (for logs). */
  readonly remote: string;
  /** The host name it reached the server by (its Host header), so that the URLs it is handed work from where it is. */
  readonly host?: string;
  /** The screens it asked for in its hello. */
  readonly hello: Hello;
  send(message: ServerMessage): void;
  close(code?: number, reason?: string): void;
}

/** Why the host dropped a message; a fixed list, so it can be counted. */
export type RejectReason = 'malformed_json' | 'invalid_message' | 'no_hello' | 'protocol_mismatch' | 'forbidden';

export interface AcceptOptions {
  /** The host name the client reached the server by. */
  readonly host?: string;
  /** Whether its credentials allow what its hello asks (a display token shows one screen); refused: closed with CloseCode.forbidden. */
  readonly authorize?: (hello: Hello) => boolean;
}

/** The main side of the bridge: accepts connections, validates what renderers send, and tracks who is connected. */
export class BridgeHost implements Disposable {
  /** `now` is the server clock that pongs carry (the runtime's Scheduler). */
  constructor(private readonly now: () => number) {}

  private readonly connected = new Emitter<BridgeClient>();
  private readonly disconnected = new Emitter<BridgeClient>();
  private readonly reported = new Emitter<{ client: BridgeClient; health: Health }>();
  private readonly rejected = new Emitter<{ remote: string; reason: RejectReason }>();
  private readonly readied = new Emitter<{ client: BridgeClient; switchId: number }>();
  private readonly flippedEmitter = new Emitter<{ client: BridgeClient; flip: Flipped }>();
  /** A client said hello: send it its assignment. */
  readonly onDidConnect = this.connected.event;
  readonly onDidDisconnect = this.disconnected.event;
  readonly onDidReportHealth = this.reported.event;
  readonly onDidReject = this.rejected.event;
  /** A client built a prepared scene and can flip. */
  readonly onDidReady = this.readied.event;
  readonly onDidFlip = this.flippedEmitter.event;
  private readonly clientSet = new Set<BridgeClient>();
  private readonly pending = new Set<Connection>();
  private nextId = 1;

  get clients(): ReadonlySet<BridgeClient> {
    return this.clientSet;
  }

  accept(connection: Connection, remote: string, options: AcceptOptions = {}): void {
    this.pending.add(connection);
    let client: BridgeClient | undefined;
    const subscriptions = new DisposableStore();
    subscriptions.add(
      connection.onDidReceive((text) => {
        let data: unknown;
        try {
          data = JSON.parse(text);
        } catch {
          this.rejected.fire({ remote, reason: 'malformed_json' });
          return;
        }
        const parsed = ClientMessageSchema.safeParse(data);
        if (!parsed.success) {
          // A renderer of another release says hello in a shape we may not know: tell it to reload, not just drop it.
          const hello = data as { type?: unknown; protocol?: unknown } | null;
          if (!client && hello?.type === 'hello' && hello.protocol !== PROTOCOL_VERSION) {
            this.rejected.fire({ remote, reason: 'protocol_mismatch' });
            connection.close(CloseCode.reloadRequired, `protocol ${PROTOCOL_VERSION} expected`);
            return;
          }
          this.rejected.fire({ remote, reason: 'invalid_message' });
          return;
        }
        const message: ClientMessage = parsed.data;
        if (message.type === 'hello') {
          if (client) return;
          if (options.authorize && !options.authorize(message)) {
            this.rejected.fire({ remote, reason: 'forbidden' });
            connection.close(CloseCode.forbidden, 'these credentials may not show these screens');
            return;
          }
          const id = this.nextId++;
          client = {
            id,
            remote,
            ...(options.host === undefined ? {} : { host: options.host }),
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
          switch (message.type) {
            case 'health':
              this.reported.fire({ client, health: message });
              break;
            case 'ping':
              client.send({ type: 'pong', id: message.id, clientTime: message.clientTime, serverTime: this.now() });
              break;
            case 'ready':
              this.readied.fire({ client, switchId: message.switchId });
              break;
            case 'flipped':
              this.flippedEmitter.fire({ client, flip: message });
              break;
          }
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
    for (const emitter of [this.connected, this.disconnected, this.reported, this.rejected, this.readied, this.flippedEmitter]) emitter.dispose();
  }
}
