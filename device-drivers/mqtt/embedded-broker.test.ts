// The embedded broker: a working MQTT broker on a loopback port, a clear message when the port is taken, never on a non-loopback address.
import net from 'node:net';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { BrokerPortTakenError, NonLoopbackHostError, startEmbeddedBroker } from './embedded-broker.ts';

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
