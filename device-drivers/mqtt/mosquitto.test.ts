// The mosquitto test helper itself: a broker on a free loopback port that can be killed and restarted on the same port, and mosquitto_pub reaching it.
import type * as fs from 'node:fs';
import net from 'node:net';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MOSQUITTO_INSTALL_HINT, mosquittoPublish, requireMosquitto, startMosquitto, type Mosquitto } from './mosquitto.ts';

const mosquittoIt = requireMosquitto() ? it : it.skip;

let running: Mosquitto | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startMosquitto', () => {
  mosquittoIt('runs mosquitto on a free port, kills it and restarts it on the same port, and cleans up', async () => {
    running = await startMosquitto();
    const { port } = running;
    expect(running.url).toBe(`mqtt://127.0.0.1:${port}`);
    expect(await accepts(port)).toBe(true);

    const subscriber = await connectAsync(running.url, { reconnectPeriod: 0 });
    const received = new Promise<string>((resolve) => subscriber.once('message', (_topic, payload) => resolve(payload.toString())));
    await subscriber.subscribeAsync('ioc/check', { qos: 1 });
    await mosquittoPublish(running.url, 'ioc/check', 'delivered', 1);
    expect(await received).toBe('delivered');
    await subscriber.endAsync(true);

    await running.kill();
    expect(await accepts(port)).toBe(false);
    await expect(mosquittoPublish(running.url, 'ioc/check', 'lost', 0)).rejects.toThrow(/mosquitto_pub to ioc\/check on mqtt:\/\/127\.0\.0\.1:\d+ failed/);

    await running.restart();
    expect(await accepts(port)).toBe(true);
    expect(running.log()).toContain('mosquitto version');

    await running.stop();
    expect(await accepts(port)).toBe(false);
    running = undefined;
  });

  mosquittoIt('says why when mosquitto cannot start', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startMosquitto({ port })).rejects.toThrow(/mosquitto exited \(\d+\) before accepting on port \d+:[\s\S]*Address already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('names the Debian packages to install', () => {
    expect(MOSQUITTO_INSTALL_HINT).toBe('apt-get update && apt-get install -y --no-install-recommends mosquitto mosquitto-clients');
  });

  it('fails in CI when mosquitto is missing, instead of skipping', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => ({ ...(await importOriginal<typeof fs>()), existsSync: () => false }));
    vi.stubEnv('CI', 'true');
    try {
      const { requireMosquitto: requireMissing } = await import('./mosquitto.ts');
      expect(() => requireMissing()).toThrow(`${MOSQUITTO_INSTALL_HINT} (required in CI)`);
      vi.stubEnv('CI', '');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(requireMissing()).toBe(false);
      expect(warn.mock.calls[0]?.[0]).toContain('SKIPPED');
    } finally {
      vi.unstubAllEnvs();
      vi.doUnmock('node:fs');
      vi.restoreAllMocks();
    }
  });
});
