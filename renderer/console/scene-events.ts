// The live scene state from the server's /api/events socket: the state on connect and at every commit, reconnecting with backoff.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../common/contract/backoff.ts';
import { DisposableStore, Emitter, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import type { ClientTransport } from '../../common/contract/transport.ts';
import type { SceneState } from './api.ts';

export type EventsConnection = 'connecting' | 'connected' | 'disconnected';

export const EVENTS_PATH = '/api/events';

/** Messages come from our own server, but a malformed one must not reach the views (the page keeps its last good state). */
export function parseSceneState(text: string): SceneState | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, scene, pending } = message as Partial<Record<keyof SceneState, unknown>>;
  if (type !== 'state' || typeof scene !== 'object' || scene === null) return undefined;
  const { id, version, committedAt } = scene as Record<string, unknown>;
  if (typeof id !== 'string' || typeof version !== 'number' || typeof committedAt !== 'number') return undefined;
  if (pending !== null && (typeof pending !== 'object' || typeof (pending as Record<string, unknown>).sceneId !== 'string')) return undefined;
  return message as SceneState;
}

export class SceneEvents implements Disposable {
  private readonly stateEmitter = new Emitter<SceneState>();
  private readonly connectionEmitter = new Emitter<EventsConnection>();
  /** Every state message, the first one right after each (re)connect. */
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeConnection = this.connectionEmitter.event;
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
        const state = parseSceneState(text);
        if (state) this.stateEmitter.fire(state);
      }),
    );
    subscriptions.add(
      opening.onDidClose(() => {
        subscriptions.dispose();
        this.subscriptions = undefined;
        this.close = undefined;
        if (this.disposed) return;
        this.setConnection('disconnected');
        this.retry = this.scheduler.setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.scheduler.random, this.backoff));
      }),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.retry?.dispose();
    this.close?.();
    this.subscriptions?.dispose();
    this.stateEmitter.dispose();
    this.connectionEmitter.dispose();
  }
}
