// Two-phase scene switching over the in-memory bridge: prepare, ready, a durable commit at a shared time, late and silent screens, supersession.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../../common/contract/bridge.suite.ts';
import { BridgeHost, connectWallBridge, MemoryNetwork, type Disposable, type WallBridge } from '../../common/contract/index.ts';
import { nodeScheduler } from '../services/node-scheduler.ts';
import { parseLayout } from '../../common/wall/index.ts';
import { routerSink, startDemo } from './demo-feed.ts';
import { TelemetryRouter } from './telemetry-router.ts';
import { LayoutChangedError, SupersededError, UnknownSceneError, WallRuntime, type CommittedScene } from './wall-runtime.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const layout = parseLayout(readFileSync(REFERENCE, 'utf8')).layout!;

const clock = nodeScheduler;

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

type Behaviour = 'prompt' | 'slow' | 'silent';

/** A screen as the protocol sees it: builds in `buildMilliseconds`, flips on its first "frame" (5 ms ticks) at or after the commit time. */
function fakeScreen(bridge: WallBridge, behaviour: Behaviour, buildMilliseconds: number, log: string[]): void {
  const built = new Map<number, Promise<void>>();
  const ready = new Set<number>();
  bridge.onDidPrepare(({ switchId }) => {
    if (behaviour === 'silent') return;
    built.set(
      switchId,
      sleep(buildMilliseconds).then(() => {
        log.push(`ready ${switchId}`);
        ready.add(switchId);
        bridge.ready(switchId);
      }),
    );
  });
  bridge.onDidCommit(async ({ switchId, version, at }) => {
    const build = built.get(switchId);
    if (!build) return;
    const late = !ready.has(switchId);
    await build;
    while (bridge.serverNow() < at) await sleep(5);
    bridge.reportFlip({ switchId, version, flippedAt: bridge.serverNow(), late });
  });
}

describe('scene switching', () => {
  const cleanup: Disposable[] = [];
  afterEach(() => {
    for (const item of cleanup.splice(0).reverse()) item.dispose();
  });

  function wall(options: { initialScene?: CommittedScene; failCommit?: boolean; demo?: boolean } = {}) {
    const network = new MemoryNetwork();
    const host = new BridgeHost(clock.now);
    network.onDidAccept((connection) => host.accept(connection, 'memory'));
    const log: string[] = [];
    const commits: CommittedScene[] = [];
    const router = new TelemetryRouter({ scheduler: clock, simulated: options.demo ?? false });
    router.setLayout(layout);
    const runtime = new WallRuntime({
      scheduler: clock,
      bridge: host,
      demo: options.demo ?? false,
      feed: router,
      timing: { prepareMilliseconds: 150, commitLeadMilliseconds: 30, flipReportMilliseconds: 400 },
      ...(options.initialScene ? { initialScene: options.initialScene } : {}),
      persistence: {
        commit: (scene) => {
          if (options.failCommit) throw new Error('disk full');
          log.push(`durable ${scene.version}`);
          commits.push(scene);
        },
      },
    });
    runtime.setLayout(layout);
    cleanup.push(host, router, runtime);
    if (options.demo) cleanup.push(startDemo(layout, clock, routerSink(router, clock)));
    const screens = async (behaviours: Record<string, Behaviour>, buildMilliseconds = 20) => {
      const bridges: WallBridge[] = [];
      for (const [screen, behaviour] of Object.entries(behaviours)) {
        const bridge = connectWallBridge({ transport: network.transport, screens: [screen], client: 'screen', scheduler: clock });
        bridge.onDidCommit(() => log.push(`commit heard by ${screen}`));
        fakeScreen(bridge, behaviour, behaviour === 'slow' ? 300 : buildMilliseconds, log);
        cleanup.push(bridge);
        bridges.push(bridge);
        await nextEvent(bridge.onDidAssign);
      }
      // Let the clock sync's pings come back.
      await sleep(60);
      return bridges;
    };
    return { runtime, screens, log, commits, host, network };
  }

  it('flips every ready screen at the shared commit time, and makes the commit durable before any screen hears of it', async () => {
    const { runtime, screens, log, commits } = wall();
    const bridges = await screens({ S01: 'prompt', S02: 'prompt', S03: 'prompt' });
    const outcome = await runtime.activate('flood');
    expect(outcome).toMatchObject({ sceneId: 'flood', version: 1, screens: { flipped: ['S01', 'S02', 'S03'], late: [], failed: [] } });
    expect(commits).toEqual([{ sceneId: 'flood', version: 1, committedAt: outcome.committedAt, previousSceneId: 'normal' }]);
    expect(log.indexOf('durable 1')).toBeLessThan(log.findIndex((line) => line.startsWith('commit heard')));
    expect(runtime.scene).toMatchObject({ sceneId: 'flood', version: 1 });
    for (const bridge of bridges) expect(bridge.assignment).toMatchObject({ sceneVersion: 1, scene: { id: 'flood' } });
  });

  it('goes ahead at the prepare deadline: a slow screen flips late, a silent one is reported failed', async () => {
    const { runtime, screens } = wall();
    await screens({ S01: 'prompt', S02: 'slow', S03: 'silent' });
    const started = Date.now();
    const outcome = await runtime.activate('traffic_incident');
    expect(outcome.screens).toEqual({ flipped: ['S01'], late: ['S02'], failed: ['S03'] });
    expect(outcome.committedAt - started).toBeLessThan(150 + 30 + 100);
  });

  it('lets a newer command supersede one still preparing; the screens drop the old build', async () => {
    const { runtime, screens } = wall();
    const [screen] = await screens({ S01: 'prompt' }, 100);
    const cancelled = nextEvent(screen!.onDidCancel);
    const first = runtime.activate('flood');
    await sleep(10);
    expect(runtime.pendingSwitch).toMatchObject({ sceneId: 'flood' });
    const second = runtime.activate('epidemic');
    const error = await first.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SupersededError);
    expect((await cancelled).switchId).toBe(1);
    expect((error as SupersededError).supersededBy).toBe(2);
    expect(await second).toMatchObject({ sceneId: 'epidemic', screens: { flipped: ['S01'] } });
    expect(runtime.scene.sceneId).toBe('epidemic');
  });

  it('returns to the previous scene, and refuses a scene the layout does not have', async () => {
    const { runtime, screens } = wall();
    await screens({ S01: 'prompt' });
    await runtime.activate('flood');
    expect(await runtime.activatePrevious()).toMatchObject({ sceneId: 'normal', version: 2 });
    await expect(runtime.activate('tsunami')).rejects.toBeInstanceOf(UnknownSceneError);
  });

  it('gives a screen that connects during a switch the committed scene, never the half-prepared one', async () => {
    const { runtime, screens } = wall();
    await screens({ S01: 'slow' });
    const switching = runtime.activate('flood');
    await sleep(20);
    const [late] = await screens({ S02: 'prompt' });
    expect(late!.assignment).toMatchObject({ scene: { id: 'normal' }, sceneVersion: 0 });
    const reassigned = nextEvent(late!.onDidAssign);
    await switching;
    expect(await reassigned).toMatchObject({ scene: { id: 'flood' }, sceneVersion: 1 });
  });

  it('starts on the scene committed before a restart, and keeps counting versions from it', async () => {
    const { runtime, screens } = wall({ initialScene: { sceneId: 'epidemic', version: 41, committedAt: 1, previousSceneId: 'normal' } });
    const [screen] = await screens({ S01: 'prompt' });
    expect(screen!.assignment).toMatchObject({ scene: { id: 'epidemic' }, sceneVersion: 41 });
    expect(await runtime.activate('normal')).toMatchObject({ version: 42 });
  });

  it("sends the values of the next scene's panels with its prepare, and keeps them coming after the commit", async () => {
    const { runtime, screens } = wall({ demo: true });
    const [screen] = await screens({ S01: 'prompt' });
    const received = new Set<string>();
    screen!.onDidUpdateValues((update) => Object.keys(update.values).forEach((id) => received.add(id)));
    const prepared = nextEvent(screen!.onDidPrepare);
    const switching = runtime.activate('flood');
    const { assignment } = await prepared;
    await switching;
    const floodOnly = assignment.series.map((series) => series.id).filter((id) => !id.startsWith('ktxh.'));
    expect(floodOnly.length).toBeGreaterThan(0);
    for (const id of floodOnly) expect(received.has(id), id).toBe(true);
  });

  it('does not wait for, count or identify the wall preview: it shows every screen but is none of them', async () => {
    const { runtime, screens, network } = wall();
    await screens({ S01: 'prompt' });
    const preview = connectWallBridge({ transport: network.transport, screens: ['S01', 'S02', 'S03'], client: 'preview', scheduler: clock });
    cleanup.push(preview);
    await nextEvent(preview.onDidAssign);
    const followed = nextEvent(preview.onDidCommit);
    const outcome = await runtime.activate('flood');
    expect(outcome.screens).toEqual({ flipped: ['S01'], late: [], failed: [] });
    await followed;
    expect(runtime.status().screens.connectedIds).toEqual(['S01']);
    expect(runtime.identify(5).screens).toEqual(['S01']);
    // A screen that connects while the others identify themselves is told too.
    const late = connectWallBridge({ transport: network.transport, screens: ['S02'], client: 'screen', scheduler: clock });
    cleanup.push(late);
    expect((await nextEvent(late.onDidIdentify)).until).toBeGreaterThan(Date.now());
  });

  it('abandons a switch being prepared when the layout is reloaded', async () => {
    const { runtime, screens } = wall();
    const [screen] = await screens({ S01: 'slow' });
    const cancelled = nextEvent(screen!.onDidCancel);
    const switching = runtime.activate('flood');
    await sleep(20);
    runtime.setLayout(layout);
    await expect(switching).rejects.toBeInstanceOf(LayoutChangedError);
    await cancelled;
    expect(runtime.scene.sceneId).toBe('normal');
  });

  it('changes nothing when the commit cannot be made durable', async () => {
    const { runtime, screens } = wall({ failCommit: true });
    const [screen] = await screens({ S01: 'prompt' });
    const cancelled = nextEvent(screen!.onDidCancel);
    await expect(runtime.activate('flood')).rejects.toThrow('disk full');
    await cancelled;
    expect(runtime.scene.sceneId).toBe('normal');
  });
});
