// The telemetry service with real brokers: demo values through the embedded aedes, a layout's mosquitto, secrets that cannot be read.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseLayout, type WallLayout } from '../../common/wall/index.ts';
import { mosquittoPublish, requireMosquitto, startMosquitto, type Mosquitto } from '../../device-drivers/mqtt/mosquitto.ts';
import { TelemetryRouter } from '../core/telemetry-router.ts';
import { nodeScheduler } from './node-scheduler.ts';
import { TelemetryService } from './telemetry.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const mosquittoIt = requireMosquitto() ? it : it.skip;

function reference(telemetry?: string): WallLayout {
  const text = readFileSync(REFERENCE, 'utf8');
  const edited = telemetry === undefined ? text : text.replace(/^sources:\n {2}telemetry:\n/m, `sources:\n  telemetry:\n${telemetry}`);
  const { layout, problems } = parseLayout(edited);
  expect(problems).toEqual([]);
  return layout!;
}

describe('the telemetry service', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start(layout: WallLayout, demo: boolean, environment: NodeJS.ProcessEnv = {}) {
    const router = new TelemetryRouter({ scheduler: nodeScheduler, simulated: demo });
    router.setLayout(layout);
    const service = await TelemetryService.start(
      { layoutFile: REFERENCE, demo, brokerPort: 0, router, scheduler: nodeScheduler, logger: pino({ level: 'silent' }), environment },
      layout,
    );
    cleanup.push(() => router.dispose(), () => service.dispose());
    return { router, service };
  }

  it('runs the demo through the embedded broker: every series of the reference wall arrives, marked simulated', async () => {
    const layout = reference();
    const { router, service } = await start(layout, true);
    expect(service.embeddedUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    await vi.waitFor(() => expect(router.freshness().filter((row) => row.value === null)).toEqual([]), { timeout: 10_000 });
    expect(service.brokers()).toEqual([{ id: 'embedded', url: service.embeddedUrl, embedded: true, state: 'connected' }]);
    expect(router.totals().accepted).toBeGreaterThanOrEqual(layout.series.length);
    expect(Object.values(router.totals().dropped).every((count) => count === 0)).toBe(true);
    expect(router.snapshot(['pctt.water_level.kim_long'])['pctt.water_level.kim_long']).toMatchObject({ simulated: true });
    // Charts have the generators' past.
    expect(router.history('pctt.water_level.kim_long', 24 * 3_600_000).length).toBeGreaterThan(10);
  });

  it('closes the embedded broker when disposed, freeing its port', async () => {
    const { service } = await start(reference(), false);
    const port = Number(new URL(service.embeddedUrl!).port);
    await service.dispose();
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    probe.close();
  });

  mosquittoIt("connects to the layout's broker, says which secret it cannot read, and follows a layout change", async () => {
    const mosquitto: Mosquitto = await startMosquitto();
    cleanup.push(() => mosquitto.stop());
    const broker = (password: string) => `    brokers:\n      - { id: province, url: "${mosquitto.url}", reconnect: { first: 1s, maximum: 2s }${password} }\n`;
    const { router, service } = await start(reference(broker(', password: { env: IOC_TEST_MQTT_PASSWORD }')), false);
    expect(service.embeddedUrl).toBeUndefined();
    expect(service.brokers()).toEqual([
      { id: 'province', url: mosquitto.url, embedded: false, state: 'closed', problem: expect.stringContaining('IOC_TEST_MQTT_PASSWORD') },
    ]);

    await service.setLayout(reference(broker('')));
    await vi.waitFor(() => expect(service.brokers()).toMatchObject([{ id: 'province', state: 'connected' }]), { timeout: 10_000 });
    // The subscription is made right after the CONNACK: publish until one arrives.
    await vi.waitFor(
      async () => {
        await mosquittoPublish(mosquitto.url, 'tinhmau/pctt/flood_depth/an_cuu', '42', 1);
        expect(router.snapshot(['pctt.flood_depth.an_cuu'])['pctt.flood_depth.an_cuu']).toMatchObject({ value: 42, simulated: false });
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
