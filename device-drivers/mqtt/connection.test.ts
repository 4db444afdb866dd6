// The wall's MQTT connection against aedes and a real mosquitto: messages arrive, a dead or hostile broker is retried with backoff and never crashes the process, subscriptions come back after a broker restart.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokerSchema } from '../../common/telemetry/schema.ts';
import { MqttConnection, type ConnectionLogger, type ConnectionState, type MqttSubscription, type ReceivedMessage } from './connection.ts';
import { freePort, mosquittoPublish, requireMosquitto, startMosquitto } from './mosquitto.ts';
import { resolveBrokerOptions } from './secrets.ts';

const mosquittoIt = requireMosquitto() ? it : it.skip;

const OPENSSL = '/usr/bin/openssl';
const opensslAvailable = existsSync(OPENSSL);
if (!opensslAvailable) console.warn(`\n!!!!! openssl is missing (${OPENSSL}): apt-get install -y openssl\n!!!!! the MQTT over TLS tests are SKIPPED on this machine\n`);

const PASSWORD = 'pa55-word-never-logged';
const QUICK_BACKOFF = { firstMilliseconds: 20, maximumMilliseconds: 100 };
const WAIT = { timeout: 20_000, interval: 20 };

interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly object: Record<string, unknown>;
  readonly message: string;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// pino's logger fits the connection's logger interface.
const _pinoFits: ConnectionLogger = pino({ level: 'silent' });

function recordingLogger(): { logger: ConnectionLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (object: object, message: string) => void entries.push({ level, object: object as Record<string, unknown>, message });
  return { logger: { info: record('info'), warn: record('warn'), error: record('error') }, entries };
}

interface Opened {
  readonly connection: MqttConnection;
  readonly messages: ReceivedMessage[];
  readonly states: ConnectionState[];
  readonly entries: LogEntry[];
}

interface OpenOptions {
  readonly url: string;
  readonly subscriptions?: readonly MqttSubscription[];
  readonly onMessage?: (message: ReceivedMessage) => void;
  readonly now?: () => number;
  readonly layout?: Record<string, unknown>;
  readonly layoutDirectory?: string;
}

/** A connection built the way serve builds it: layout broker entry -> resolveBrokerOptions -> MqttConnection. */
async function open(options: OpenOptions): Promise<Opened> {
  const broker = await resolveBrokerOptions(
    BrokerSchema.parse({ id: 'test', url: options.url, password: { env: 'MQTT_PASSWORD' }, username: 'wall', ...options.layout }),
    options.layoutDirectory ?? tmpdir(),
    { clientId: `ioc-wall-test-${randomUUID().slice(0, 8)}`, environment: { MQTT_PASSWORD: PASSWORD } },
  );
  const messages: ReceivedMessage[] = [];
  const states: ConnectionState[] = [];
  const { logger, entries } = recordingLogger();
  const connection = new MqttConnection({
    broker,
    subscriptions: options.subscriptions ?? [],
    now: options.now ?? (() => 1_700_000_000_000),
    onMessage: (message) => {
      messages.push(message);
      options.onMessage?.(message);
    },
    logger,
    backoff: QUICK_BACKOFF,
  });
  connection.onDidChangeState((state) => states.push(state));
  cleanups.push(() => connection.dispose());
  return { connection, messages, states, entries };
}

function texts(messages: readonly ReceivedMessage[]): string[] {
  return messages.map((message) => `${message.topic} ${Buffer.from(message.payload).toString()}`);
}

function count(entries: readonly LogEntry[], message: string): number {
  return entries.filter((entry) => entry.message === message).length;
}

interface TestAedes {
  readonly url: string;
  readonly port: number;
  /** Every SUBSCRIBE the broker accepted: topic and QoS as asked. */
  readonly subscriptions: { topic: string; qos: number }[];
  /** Publishes from a separate mqtt.js client. */
  publish(topic: string, payload: string, qos: 0 | 1 | 2): Promise<void>;
}

/** aedes with hooks (refusals) and optionally TLS, which the embedded broker does not offer; stopped after the test. */
async function startTestAedes(options: { aedes?: AedesOptions; tls?: tls.TlsOptions } = {}): Promise<TestAedes> {
  const aedes = await Aedes.createBroker(options.aedes);
  const sockets = new Set<net.Socket>();
  const accept = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  };
  const server = options.tls ? tls.createServer(options.tls, accept) : net.createServer(accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const subscriptions: { topic: string; qos: number }[] = [];
  aedes.on('subscribe', (subscribed) => subscriptions.push(...subscribed.map(({ topic, qos }) => ({ topic, qos }))));
  const url = `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`;
  cleanups.push(async () => {
    server.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => aedes.close(resolve));
  });
  return {
    url,
    port,
    subscriptions,
    async publish(topic, payload, qos) {
      const publisher = await connectAsync(url, { reconnectPeriod: 0, rejectUnauthorized: false });
      await publisher.publishAsync(topic, payload, { qos });
      await publisher.endAsync();
    },
  };
}

/** Waits until the connection has made its subscriptions `times` times (the broker's SUBACK came back). */
async function subscribed(opened: Opened, times = 1): Promise<void> {
  await vi.waitFor(() => expect(count(opened.entries, 'MQTT subscriptions made')).toBeGreaterThanOrEqual(times), WAIT);
}

describe('MqttConnection against aedes', () => {
  it('receives the messages of wildcard subscriptions, subscribed with the QoS asked', async () => {
    const broker = await startTestAedes();
    const opened = await open({
      url: broker.url,
      subscriptions: [
        { topic: 'ioc/+/water_level', qos: 1 },
        { topic: 'ioc/alerts/#', qos: 2 },
      ],
      now: () => 42,
    });
    await subscribed(opened);
    expect(opened.connection.state).toBe('connected');
    expect(opened.states).toEqual(['connected']);
    expect(broker.subscriptions).toEqual([
      { topic: 'ioc/+/water_level', qos: 1 },
      { topic: 'ioc/alerts/#', qos: 2 },
    ]);
    await broker.publish('ioc/song_hong/water_level', '3.54', 1);
    await broker.publish('ioc/traffic/speed', '40', 0);
    await broker.publish('ioc/alerts/flood/level_3', '{"level":3}', 2);
    await vi.waitFor(() => expect(opened.messages).toHaveLength(2), WAIT);
    expect(texts(opened.messages)).toEqual(['ioc/song_hong/water_level 3.54', 'ioc/alerts/flood/level_3 {"level":3}']);
    expect(opened.messages[0]!.receivedAt).toBe(42);
    expect(opened.messages[0]!.payload).toBeInstanceOf(Uint8Array);
  });

  it('publishes, and refuses to publish between connection attempts', async () => {
    const broker = await startTestAedes();
    const opened = await open({ url: broker.url, subscriptions: [{ topic: 'ioc/demo/#', qos: 1 }] });
    await subscribed(opened);
    await opened.connection.publish('ioc/demo/text', 'hello', { qos: 1 });
    await opened.connection.publish('ioc/demo/bytes', new Uint8Array([0x33, 0x2e, 0x35]), { qos: 0, retain: true });
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/demo/text hello', 'ioc/demo/bytes 3.5']), WAIT);

    const closedPort = await freePort();
    const unreachable = await open({ url: `mqtt://127.0.0.1:${closedPort}` });
    await vi.waitFor(() => expect(unreachable.connection.state).toBe('reconnecting'), WAIT);
    // Between attempts there is no client to hand the message to: the caller learns it at once instead of waiting forever.
    await vi.waitFor(() => expect(unreachable.connection.publish('ioc/demo/text', 'lost')).rejects.toThrow(/not connected to mqtt:\/\/127\.0\.0\.1:\d+ \(reconnecting\)/), WAIT);
  });

  it('keeps delivering after onMessage throws, and logs the failure once per interval', async () => {
    const broker = await startTestAedes();
    let calls = 0;
    const opened = await open({
      url: broker.url,
      subscriptions: [{ topic: 'ioc/#', qos: 1 }],
      onMessage: () => {
        calls += 1;
        if (calls <= 2) throw new Error(`handler bug ${calls}`);
      },
    });
    await subscribed(opened);
    for (const value of ['1', '2', '3']) await broker.publish('ioc/river/level', value, 1);
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/river/level 1', 'ioc/river/level 2', 'ioc/river/level 3']), WAIT);
    expect(opened.connection.state).toBe('connected');
    expect(opened.states).toEqual(['connected']);
    // The clock stands still, so the second failure falls within the rate limit.
    const errors = opened.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.object).toMatchObject({ topic: 'ioc/river/level', error: 'handler bug 1' });
  });

  it('logs the subscriptions the broker refuses, with their topic, and keeps the others', async () => {
    const broker = await startTestAedes({
      aedes: { authorizeSubscribe: (_client, subscription, callback) => callback(null, subscription.topic.startsWith('secret/') ? null : subscription) },
    });
    const opened = await open({
      url: broker.url,
      subscriptions: [
        { topic: 'secret/#', qos: 0 },
        { topic: 'ioc/+/level', qos: 1 },
      ],
    });
    await subscribed(opened);
    const refusals = opened.entries.filter((entry) => entry.message === 'MQTT broker refused the subscription');
    expect(refusals.map((entry) => entry.object.topic)).toEqual(['secret/#']);
    await broker.publish('ioc/river/level', '2', 1);
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/river/level 2']), WAIT);
  });

  it('never logs the password', async () => {
    const broker = await startTestAedes();
    const opened = await open({ url: broker.url, subscriptions: [{ topic: 'ioc/#', qos: 0 }] });
    await subscribed(opened);
    opened.connection.dispose();
    const closedPort = await freePort();
    const failing = await open({ url: `mqtt://127.0.0.1:${closedPort}` });
    await vi.waitFor(() => expect(count(failing.entries, 'MQTT connection failed; reconnecting')).toBeGreaterThanOrEqual(2), WAIT);
    const logged = JSON.stringify([...opened.entries, ...failing.entries]);
    expect(logged).toContain('ioc-wall-test-');
    expect(logged).not.toContain(PASSWORD);
  });

  it('fires closed on dispose and nothing after', async () => {
    const broker = await startTestAedes();
    const opened = await open({ url: broker.url, subscriptions: [{ topic: 'ioc/#', qos: 0 }] });
    await subscribed(opened);
    opened.connection.dispose();
    expect(opened.connection.state).toBe('closed');
    expect(opened.states).toEqual(['connected', 'closed']);
    await expect(opened.connection.publish('ioc/x', '1')).rejects.toThrow('not connected');
    await broker.publish('ioc/river/level', '1', 0);
    // Nothing arrives once disposed; give the broker time to have delivered it had the client still been there.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(opened.messages).toEqual([]);
    expect(opened.states).toEqual(['connected', 'closed']);
  });
});

describe('MqttConnection when the broker is unreachable or misbehaves', () => {
  it('keeps retrying a closed port without throwing, until disposed', async () => {
    const closedPort = await freePort();
    const opened = await open({ url: `mqtt://127.0.0.1:${closedPort}` });
    expect(opened.connection.state).toBe('connecting');
    await vi.waitFor(() => expect(count(opened.entries, 'MQTT connection failed; reconnecting')).toBeGreaterThanOrEqual(3), WAIT);
    expect(opened.connection.state).toBe('reconnecting');
    expect(opened.states).toEqual(['reconnecting']);
    expect(opened.entries[0]!.object).toMatchObject({ code: 'ECONNREFUSED', url: `mqtt://127.0.0.1:${closedPort}`, attempt: 1 });
    opened.connection.dispose();
    const logged = opened.entries.length;
    // Several backoff periods (at most 100 ms each here): a reconnect that survived dispose would have logged by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(opened.entries).toHaveLength(logged);
    expect(opened.states).toEqual(['reconnecting', 'closed']);
  });

  it('retries a host name that does not resolve', async () => {
    const opened = await open({ url: 'mqtt://ioc-broker.invalid:1883' });
    await vi.waitFor(() => expect(count(opened.entries, 'MQTT connection failed; reconnecting')).toBeGreaterThanOrEqual(1), WAIT);
    expect(opened.entries[0]!.object.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(opened.connection.state).toBe('reconnecting');
  });

  it('drops a connection that sends garbage and tries again', async () => {
    let accepted = 0;
    const server = net.createServer((socket) => {
      accepted += 1;
      socket.on('error', () => undefined);
      // Read to the end, or the socket never sees the client's FIN and server.close() waits forever.
      socket.resume();
      // 0xf0 is reserved in MQTT 3.1.1 (AUTH in 5): mqtt.js refuses it on a 3.1.1 connection.
      socket.end(Buffer.from([0xf0, 0x02, 0xde, 0xad, 0x20, 0x02, 0x00, 0x00]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const opened = await open({ url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`, subscriptions: [{ topic: '#', qos: 0 }] });
    await vi.waitFor(() => expect(accepted).toBeGreaterThanOrEqual(3), WAIT);
    expect(opened.connection.state).toBe('reconnecting');
    expect(opened.states).not.toContain('connected');
  });

  it('gives up on a broker that accepts TCP but never answers CONNECT, and retries', async () => {
    let accepted = 0;
    const silent = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      accepted += 1;
      silent.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of silent) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const broker = await resolveBrokerOptions(BrokerSchema.parse({ id: 'silent', url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}` }), tmpdir(), {
      clientId: 'ioc-wall-silent',
    });
    const { logger, entries } = recordingLogger();
    const connection = new MqttConnection({ broker, subscriptions: [], now: () => 0, onMessage: () => undefined, logger, backoff: QUICK_BACKOFF, connectTimeoutMilliseconds: 200 });
    cleanups.push(() => connection.dispose());
    await vi.waitFor(() => expect(accepted).toBeGreaterThanOrEqual(2), WAIT);
    expect(entries[0]!.object.error).toBe('connack timeout');
  });
});

describe('MqttConnection against a real mosquitto', () => {
  mosquittoIt('receives what Debian mosquitto_pub publishes', async () => {
    const mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    const opened = await open({ url: mosquitto.url, subscriptions: [{ topic: 'ioc/+/water_level', qos: 1 }] });
    await subscribed(opened);
    await mosquittoPublish(mosquitto.url, 'ioc/song_hong/water_level', '3.54', 1);
    await mosquittoPublish(mosquitto.url, 'ioc/song_hong/rainfall', '12', 1);
    await mosquittoPublish(mosquitto.url, 'ioc/song_da/water_level', new Uint8Array([0x32]), 0);
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/song_hong/water_level 3.54', 'ioc/song_da/water_level 2']), WAIT);
  });

  mosquittoIt('reconnects after the broker is killed and restarted, and its subscriptions work again', async () => {
    const mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    const opened = await open({ url: mosquitto.url, subscriptions: [{ topic: 'ioc/#', qos: 1 }] });
    await subscribed(opened);
    await mosquittoPublish(mosquitto.url, 'ioc/river/level', 'before', 1);
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/river/level before']), WAIT);

    await mosquitto.kill('SIGKILL');
    await vi.waitFor(() => expect(opened.connection.state).toBe('reconnecting'), WAIT);
    // Attempts against the dead port fail and are retried.
    await vi.waitFor(() => expect(count(opened.entries, 'MQTT connection failed; reconnecting')).toBeGreaterThanOrEqual(2), WAIT);

    await mosquitto.restart();
    await vi.waitFor(() => expect(opened.connection.state).toBe('connected'), WAIT);
    // persistence false: the new mosquitto knows nothing of the old session, so only our own SUBSCRIBE brings messages back.
    await subscribed(opened, 2);
    await mosquittoPublish(mosquitto.url, 'ioc/river/level', 'after', 1);
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/river/level before', 'ioc/river/level after']), WAIT);
    expect(opened.states).toEqual(['connected', 'reconnecting', 'connected']);
  });
});

describe('MqttConnection over TLS', () => {
  /** A throwaway self-signed certificate for 127.0.0.1, made with openssl in a temporary directory (the test's layout directory). */
  async function selfSignedCertificate(): Promise<{ directory: string; key: string; cert: string }> {
    const directory = await mkdtemp(path.join(tmpdir(), 'ioc-wall-tls-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    execFileSync(OPENSSL, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=ioc-wall test broker', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', path.join(directory, 'broker.key'), '-out', path.join(directory, 'broker.pem'),
    ], { stdio: 'pipe' });
    return { directory, key: await readFile(path.join(directory, 'broker.key'), 'utf8'), cert: await readFile(path.join(directory, 'broker.pem'), 'utf8') };
  }

  it.skipIf(!opensslAvailable)('connects with mqtts:// and the layout CA file, and messages arrive', async () => {
    const { directory, key, cert } = await selfSignedCertificate();
    const broker = await startTestAedes({ tls: { key, cert } });
    const opened = await open({ url: broker.url, layout: { tls: { ca: 'broker.pem' } }, layoutDirectory: directory, subscriptions: [{ topic: 'ioc/#', qos: 1 }] });
    await subscribed(opened);
    await opened.connection.publish('ioc/tls/check', 'secure', { qos: 1 });
    await vi.waitFor(() => expect(texts(opened.messages)).toEqual(['ioc/tls/check secure']), WAIT);
  });

  it.skipIf(!opensslAvailable)('keeps retrying, without crashing, a broker whose certificate it cannot verify', async () => {
    const { key, cert } = await selfSignedCertificate();
    const broker = await startTestAedes({ tls: { key, cert } });
    const opened = await open({ url: broker.url, layout: { tls: { rejectUnauthorized: true } } });
    await vi.waitFor(() => expect(count(opened.entries, 'MQTT connection failed; reconnecting')).toBeGreaterThanOrEqual(2), WAIT);
    expect(opened.connection.state).toBe('reconnecting');
    expect(opened.states).not.toContain('connected');
    expect(String(opened.entries[0]!.object.code)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });
});
