// Live telemetry for `serve`: the layout's brokers (or the embedded one, with its accounts), MQTT connections into the router, the demo publisher, and the links that carry scene commands and state.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { Emitter, type BrokerStatus, type Scheduler } from '../../common/contract/index.ts';
import { encodeSample } from '../../common/telemetry/encode.ts';
import { commandTopicOf, stateTopicOf, SubscriptionSchema, type CommandIdentity, type Commands, type Subscription } from '../../common/telemetry/schema.ts';
import { compileTopicFilter } from '../../common/telemetry/topic-filter.ts';
import type { WallLayout } from '../../common/wall/index.ts';
import { MqttConnection, type ReceivedMessage } from '../../device-drivers/mqtt/connection.ts';
import { startEmbeddedBroker, type BrokerAccess, type BrokerAccount, type EmbeddedBroker, type RefusedPublish } from '../../device-drivers/mqtt/embedded-broker.ts';
import { describeSecretReference, redactBrokerUrl, resolveBrokerOptions, resolveSecret, type ResolvedBroker } from '../../device-drivers/mqtt/secrets.ts';
import { subscriptionDecoder } from '../../device-drivers/mqtt/subscriptions.ts';
import { startDemo, type DemoFeed } from '../core/demo-feed.ts';
import type { TelemetryRouter } from '../core/telemetry-router.ts';

const EMBEDDED = 'embedded';
/** The embedded broker's accounts for the wall's own connections; a ':' keeps them apart from the layout's client names. */
const WALL_ACCOUNT = 'ioc-wall:wall';
const DEMO_ACCOUNT = 'ioc-wall:demo';

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

/**
 * A broker link that carries the wall's scene state (published retained on `stateTopic`), and scene commands when the
 * layout takes them there: every broker with `commands`, and the embedded broker always (commands when configured).
 */
export interface CommandChannel {
  /** The broker id (`embedded` for the embedded one). */
  readonly broker: string;
  readonly stateTopic: string;
  /** Where commands arrive (QoS 1) and who they act as; absent when this broker takes none. */
  readonly commands?: { readonly topic: string; readonly identity: CommandIdentity };
  readonly connected: boolean;
  /** Publishes on the state topic, retained, QoS 1. */
  publishState(payload: string): Promise<void>;
}

/** What the wall does with its command channels (main/services/mqtt-commands.ts). */
export interface CommandHandler {
  /** A message arrived on the channel's command topic. */
  command(channel: CommandChannel, message: ReceivedMessage): void;
  /** The channel connected (again): its broker needs the state. */
  connected(channel: CommandChannel): void;
  /** The embedded broker dropped a publish to the channel's command topic (a client not allowed to send commands). */
  refusedByBroker(channel: CommandChannel, refusal: RefusedPublish): void;
}

interface Link {
  readonly status: Omit<BrokerStatus, 'state'>;
  readonly connection?: MqttConnection;
  readonly channel?: CommandChannel;
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
  /** Passwords of the wall's own accounts on the embedded broker: new at every start, never written anywhere. */
  private readonly credentials = { wall: randomBytes(24).toString('base64url'), demo: randomBytes(24).toString('base64url') };
  private commandHandler: CommandHandler | undefined;

  private constructor(private readonly options: TelemetryOptions) {}

  /** Starts the embedded broker when the layout needs it (rejects with BrokerPortTakenError), then connects. */
  static async start(options: TelemetryOptions, layout: WallLayout): Promise<TelemetryService> {
    const service = new TelemetryService(options);
    // Without the layout's clients yet (their secrets are read by setLayout, right after): nobody may send commands meanwhile.
    if (plan(layout, options.demo).embedded) await service.startBroker(service.embeddedAccess(layout, []));
    await service.setLayout(layout);
    return service;
  }

  /** The embedded broker's URL, when it runs. */
  get embeddedUrl(): string | undefined {
    return this.broker?.url;
  }

  /** Starts the embedded broker with `access`, or gives the running one `access`. */
  private async startBroker(access: BrokerAccess): Promise<EmbeddedBroker> {
    if (this.broker) {
      this.broker.setAccess(access);
      return this.broker;
    }
    this.broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: this.options.brokerPort,
      access,
      logger: this.options.logger,
      onRefusedPublish: (refusal) => {
        const channel = this.channels().find((candidate) => candidate.broker === EMBEDDED && candidate.commands?.topic === refusal.topic);
        if (channel) this.commandHandler?.refusedByBroker(channel, refusal);
      },
    });
    this.options.logger.info({ url: this.broker.url }, 'embedded MQTT broker listening (loopback only; the command and state topics reserved)');
    return this.broker;
  }

  /** The embedded broker's clients of the layout with their passwords; one whose password cannot be read is left out (and logged). */
  private async embeddedClients(layout: WallLayout): Promise<BrokerAccount[]> {
    const layoutDirectory = path.dirname(this.options.layoutFile);
    const clients: BrokerAccount[] = [];
    for (const client of layout.sources?.telemetry?.embedded?.clients ?? []) {
      try {
        const password = await resolveSecret(client.password, layoutDirectory, this.options.environment ?? process.env, (message) => this.options.logger.warn({ client: client.username }, message));
        clients.push({ username: client.username, password, publish: client.publish });
      } catch (error) {
        this.options.logger.error(
          { client: client.username, secret: describeSecretReference(client.password, layoutDirectory), problem: (error as Error).message },
          'embedded MQTT broker: client left out, its password cannot be read',
        );
      }
    }
    return clients;
  }

  /**
   * Who may do what on the embedded broker: the wall's connection publishes only the state topic, the demo only the
   * telemetry topics, the layout's clients their own filters (the command topic only when a filter covers it), and
   * clients without a name anything but the command and state topics.
   */
  private embeddedAccess(layout: WallLayout, clients: readonly BrokerAccount[]): BrokerAccess {
    const stateTopic = stateTopicOf(layout.wall.id);
    const commandTopic = commandTopicOf(layout.wall.id, layout.sources?.telemetry?.embedded?.commands ?? {});
    const covers = (filter: string, topic: string) => compileTopicFilter(filter).matches(topic) !== undefined;
    return {
      accounts: [
        { username: WALL_ACCOUNT, password: this.credentials.wall, publish: [stateTopic] },
        { username: DEMO_ACCOUNT, password: this.credentials.demo, publish: (plan(layout, this.options.demo).groups.get(EMBEDDED) ?? []).map(({ topic }) => topic), subscribe: false },
        ...clients,
      ],
      reserved: [
        { topic: stateTopic, publishers: [WALL_ACCOUNT], retain: true },
        { topic: commandTopic, publishers: clients.filter((client) => client.publish.some((filter) => covers(filter, commandTopic))).map(({ username }) => username), retain: false },
      ],
    };
  }

  /** Sets who handles commands and publishes the state (undefined: nobody; commands are then dropped with a log line). */
  setCommandHandler(handler: CommandHandler | undefined): void {
    this.commandHandler = handler;
    for (const { channel } of this.links) if (handler && channel?.connected) handler.connected(channel);
  }

  /** The links that carry scene state (and commands), as of the current layout. */
  channels(): CommandChannel[] {
    return this.links.flatMap(({ channel }) => (channel ? [channel] : []));
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
      const access = this.embeddedAccess(layout, await this.embeddedClients(layout));
      // An older layout's accounts must never replace a newer one's.
      if (generation !== this.generation) return;
      let broker: EmbeddedBroker | undefined;
      try {
        broker = await this.startBroker(access);
      } catch (error) {
        resolved.push({ id: EMBEDDED, url: `mqtt://127.0.0.1:${this.options.brokerPort}`, embedded: true, problem: (error as Error).message });
      }
      if (broker) resolved.push(embeddedBroker(broker, clientId, { username: WALL_ACCOUNT, password: this.credentials.wall }));
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
      const commands = commandsOf(layout, broker.id, embedded);
      const channel = commands === undefined ? undefined : this.channel(layout, broker.id, commands === null ? undefined : commands, () => connection);
      const connection: MqttConnection = new MqttConnection({
        broker,
        subscriptions: [
          ...(groups.get(broker.id) ?? []).map(({ topic, qos }) => ({ topic, qos })),
          ...(channel?.commands ? [{ topic: channel.commands.topic, qos: 1 as const }] : []),
        ],
        now: this.options.scheduler.now,
        logger: this.options.logger,
        onMessage: (message) => {
          const { topic, payload, receivedAt } = message;
          if (channel?.commands && topic === channel.commands.topic) return this.command(channel, message);
          // The wall's own state, back through a telemetry filter that covers it: not telemetry.
          if (channel && topic === channel.stateTopic) return undefined;
          return this.options.router.ingest({ topic, receivedAt, result: decode(topic, payload, receivedAt) });
        },
      });
      // The connection logs its own changes; the console and /metrics hear of them here.
      connection.onDidChangeState((state) => {
        this.brokersChanged.fire();
        if (state === 'connected' && channel) this.commandHandler?.connected(channel);
      });
      return { status: { id: broker.id, url: broker.redactedUrl, embedded: broker.id === EMBEDDED }, connection, ...(channel ? { channel } : {}) };
    });
    if (this.options.demo && this.broker) this.startDemo(layout, embeddedBroker(this.broker, `${clientId}-demo`, { username: DEMO_ACCOUNT, password: this.credentials.demo }));
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

  private channel(layout: WallLayout, broker: string, commands: Commands | undefined, connection: () => MqttConnection): CommandChannel {
    return {
      broker,
      stateTopic: stateTopicOf(layout.wall.id),
      ...(commands ? { commands: { topic: commandTopicOf(layout.wall.id, commands), identity: commands.identity } } : {}),
      get connected() {
        return connection().state === 'connected';
      },
      publishState: (payload) => connection().publish(stateTopicOf(layout.wall.id), payload, { qos: 1, retain: true }),
    };
  }

  private command(channel: CommandChannel, message: ReceivedMessage): void {
    if (this.commandHandler) this.commandHandler.command(channel, message);
    else this.options.logger.warn({ broker: channel.broker, topic: message.topic }, 'MQTT scene command dropped: the wall takes no commands yet');
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

/**
 * The commands a broker takes: its `commands` (the embedded one's from `embedded.commands`); null for the embedded
 * broker without commands (it still carries the state); undefined for a named broker without commands.
 */
function commandsOf(layout: WallLayout, broker: string, embedded: boolean): Commands | null | undefined {
  const telemetry = layout.sources?.telemetry;
  if (embedded) return telemetry?.embedded?.commands ?? null;
  return telemetry?.brokers.find((candidate) => candidate.id === broker)?.commands;
}

function embeddedBroker(broker: EmbeddedBroker, clientId: string, account: { username: string; password: string }): ResolvedBroker {
  return {
    id: EMBEDDED,
    url: broker.url,
    redactedUrl: broker.url,
    clientId,
    ...account,
    keepaliveSeconds: 30,
    // On the same machine a broker that went away comes back soon, or not at all: retry briskly.
    reconnect: { firstMilliseconds: 250, maximumMilliseconds: 5_000 },
  };
}
