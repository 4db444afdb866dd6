// Live telemetry for `serve`: the layout's brokers (or the embedded one), MQTT connections into the router, and the demo publisher.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { Emitter, type BrokerStatus, type Scheduler } from '../../common/contract/index.ts';
import { encodeSample } from '../../common/telemetry/encode.ts';
import { SubscriptionSchema, type Subscription } from '../../common/telemetry/schema.ts';
import type { WallLayout } from '../../common/wall/index.ts';
import { MqttConnection } from '../../device-drivers/mqtt/connection.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../device-drivers/mqtt/embedded-broker.ts';
import { redactBrokerUrl, resolveBrokerOptions, type ResolvedBroker } from '../../device-drivers/mqtt/secrets.ts';
import { subscriptionDecoder } from '../../device-drivers/mqtt/subscriptions.ts';
import { startDemo, type DemoFeed } from '../core/demo-feed.ts';
import type { TelemetryRouter } from '../core/telemetry-router.ts';

export const DEFAULT_BROKER_PORT = 1883;
const EMBEDDED = 'embedded';

/**
 * Demo series no subscription of the layout can carry still travel through the broker: as a bare number on
 * ioc-wall/demo/<field>/<indicator>[/<instance>].
 */
const DEMO_SUBSCRIPTIONS: readonly Subscription[] = [
  SubscriptionSchema.parse({ topic: 'ioc-wall/demo/+/+', decoder: { kind: 'number', series: '{1}.{2}' } }),
  SubscriptionSchema.parse({ topic: 'ioc-wall/demo/+/+/+', decoder: { kind: 'number', series: '{1}.{2}.{3}' } }),
];

export interface TelemetryOptions {
  readonly layoutFile: string;
  /** Demo mode: the layout's generators publish through the embedded broker, and every broker of the layout is left alone. */
  readonly demo: boolean;
  /** Port of the embedded broker; 0 takes a free one. */
  readonly brokerPort: number;
  readonly router: TelemetryRouter;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly environment?: NodeJS.ProcessEnv;
}

interface Link {
  readonly status: Omit<BrokerStatus, 'state'>;
  readonly connection?: MqttConnection;
}

/** Which broker each subscription goes to: all to the embedded one when the layout names none (or in demo mode). */
function plan(layout: WallLayout, demo: boolean): { embedded: boolean; groups: Map<string, Subscription[]> } {
  const telemetry = layout.sources?.telemetry;
  const subscriptions = [...(telemetry?.subscriptions ?? []), ...(demo ? DEMO_SUBSCRIPTIONS : [])];
  const brokers = demo ? [] : (telemetry?.brokers ?? []);
  const groups = new Map<string, Subscription[]>();
  if (brokers.length === 0) {
    groups.set(EMBEDDED, subscriptions);
    return { embedded: true, groups };
  }
  for (const broker of brokers) groups.set(broker.id, []);
  for (const subscription of subscriptions) groups.get(subscription.broker ?? brokers[0]!.id)?.push(subscription);
  return { embedded: false, groups };
}

export class TelemetryService {
  private broker: EmbeddedBroker | undefined;
  private links: Link[] = [];
  private demo: { feed: DemoFeed; connection: MqttConnection } | undefined;
  /** Counts layout changes, so a slow secret lookup of an older layout never installs its connections. */
  private generation = 0;
  private readonly brokersChanged = new Emitter<void>();
  /** A broker connected, dropped or was replaced. */
  readonly onDidChangeBrokers = this.brokersChanged.event;

  private readonly instance = randomBytes(4).toString('hex');

  private constructor(private readonly options: TelemetryOptions) {}

  /** Starts the embedded broker when the layout needs it (rejects with BrokerPortTakenError), then connects. */
  static async start(options: TelemetryOptions, layout: WallLayout): Promise<TelemetryService> {
    const service = new TelemetryService(options);
    if (plan(layout, options.demo).embedded) await service.startBroker();
    await service.setLayout(layout);
    return service;
  }

  /** The embedded broker's URL, when it runs. */
  get embeddedUrl(): string | undefined {
    return this.broker?.url;
  }

  private async startBroker(): Promise<EmbeddedBroker> {
    this.broker ??= await startEmbeddedBroker({ host: '127.0.0.1', port: this.options.brokerPort });
    this.options.logger.info({ url: this.broker.url }, 'embedded MQTT broker listening (loopback only, no authentication)');
    return this.broker;
  }

  /** Replaces every connection with those of `layout`; the router keeps the values it has. */
  async setLayout(layout: WallLayout): Promise<void> {
    const generation = ++this.generation;
    const { embedded, groups } = plan(layout, this.options.demo);
    const layoutDirectory = path.dirname(this.options.layoutFile);
    // Unique per process: two servers of one wall on one broker (a second node, a test copy) must not knock each other off.
    const clientId = `ioc-wall-${layout.wall.id}-${this.instance}`;
    const resolved: (ResolvedBroker | Link['status'])[] = [];
    if (embedded) {
      let broker: EmbeddedBroker | undefined;
      try {
        broker = await this.startBroker();
      } catch (error) {
        resolved.push({ id: EMBEDDED, url: `mqtt://127.0.0.1:${this.options.brokerPort}`, embedded: true, problem: (error as Error).message });
      }
      if (broker) resolved.push(embeddedBroker(broker, clientId));
    } else {
      for (const broker of layout.sources!.telemetry!.brokers) {
        try {
          resolved.push(await resolveBrokerOptions(broker, layoutDirectory, { clientId, ...(this.options.environment ? { environment: this.options.environment } : {}), warn: (message) => this.options.logger.warn({ broker: broker.id }, message) }));
        } catch (error) {
          resolved.push({ id: broker.id, url: redactBrokerUrl(broker.url), embedded: false, problem: (error as Error).message });
        }
      }
    }
    if (generation !== this.generation) return;
    this.stopConnections();
    this.links = resolved.map((broker): Link => {
      if (!('clientId' in broker)) {
        this.options.logger.error({ broker: broker.id, problem: broker.problem }, 'MQTT broker not connected');
        return { status: broker };
      }
      const decode = subscriptionDecoder(groups.get(broker.id) ?? []);
      const connection = new MqttConnection({
        broker,
        subscriptions: (groups.get(broker.id) ?? []).map(({ topic, qos }) => ({ topic, qos })),
        now: this.options.scheduler.now,
        logger: this.options.logger,
        onMessage: ({ topic, payload, receivedAt }) => this.options.router.ingest({ topic, receivedAt, result: decode(topic, payload, receivedAt) }),
      });
      // The connection logs its own changes; the console and /metrics hear of them here.
      connection.onDidChangeState(() => this.brokersChanged.fire());
      return { status: { id: broker.id, url: broker.redactedUrl, embedded: broker.id === EMBEDDED }, connection };
    });
    if (this.options.demo && this.broker) this.startDemo(layout, embeddedBroker(this.broker, `${clientId}-demo`));
    this.brokersChanged.fire();
  }

  /** The generators publish each step as the message a subscription of the layout decodes into it, retained so a late subscriber has every value. */
  private startDemo(layout: WallLayout, broker: ResolvedBroker): void {
    const subscriptions = [...(layout.sources?.telemetry?.subscriptions ?? []), ...DEMO_SUBSCRIPTIONS];
    const connection = new MqttConnection({ broker, subscriptions: [], now: this.options.scheduler.now, logger: this.options.logger, onMessage: () => undefined });
    const router = this.options.router;
    const feed = startDemo(layout, this.options.scheduler, {
      seedHistory: (id, points) => router.seedHistory(id, points),
      take: (values) => {
        for (const [series, { value, time }] of Object.entries(values)) {
          const message = subscriptions.reduce<ReturnType<typeof encodeSample>>((found, subscription) => found ?? encodeSample(subscription, series, value, time), undefined);
          if (!message) continue;
          connection.publish(message.topic, message.payload, { retain: true }).catch((error: Error) => this.options.logger.debug({ series, error: error.message }, 'demo value not published'));
        }
      },
    });
    this.demo = { feed, connection };
  }

  brokers(): BrokerStatus[] {
    return this.links.map(({ status, connection }) => ({ ...status, state: connection?.state ?? 'closed' }));
  }

  private stopConnections(): void {
    this.demo?.feed.dispose();
    this.demo?.connection.dispose();
    this.demo = undefined;
    for (const link of this.links) link.connection?.dispose();
    this.links = [];
  }

  async dispose(): Promise<void> {
    this.generation += 1;
    this.stopConnections();
    this.brokersChanged.dispose();
    await this.broker?.close();
    this.broker = undefined;
  }
}

function embeddedBroker(broker: EmbeddedBroker, clientId: string): ResolvedBroker {
  return {
    id: EMBEDDED,
    url: broker.url,
    redactedUrl: broker.url,
    clientId,
    keepaliveSeconds: 30,
    // On the same machine a broker that went away comes back soon, or not at all: retry briskly.
    reconnect: { firstMilliseconds: 250, maximumMilliseconds: 5_000 },
  };
}
