// The embedded broker: a working MQTT broker on a loopback port, a clear message when the port is taken, never on a non-loopback address; accounts and reserved topics.
import net from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerPortTakenError, NonLoopbackHostError, startEmbeddedBroker, type BrokerAccess, type EmbeddedBroker, type RefusedPublish } from './embedded-broker.ts';

describe('startEmbeddedBroker', () => {
  it('takes a free port and carries messages between clients', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    try {
      expect(broker.host).toBe('127.0.0.1');
      expect(broker.port).toBeGreaterThan(0);
      expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
      const subscriber = await connectAsync(broker.url, { reconnectPeriod: 0 });
      const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
      const received = new Promise<{ topic: string; payload: string }>((resolve) =>
        subscriber.on('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
      );
      await subscriber.subscribeAsync('ioc/+/level', { qos: 1 });
      await publisher.publishAsync('ioc/river/level', '3.54', { qos: 1 });
      expect(await received).toEqual({ topic: 'ioc/river/level', payload: '3.54' });
      await publisher.endAsync();
      await subscriber.endAsync();
    } finally {
      await broker.close();
    }
  });

  it('says how to get out of a taken port', async () => {
    const first = await startEmbeddedBroker({ port: 0 });
    try {
      const error = await startEmbeddedBroker({ port: first.port }).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(BrokerPortTakenError);
      expect((error as Error).message).toBe(
        `port ${first.port} on 127.0.0.1 is in use (another MQTT broker?): pass --broker-port 0 to take a free port, or name your broker in the layout's sources.telemetry.brokers`,
      );
    } finally {
      await first.close();
    }
  });

  it('refuses to listen beyond loopback, having no authentication', async () => {
    await expect(startEmbeddedBroker({ host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(NonLoopbackHostError);
    await expect(startEmbeddedBroker({ host: '192.168.1.10', port: 0 })).rejects.toThrow('loopback only');
  });

  it('releases its port and drops its clients on close', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // A raw socket that never sends CONNECT: aedes does not know it as a client yet.
    const idle = net.connect({ host: '127.0.0.1', port: broker.port });
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    await broker.close();
    await clientClosed;
    await idleClosed;
    await client.endAsync(true);
    const again = await startEmbeddedBroker({ port: broker.port });
    expect(again.port).toBe(broker.port);
    await again.close();
  });

  it('listens on IPv6 loopback with a bracketed URL', async () => {
    const broker = await startEmbeddedBroker({ host: '::1', port: 0 }).catch((error: NodeJS.ErrnoException) => error);
    // Some containers have no IPv6 loopback; that is the host's limit, not the broker's.
    if (broker instanceof Error) {
      expect(broker.code).toMatch(/EADDRNOTAVAIL|EAFNOSUPPORT/);
      return;
    }
    try {
      expect(broker.url).toMatch(/^mqtt:\/\/\[::1\]:\d+$/);
    } finally {
      await broker.close();
    }
  });
});

describe('the embedded broker with accounts and reserved topics', () => {
  const COMMAND = 'ioc-wall/lab/command';
  const STATE = 'ioc-wall/lab/state';
  const ACCESS: BrokerAccess = {
    accounts: [
      { username: 'ioc-wall:wall', password: 'wall-secret', publish: [STATE] },
      { username: 'ioc-wall:demo', password: 'demo-secret', publish: ['#'], subscribe: false },
      { username: 'scada', password: 'scada-secret', publish: [COMMAND, 'tinhmau/#'] },
      { username: 'gauge', password: 'gauge-secret', publish: ['tinhmau/pctt/#'] },
      { username: 'hub', password: 'hub-secret', publish: ['#'] },
    ],
    reserved: [
      { topic: STATE, publishers: ['ioc-wall:wall'], retain: true },
      { topic: COMMAND, publishers: ['scada'], retain: false },
    ],
  };
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start(access = ACCESS) {
    const warnings: { object: Record<string, unknown>; message: string }[] = [];
    const refusals: RefusedPublish[] = [];
    const broker = await startEmbeddedBroker({
      port: 0,
      access,
      logger: { warn: (object, message) => warnings.push({ object: object as Record<string, unknown>, message }) },
      onRefusedPublish: (refusal) => refusals.push(refusal),
    });
    cleanup.push(() => broker.close());
    // Everything published anywhere, as the wall's connection sees it.
    const watcher = await client(broker, { username: 'ioc-wall:wall', password: 'wall-secret' });
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await watcher.subscribeAsync('#', { qos: 1 });
    return { broker, warnings, refusals, seen, watcher };
  }

  async function client(broker: EmbeddedBroker, options: IClientOptions = {}): Promise<MqttClient> {
    const connected = await connectAsync(broker.url, { reconnectPeriod: 0, ...options });
    cleanup.push(() => connected.endAsync(true));
    return connected;
  }

  /** Publishes at QoS 0 and resolves when the broker has closed the connection (a refused publish). */
  async function refused(publisher: MqttClient, topic: string, payload: string, retain = false): Promise<void> {
    const closed = new Promise<void>((resolve) => publisher.once('close', () => resolve()));
    publisher.publish(topic, payload, { qos: 0, retain });
    await closed;
  }

  /** A message from the wall's own account, so everything published before it has been routed. */
  async function flush(seen: string[], watcher: MqttClient): Promise<string[]> {
    const marker = `marker ${Math.random()}`;
    await watcher.publishAsync(STATE, marker, { qos: 1 });
    await expect.poll(() => seen.includes(`${STATE} ${marker}`)).toBe(true);
    return seen.filter((line) => !line.includes('marker'));
  }

  it('drops a command from a client without a name, and lets it publish telemetry', async () => {
    const { broker, seen, watcher, warnings, refusals } = await start();
    const anonymous = await client(broker, { clientId: 'sensor-7' });
    await anonymous.publishAsync('tinhmau/pctt/flood_depth/an_cuu', '42', { qos: 1 });
    await refused(anonymous, COMMAND, '{"scene":"flood"}');
    expect(await flush(seen, watcher)).toEqual(['tinhmau/pctt/flood_depth/an_cuu 42']);
    expect(warnings).toEqual([
      { object: expect.objectContaining({ username: null, topic: COMMAND }), message: "MQTT publish refused: a reserved topic (the wall's commands or state) (logged once per client)" },
    ]);
    // Told to the wall, which audits refused commands.
    expect(refusals).toEqual([
      { clientId: 'sensor-7', username: undefined, topic: COMMAND, payload: Buffer.from('{"scene":"flood"}'), retain: false, reason: "a reserved topic (the wall's commands or state)" },
    ]);
  });

  it('carries a command from a client whose filters cover the command topic, but never retained', async () => {
    const { broker, seen, watcher } = await start();
    const scada = await client(broker, { username: 'scada', password: 'scada-secret' });
    await scada.publishAsync(COMMAND, '{"scene":"flood"}', { qos: 1 });
    expect(await flush(seen, watcher)).toEqual([`${COMMAND} {"scene":"flood"}`]);
    await refused(scada, COMMAND, '{"scene":"normal"}', true);
    expect(await flush(seen, watcher)).toEqual([`${COMMAND} {"scene":"flood"}`]);
  });

  it('keeps the demo credential to telemetry: no commands, no state, no subscriptions', async () => {
    const { broker, seen, watcher } = await start();
    const demo = await client(broker, { username: 'ioc-wall:demo', password: 'demo-secret' });
    // mqtt.js 5 turns a refused filter into an error: the grant is in the SUBACK packet.
    const granted = await new Promise<unknown>((resolve) => demo.subscribe(COMMAND, { qos: 1 }, (_error, _granted, packet) => resolve(packet?.granted)));
    expect(granted).toEqual([128]);
    await demo.publishAsync('tinhmau/kpi/dvc/ontime_rate', '98.7', { qos: 1 });
    await refused(demo, COMMAND, '{"scene":"flood"}');
    const again = await client(broker, { username: 'ioc-wall:demo', password: 'demo-secret' });
    await refused(again, STATE, '{"scene":"flood","version":99,"committedAt":0}', true);
    expect(await flush(seen, watcher)).toEqual(['tinhmau/kpi/dvc/ontime_rate 98.7']);
  });

  it('lets only the wall publish its state, the command publishers their commands, and a named client only inside its filters', async () => {
    const { broker, seen, watcher, warnings } = await start();
    const hub = await client(broker, { username: 'hub', password: 'hub-secret' });
    await hub.publishAsync('tinhmau/kpi/dvc/ontime_rate', '1', { qos: 1 });
    await refused(hub, STATE, '{}', true);
    const hubAgain = await client(broker, { username: 'hub', password: 'hub-secret', clientId: 'hub-again' });
    await refused(hubAgain, COMMAND, '{"scene":"flood"}');
    const gauge = await client(broker, { username: 'gauge', password: 'gauge-secret' });
    await refused(gauge, 'tinhmau/kpi/dvc/ontime_rate', '2');
    expect(await flush(seen, watcher)).toEqual(['tinhmau/kpi/dvc/ontime_rate 1']);
    expect(warnings.map(({ object, message }) => [object.username, message])).toEqual([
      ['hub', "MQTT publish refused: a reserved topic (the wall's commands or state) (logged once per client)"],
      ['hub', "MQTT publish refused: a reserved topic (the wall's commands or state) (logged once per client)"],
      ['gauge', 'MQTT publish refused: outside the topics this account may publish to (logged once per client)'],
    ]);
  });

  it('refuses a wrong password and an unknown name at CONNECT', async () => {
    const { broker } = await start();
    for (const options of [{ username: 'scada', password: 'guess' }, { username: 'nobody', password: 'x' }]) {
      await expect(connectAsync(broker.url, { reconnectPeriod: 0, ...options })).rejects.toThrow(/Bad username or password/i);
    }
  });

  it('logs a client that keeps trying once', async () => {
    const { broker, warnings } = await start();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const anonymous = await client(broker, { clientId: 'stubborn-sensor' });
      await refused(anonymous, COMMAND, '{"scene":"flood"}');
    }
    expect(warnings.filter(({ object }) => object.clientId === 'stubborn-sensor')).toHaveLength(1);
  });

  it('follows new access rules: a client added later may send commands', async () => {
    const { broker, seen, watcher } = await start();
    broker.setAccess({
      accounts: [...ACCESS.accounts, { username: 'desk', password: 'desk-secret', publish: [COMMAND] }],
      reserved: [ACCESS.reserved[0]!, { topic: COMMAND, publishers: ['desk'], retain: false }],
    });
    const desk = await client(broker, { username: 'desk', password: 'desk-secret' });
    await desk.publishAsync(COMMAND, '{"scene":"normal"}', { qos: 1 });
    const scada = await client(broker, { username: 'scada', password: 'scada-secret' });
    await refused(scada, COMMAND, '{"scene":"flood"}');
    expect(await flush(seen, watcher)).toEqual([`${COMMAND} {"scene":"normal"}`]);
  });
});
