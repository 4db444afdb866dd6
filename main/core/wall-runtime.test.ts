// The running wall over the in-memory bridge: assignments on hello and on layout change, demo values, health.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../../common/contract/bridge.suite.ts';
import { BridgeHost, connectWallBridge, Emitter, ManualScheduler, MemoryNetwork, type Assignment, type Disposable, type Media, type Values, type WallBridge } from '../../common/contract/index.ts';
import { nodeScheduler } from '../services/node-scheduler.ts';
import { parseLayout, type WallLayout } from '../../common/wall/index.ts';
import { routerSink, startDemo } from './demo-feed.ts';
import { TelemetryRouter } from './telemetry-router.ts';
import { WallRuntime } from './wall-runtime.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');

function reference(edit: (text: string) => string = (text) => text): WallLayout {
  const { layout, problems } = parseLayout(edit(readFileSync(REFERENCE, 'utf8')));
  expect(problems).toEqual([]);
  return layout!;
}

describe('the wall runtime', () => {
  const cleanup: Disposable[] = [];
  afterEach(() => {
    for (const item of cleanup.splice(0).reverse()) item.dispose();
  });

  function setUp(demo: boolean) {
    const network = new MemoryNetwork();
    const scheduler = new ManualScheduler(Date.UTC(2026, 10, 26, 3, 0)); // 10:00 in Huế
    const bridge = new BridgeHost(scheduler.now);
    network.onDidAccept((connection) => bridge.accept(connection, 'memory'));
    const router = new TelemetryRouter({ scheduler, simulated: demo });
    const runtime = new WallRuntime({ scheduler, bridge, demo, feed: router });
    cleanup.push(bridge, router, runtime);
    const setLayout = (layout: WallLayout) => {
      router.setLayout(layout);
      if (demo) cleanup.push(startDemo(layout, scheduler, routerSink(router, scheduler)));
      return runtime.setLayout(layout);
    };
    const screen = (...screens: string[]): WallBridge => {
      const client = connectWallBridge({ transport: network.transport, screens, client: 'screen', scheduler: nodeScheduler });
      cleanup.push(client);
      return client;
    };
    return { runtime, scheduler, screen, bridge, setLayout };
  }

  it("assigns a screen its slices of the default scene, with the series its panels show", async () => {
    const { runtime, screen } = setUp(false);
    runtime.setLayout(reference());
    const assignment: Assignment = await nextEvent(screen('S01').onDidAssign);
    expect(assignment).toMatchObject({ layoutVersion: 1, demo: false, scene: { id: 'normal' }, wall: { timezone: 'Asia/Ho_Chi_Minh' } });
    const [s01] = assignment.screens;
    expect(s01?.known && s01.slices.length).toBeGreaterThan(3);
    expect(assignment.series.every((series) => series.field === 'ktxh')).toBe(true);
    expect(assignment.panels.every(({ panel }) => panel.id.startsWith('ktxh'))).toBe(true);
  });

  it('sends simulated values and chart history in demo mode, then each new step', async () => {
    const { setLayout, screen, scheduler } = setUp(true);
    setLayout(reference());
    const client = screen('S17');
    const first: Values = await nextEvent(client.onDidUpdateValues);
    const kimLong = first.values['pctt.water_level.kim_long'];
    expect(kimLong).toMatchObject({ simulated: true });
    expect(kimLong!.value).toBeGreaterThanOrEqual(0.3);
    const history = first.history?.['pctt.water_level.kim_long'] ?? [];
    expect(history.length).toBeGreaterThan(10);
    expect(history.map((point) => point.time)).toEqual([...history.map((point) => point.time)].sort((a, b) => a - b));

    const next = nextEvent(client.onDidUpdateValues);
    scheduler.advance(16 * 60_000);
    expect(Object.keys((await next).values).length).toBeGreaterThan(0);
  });

  it('sends no invented number outside demo mode', async () => {
    const { runtime, screen } = setUp(false);
    runtime.setLayout(reference());
    const client = screen('S17');
    const values: Values[] = [];
    client.onDidUpdateValues((update) => values.push(update));
    await nextEvent(client.onDidAssign);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(values).toEqual([]);
  });

  it('reassigns every connected screen when the layout changes', async () => {
    const { runtime, screen } = setUp(false);
    runtime.setLayout(reference());
    const clients = ['S01', 'S02', 'S03'].map((id) => screen(id));
    await Promise.all(clients.map((client) => nextEvent(client.onDidAssign)));
    const reassigned = clients.map((client) => nextEvent(client.onDidAssign));
    expect(runtime.setLayout(reference((text) => text.replace('defaultScene: normal', 'defaultScene: calibration')))).toBe(2);
    for (const assignment of await Promise.all(reassigned)) expect(assignment).toMatchObject({ layoutVersion: 2, scene: { id: 'calibration' } });
  });

  it('counts expected and connected screens, and keeps the health each reports', async () => {
    const { runtime, screen, bridge } = setUp(false);
    runtime.setLayout(reference());
    const s05 = screen('S05');
    await nextEvent(s05.onDidAssign);
    const reported = nextEvent(bridge.onDidReportHealth);
    s05.reportHealth({ screen: 'S05', fps: 9, frameMilliseconds: 4.2, droppedFrames: 1, contextLosses: 0, panelErrors: [] });
    await reported;
    expect(runtime.status().screens).toMatchObject({ expected: 18, connected: 1, health: { S05: { fps: 9, frameMilliseconds: 4.2 } } });
    const gone = nextEvent(bridge.onDidDisconnect);
    s05.dispose();
    await gone;
    expect(runtime.status().screens).toMatchObject({ connected: 0, health: {} });
  });

  it("gives a screen tickets for the cameras it shows, renews them, and tells a screen without cameras nothing", async () => {
    const network = new MemoryNetwork();
    const scheduler = new ManualScheduler(Date.UTC(2026, 10, 26, 3, 0));
    const bridge = new BridgeHost(scheduler.now);
    network.onDidAccept((connection) => bridge.accept(connection, 'memory'));
    let issued = 0;
    const media = {
      renewMilliseconds: 30_000,
      onDidChange: new Emitter<void>().event,
      issue: (cameras: readonly string[], _host: string | undefined): Media => {
        issued += 1;
        return { type: 'media', gateway: 'ws://127.0.0.1:9', tickets: Object.fromEntries(cameras.map((camera) => [camera, `ticket-${issued}`])), expiresAt: scheduler.now() + 90_000 };
      },
    };
    const runtime = new WallRuntime({ scheduler, bridge, demo: false, media });
    cleanup.push(bridge, runtime);
    runtime.setLayout(reference());
    const connect = (screen: string) => {
      const client = connectWallBridge({ transport: network.transport, screens: [screen], client: 'screen', scheduler: nodeScheduler });
      cleanup.push(client);
      return client;
    };
    const cameras = connect('S06');
    const first = await nextEvent(cameras.onDidUpdateMedia);
    expect(Object.keys(first.tickets)).toHaveLength(9);
    expect(Object.keys(first.tickets)).toContain('cam_nga_tu_hung_vuong_ba_trieu');
    const plain = connect('S01');
    await nextEvent(plain.onDidAssign);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(plain.media).toBeUndefined();

    const renewed = nextEvent(cameras.onDidUpdateMedia);
    scheduler.advance(30_000);
    expect(Object.values((await renewed).tickets)).not.toContain(Object.values(first.tickets)[0]);
  });

  it('leaves no timer behind when disposed', () => {
    const { setLayout, scheduler } = setUp(true);
    setLayout(reference());
    expect(scheduler.pending).toBeGreaterThan(0);
    for (const item of cleanup.splice(0).reverse()) item.dispose();
    expect(scheduler.pending).toBe(0);
  });
});
