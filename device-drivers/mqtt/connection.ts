// One MQTT broker connection for the wall: mqtt.js with our own reconnect backoff, subscriptions renewed on every connect, and no failure of the broker or of a handler able to crash the process.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { backoffDelay } from '../../common/contract/backoff.ts';
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';
import type { ResolvedBroker } from './secrets.ts';

export type QoS = 0 | 1 | 2;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** From the connection's `now`, epoch milliseconds. */
  readonly receivedAt: number;
  /** Sent from the broker's store at subscription time, not as it was published (a command must not be obeyed twice). */
  readonly retained?: boolean;
}

export interface MqttSubscription {
  readonly topic: string;
  readonly qos: QoS;
}

/** The part of a pino logger the connection uses. */
export interface ConnectionLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ReconnectBackoff {
  readonly firstMilliseconds: number;
  readonly maximumMilliseconds: number;
}

export interface MqttConnectionOptions {
  readonly broker: ResolvedBroker;
  readonly subscriptions: readonly MqttSubscription[];
  readonly now: () => number;
  /** Called for every message; an exception is caught and logged (at most once per 10 s), never reaching mqtt.js. */
  readonly onMessage: (message: ReceivedMessage) => void;
  readonly logger: ConnectionLogger;
  /** Default: the broker's `reconnect` from the layout (1 s doubling to 30 s). Each delay gets ±20 % jitter. */
  readonly backoff?: ReconnectBackoff;
  /** For the jitter; default Math.random. */
  readonly random?: () => number;
  /** How long a broker may take to answer CONNECT; default 30 s. */
  readonly connectTimeoutMilliseconds?: number;
}

export interface PublishOptions {
  readonly qos?: QoS;
  readonly retain?: boolean;
}

/** QoS granted in a SUBACK when the broker refuses a subscription (MQTT 3.1.1 §3.9.3). */
const REFUSED = 128;
const HANDLER_ERROR_LOG_INTERVAL_MILLISECONDS = 10_000;

/** One connection attempt: its client and the publishes waiting on it, rejected if it goes away. */
interface Attempt {
  readonly client: MqttClient;
  readonly pendingPublishes: Set<(error: Error) => void>;
}

/**
 * Connects at construction, and after every close or error reconnects with a fresh mqtt.js client after a backoff delay
 * (mqtt.js's own fixed-period reconnect is disabled: it has no backoff and no jitter). The delay doubles per failed
 * attempt and starts over after a successful CONNACK.
 */
export class MqttConnection implements Disposable {
  private readonly stateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;

  private currentState: ConnectionState = 'connecting';
  private attempt: Attempt | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private disposed = false;
  private readonly backoff: ReconnectBackoff;
  private readonly random: () => number;
  private lastHandlerErrorLoggedAt: number | undefined;
  private handlerErrorsNotLogged = 0;

  constructor(private readonly options: MqttConnectionOptions) {
    this.backoff = options.backoff ?? options.broker.reconnect;
    this.random = options.random ?? Math.random;
    this.connect();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /**
   * Publishes through the current connection. While the first CONNECT is in flight mqtt.js holds the message until
   * the broker answers; between attempts, or if the connection drops before the broker acknowledges, this rejects.
   */
  publish(topic: string, payload: string | Uint8Array, options: PublishOptions = {}): Promise<void> {
    const attempt = this.attempt;
    if (this.disposed || !attempt) {
      return Promise.reject(new Error(`cannot publish to ${topic}: not connected to ${this.options.broker.redactedUrl} (${this.currentState})`));
    }
    const message = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return new Promise<void>((resolve, reject) => {
      attempt.pendingPublishes.add(reject);
      attempt.client.publish(topic, message, { qos: options.qos ?? 0, retain: options.retain ?? false }, (error) => {
        attempt.pendingPublishes.delete(reject);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Ends the client at once and cancels any pending reconnect; fires 'closed' once, then nothing more. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.endAttempt(new Error(`connection to ${this.options.broker.redactedUrl} disposed`));
    this.setState('closed');
    this.stateEmitter.dispose();
  }

  private get logContext(): Record<string, unknown> {
    return { broker: this.options.broker.id, url: this.options.broker.redactedUrl, clientId: this.options.broker.clientId };
  }

  private connect(): void {
    const { broker } = this.options;
    const clientOptions: IClientOptions = {
      clientId: broker.clientId,
      keepalive: broker.keepaliveSeconds,
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMilliseconds ?? 30_000,
      protocolVersion: 4,
      clean: true,
      // We subscribe on every connect ourselves, so the subscriptions come back whatever session the broker kept.
      resubscribe: false,
      ...(broker.username === undefined ? {} : { username: broker.username }),
      ...(broker.password === undefined ? {} : { password: broker.password }),
      ...(broker.tls === undefined
        ? {}
        : {
            rejectUnauthorized: broker.tls.rejectUnauthorized,
            ...(broker.tls.ca === undefined ? {} : { ca: broker.tls.ca }),
            ...(broker.tls.cert === undefined ? {} : { cert: broker.tls.cert }),
            ...(broker.tls.key === undefined ? {} : { key: broker.tls.key }),
            ...(broker.tls.servername === undefined ? {} : { servername: broker.tls.servername }),
          }),
    };
    let client: MqttClient;
    try {
      client = connect(broker.url, clientOptions);
    } catch (error) {
      // mqtt.js throws synchronously on a URL it cannot use; retrying keeps the wall's behaviour uniform (and logged).
      this.failed(undefined, error);
      return;
    }
    const attempt: Attempt = { client, pendingPublishes: new Set() };
    this.attempt = attempt;
    client.on('connect', () => {
      if (this.attempt !== attempt) return;
      this.failures = 0;
      this.options.logger.info(this.logContext, 'MQTT broker connected');
      this.setState('connected');
      this.subscribeAll(attempt);
    });
    client.on('message', (topic, payload, packet) => {
      if (this.attempt === attempt) this.deliver(topic, payload, packet.retain);
    });
    // These listeners stay after the attempt ends: an 'error' without a listener would crash the process.
    client.on('error', (error) => this.failed(attempt, error));
    client.on('close', () => this.failed(attempt, undefined));
  }

  /** Ends an attempt on its first error or close (a parser error leaves the socket open but the stream unusable), then schedules the next. */
  private failed(attempt: Attempt | undefined, error: unknown): void {
    if (this.disposed || attempt !== this.attempt) return;
    this.endAttempt(new Error(`connection to ${this.options.broker.redactedUrl} lost`));
    const delay = backoffDelay(this.failures, this.random, {
      initialMilliseconds: this.backoff.firstMilliseconds,
      maximumMilliseconds: this.backoff.maximumMilliseconds,
    });
    this.failures += 1;
    this.options.logger.warn(
      { ...this.logContext, ...describeError(error), attempt: this.failures, retryInMilliseconds: delay },
      error === undefined ? 'MQTT connection closed; reconnecting' : 'MQTT connection failed; reconnecting',
    );
    this.setState('reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.disposed) this.connect();
    }, delay);
  }

  private endAttempt(reason: Error): void {
    const attempt = this.attempt;
    this.attempt = undefined;
    if (!attempt) return;
    for (const reject of attempt.pendingPublishes) reject(reason);
    attempt.pendingPublishes.clear();
    try {
      attempt.client.end(true);
    } catch (error) {
      this.options.logger.warn({ ...this.logContext, ...describeError(error) }, 'MQTT client did not end cleanly');
    }
  }

  private subscribeAll(attempt: Attempt): void {
    // One entry per topic filter; the same filter asked twice gets the higher QoS.
    const requested: Record<string, { qos: QoS }> = {};
    for (const { topic, qos } of this.options.subscriptions) {
      requested[topic] = { qos: Math.max(qos, requested[topic]?.qos ?? 0) as QoS };
    }
    // mqtt.js sends the filters in Object.keys order and the SUBACK grants in that order.
    const topics = Object.keys(requested);
    if (topics.length === 0) return;
    attempt.client.subscribe(requested, (error, _granted, packet) => {
      if (this.attempt !== attempt) return;
      // mqtt.js 5 turns one refused filter into an error for the whole SUBACK: the grants are only in the packet.
      const grants = packet?.granted;
      if (!grants) {
        if (error) this.options.logger.warn({ ...this.logContext, ...describeError(error), topics }, 'MQTT subscribe failed');
        return;
      }
      const refused: string[] = [];
      for (const [index, topic] of topics.entries()) {
        const grant = grants[index];
        if (typeof grant === 'number' && grant >= REFUSED) refused.push(topic);
        else if (typeof grant === 'number' && grant < requested[topic]!.qos) {
          this.options.logger.info({ ...this.logContext, topic, requestedQos: requested[topic]!.qos, grantedQos: grant }, 'MQTT broker granted a lower QoS');
        }
      }
      for (const topic of refused) this.options.logger.warn({ ...this.logContext, topic }, 'MQTT broker refused the subscription');
      this.options.logger.info({ ...this.logContext, subscribed: topics.length - refused.length, refused: refused.length }, 'MQTT subscriptions made');
    });
  }

  private deliver(topic: string, payload: Uint8Array, retained: boolean): void {
    const now = this.options.now();
    try {
      this.options.onMessage({ topic, payload, receivedAt: now, retained });
    } catch (error) {
      // A handler failing on every message of a busy topic would otherwise flood the log.
      if (this.lastHandlerErrorLoggedAt !== undefined && now - this.lastHandlerErrorLoggedAt < HANDLER_ERROR_LOG_INTERVAL_MILLISECONDS) {
        this.handlerErrorsNotLogged += 1;
        return;
      }
      this.options.logger.error(
        { ...this.logContext, topic, ...describeError(error), errorsNotLogged: this.handlerErrorsNotLogged },
        'MQTT message handler threw; the message was dropped',
      );
      this.lastHandlerErrorLoggedAt = now;
      this.handlerErrorsNotLogged = 0;
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    try {
      this.stateEmitter.fire(state);
    } catch (error) {
      // Called from mqtt.js's event handlers: a listener's exception must not reach them.
      this.options.logger.error({ ...this.logContext, ...describeError(error), state }, 'MQTT connection state listener threw');
    }
  }
}

/** Message and code only: the error objects of mqtt.js and node:net carry no credentials, but their stacks are noise in a wall's log. */
function describeError(error: unknown): { error?: string; code?: string | number } {
  if (error === undefined) return {};
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return { error: error.message, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) };
}
