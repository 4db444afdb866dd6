// GET /api/telemetry (freshness of every series, broker links, message totals) and GET /api/telemetry/topics (counts per topic).
import { Emitter, type BrokerStatus, type Disposable, type Event, type Scheduler, type TelemetryState, type TopicCount } from '../../common/contract/index.ts';
import type { TelemetryRouter } from '../core/telemetry-router.ts';
import type { FastifyReply } from 'fastify';
import type { Access } from './access.ts';
import type { PushedState } from './control-api.ts';
import type { RouteRegistration } from './http-server.ts';

/** Pushes to the console at most this often: a flood of series turning stale at once is one message. */
const PUSH_MILLISECONDS = 1_000;

export interface TelemetryApiSources {
  readonly router: Pick<TelemetryRouter, 'freshness' | 'totals' | 'topicCounts' | 'onDidChangeFreshness'>;
  readonly brokers: () => readonly BrokerStatus[];
  readonly onDidChangeBrokers: Event<void>;
  readonly scheduler: Scheduler;
}

export class TelemetryApi implements PushedState, Disposable {
  private readonly changed = new Emitter<void>();
  private readonly subscriptions: Disposable[];
  private timer: Disposable | undefined;
  private lastPushAt = Number.NEGATIVE_INFINITY;
  readonly onDidChange = this.changed.event;

  constructor(private readonly sources: TelemetryApiSources) {
    this.subscriptions = [sources.router.onDidChangeFreshness(() => this.schedulePush()), sources.onDidChangeBrokers(() => this.schedulePush())];
  }

  state(): TelemetryState {
    const { accepted, dropped } = this.sources.router.totals();
    return {
      type: 'telemetry',
      at: this.sources.scheduler.now(),
      brokers: this.sources.brokers(),
      series: this.sources.router.freshness(),
      messages: { accepted, dropped: Object.values(dropped).reduce((sum, count) => sum + count, 0) },
    };
  }

  topics(): TopicCount[] {
    return this.sources.router.topicCounts();
  }

  private schedulePush(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastPushAt + PUSH_MILLISECONDS - this.sources.scheduler.now());
    this.timer = this.sources.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.lastPushAt = this.sources.scheduler.now();
      this.changed.fire();
    }, wait);
  }

  route(access: Access): RouteRegistration {
    return (app) => {
      app.get('/api/telemetry', (request, reply): TelemetryState | FastifyReply => (access.readable(request, reply) ? this.state() : reply));
      app.get('/api/telemetry/topics', (request, reply): TopicCount[] | FastifyReply => (access.readable(request, reply) ? this.topics() : reply));
    };
  }

  dispose(): void {
    this.timer?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
