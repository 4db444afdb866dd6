// The server's /api/events socket: the scene state on connect and at every commit, the telemetry state when a series turns stale or fresh or a broker's state changes, the cameras state when a feed changes state; reconnecting with backoff.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../common/contract/backoff.ts';
import { DisposableStore, Emitter, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import { CloseCode, type ClientTransport } from '../../common/contract/transport.ts';
import type { CamerasState, SceneState, TelemetryState } from './api.ts';
import { camerasStateOf } from './camera-state.ts';
import { telemetryStateOf } from './telemetry-state.ts';

export type EventsConnection = 'connecting' | 'connected' | 'disconnected';

export const EVENTS_PATH = '/api/events';

/** Every message of /api/events, told apart by its `type`. */
export type EventMessage = SceneState | TelemetryState | CamerasState;

function sceneStateOf(message: Record<string, unknown>): SceneState | undefined {
  const { scene, pending } = message;
  if (typeof scene !== 'object' || scene === null) return undefined;
  const { id, version, committedAt } = scene as Record<string, unknown>;
  if (typeof id !== 'string' || typeof version !== 'number' || typeof committedAt !== 'number') return undefined;
  if (pending !== null && (typeof pending !== 'object' || typeof (pending as Record<string, unknown>).sceneId !== 'string')) return undefined;
  return message as unknown as SceneState;
}

/** Messages come from our own server, but a malformed one (or a type this page does not know) must not reach the views: they keep their last good state. */
export function parseEventMessage(text: string): EventMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  switch ((message as { type?: unknown }).type) {
    case 'state':
      return sceneStateOf(message as Record<string, unknown>);
    case 'telemetry':
      return telemetryStateOf(message);
    case 'cameras':
      return camerasStateOf(message);
    default:
      return undefined;
  }
}

export class SceneEvents implements Disposable {
  private readonly stateEmitter = new Emitter<SceneState>();
  private readonly telemetryEmitter = new Emitter<TelemetryState>();
  private readonly camerasEmitter = new Emitter<CamerasState>();
  private readonly connectionEmitter = new Emitter<EventsConnection>();
  private readonly refusedEmitter = new Emitter<void>();
  /** Every state message, the first one right after each (re)connect. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Every telemetry message: sent on changes only, so a page that (re)connects reads GET /api/telemetry for the rest. */
  readonly onDidChangeTelemetry = this.telemetryEmitter.event;
  /** Every cameras message: sent when a feed changes state only (the rates move on without one), so the page also reads GET /api/cameras. */
  readonly onDidChangeCameras = this.camerasEmitter.event;
  readonly onDidChangeConnection = this.connectionEmitter.event;
  /** The server closed the socket for want of a session (never signed in, or it ended): the page should ask who it is. */
  readonly onDidRefuse = this.refusedEmitter.event;
  /** The listeners of the current socket only: a reconnect loop must not pile them up. */
  private subscriptions: DisposableStore | undefined;
  private connectionState: EventsConnection = 'connecting';
  private retry: Disposable | undefined;
  private close: (() => void) | undefined;
  private attempt = 0;
  private disposed = false;

  constructor(
    private readonly transport: ClientTransport,
    private readonly scheduler: Scheduler,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {
    this.connect();
  }

  get connection(): EventsConnection {
    return this.connectionState;
  }

  private setConnection(next: EventsConnection): void {
    if (next === this.connectionState) return;
    this.connectionState = next;
    this.connectionEmitter.fire(next);
  }

  private connect(): void {
    // Set only while waiting to retry: reconnectNow must not open a second socket beside one opening.
    this.retry = undefined;
    if (this.disposed) return;
    const opening = this.transport.connect();
    const subscriptions = new DisposableStore();
    this.subscriptions = subscriptions;
    this.close = () => opening.close();
    subscriptions.add(
      opening.onDidOpen(() => {
        this.attempt = 0;
        this.setConnection('connected');
      }),
    );
    subscriptions.add(
      opening.onDidReceive((text) => {
        const message = parseEventMessage(text);
        if (message?.type === 'state') this.stateEmitter.fire(message);
        else if (message?.type === 'telemetry') this.telemetryEmitter.fire(message);
        else if (message?.type === 'cameras') this.camerasEmitter.fire(message);
      }),
    );
    subscriptions.add(
      opening.onDidClose(({ code }) => {
        subscriptions.dispose();
        this.subscriptions = undefined;
        this.close = undefined;
        if (this.disposed) return;
        this.setConnection('disconnected');
        this.retry = this.scheduler.setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.scheduler.random, this.backoff));
        if (code === CloseCode.unauthorised) this.refusedEmitter.fire();
      }),
    );
  }

  /** Reconnects at once if the socket is down and waiting to retry: a sign-in just opened what the server refused. */
  reconnectNow(): void {
    if (this.disposed || !this.retry) return;
    this.retry.dispose();
    this.retry = undefined;
    this.attempt = 0;
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.retry?.dispose();
    this.close?.();
    this.subscriptions?.dispose();
    this.stateEmitter.dispose();
    this.telemetryEmitter.dispose();
    this.camerasEmitter.dispose();
    this.connectionEmitter.dispose();
    this.refusedEmitter.dispose();
  }
}
