// The contract test suite of the bridge: every transport (memory, WebSocket, later Electron IPC) must pass it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLayout, planWall, type WallLayout } from '../wall/index.ts';
import { buildAssignment } from './assignment.ts';
import { BridgeHost, connectWallBridge, type BridgeState, type WallBridge } from './bridge.ts';
import type { Disposable, Scheduler } from './events.ts';
import type { Assignment, Health } from './messages.ts';
import { CloseCode, type ClientTransport } from './transport.ts';

/** What a transport provides to the suite: a server that can be started, crashed and restarted on the same address. */
export interface BridgeHarness {
  /** Starts the server side with this host accepting connections. */
  start(host: BridgeHost): Promise<void>;
  /** Stops the server abruptly: open connections drop, new ones fail until the next start. */
  crash(): Promise<void>;
  readonly transport: ClientTransport;
  dispose(): Promise<void>;
}

const LAYOUT = `format: ioc-wall/layout@1
wall: { id: lab, name: { vi: "Phòng thử", en: Lab }, defaultScene: normal }
screens:
  - { id: S01, x: 0, y: 0, activeArea: { width: 1209.6, height: 680.4 }, bezel: { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 }, resolution: { width: 1920, height: 1080 } }
  - { id: S02, x: 1213.1, y: 0, activeArea: { width: 1209.6, height: 680.4 }, bezel: { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 }, resolution: { width: 1920, height: 1080 } }
panels:
  - { id: banner, type: text, text: { vi: "Lũ lụt", en: Flood } }
scenes:
  - id: normal
    name: { vi: "Bình thường", en: Normal }
    placements: [{ panel: banner, rect: { x: 100, y: 100, width: 2200, height: 300 } }]
`;

const realScheduler: Scheduler = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout: (callback, milliseconds) => {
    const timer = setTimeout(callback, milliseconds);
    return { dispose: () => clearTimeout(timer) };
  },
};

/** Resolves with the next value an event fires, or rejects after `milliseconds`. */
export function nextEvent<T>(event: (listener: (value: T) => void) => Disposable, milliseconds = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no event within ${milliseconds} ms`));
    }, milliseconds);
    const subscription = event((value) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

export function bridgeContractSuite(name: string, createHarness: () => Promise<BridgeHarness>): void {
  describe(`the bridge over ${name}`, () => {
    let harness: BridgeHarness;
    let host: BridgeHost;
    let layout: WallLayout;
    const bridges: WallBridge[] = [];

    /** A host that answers every hello with the assignment of the screens asked for. */
    const startHost = async () => {
      host = new BridgeHost(Date.now);
      host.onDidConnect((client) =>
        client.send(
          buildAssignment({ layout, plan: planWall(layout), sceneId: 'normal', screens: client.hello.screens, layoutVersion: 1, sceneVersion: 1, demo: false, serverTime: Date.now() }),
        ),
      );
      await harness.start(host);
      return host;
    };
    const connect = (screens: string[]) => {
      const bridge = connectWallBridge({
        transport: harness.transport,
        screens,
        client: 'screen',
        scheduler: realScheduler,
        backoff: { initialMilliseconds: 20, maximumMilliseconds: 200 },
      });
      bridges.push(bridge);
      return bridge;
    };
    const untilState = async (bridge: WallBridge, state: BridgeState) => {
      while (bridge.state !== state) await nextEvent(bridge.onDidChangeState);
    };

    beforeEach(async () => {
      layout = parseLayout(LAYOUT).layout!;
      harness = await createHarness();
      await startHost();
    });

    afterEach(async () => {
      for (const bridge of bridges.splice(0)) bridge.dispose();
      host.dispose();
      await harness.dispose();
    });

    it('answers a hello with the assignment of the screens asked for, unknown ones said so', async () => {
      const bridge = connect(['S02', 'S99']);
      const assignment: Assignment = await nextEvent(bridge.onDidAssign);
      expect(bridge.state).toBe('connected');
      const [known, unknown] = assignment.screens;
      expect(known).toMatchObject({ known: true, geometry: { id: 'S02' }, slices: [{ panel: 'banner' }] });
      expect(unknown).toEqual({ known: false, id: 'S99', knownScreens: ['S01', 'S02'] });
      expect(assignment.panels.map(({ panel }) => panel.id)).toEqual(['banner']);
    });

    it('delivers values in order and health reports to the host, validated', async () => {
      const bridge = connect(['S01']);
      await nextEvent(bridge.onDidAssign);
      const received: number[] = [];
      const done = new Promise<void>((resolve) =>
        bridge.onDidUpdateValues((values) => {
          received.push(values.values['pctt.level']!.value);
          if (received.length === 50) resolve();
        }),
      );
      const [client] = host.clients;
      for (let index = 0; index < 50; index++) {
        client!.send({ type: 'values', values: { 'pctt.level': { value: index, time: index, trend: 'flat', simulated: false } } });
      }
      await done;
      expect(received).toEqual(Array.from({ length: 50 }, (_, index) => index));

      const health: Omit<Health, 'type'> = { screen: 'S01', fps: 12, frameMilliseconds: 3.5, droppedFrames: 0, contextLosses: 0, panelErrors: [] };
      const reported = nextEvent(host.onDidReportHealth);
      bridge.reportHealth(health);
      expect((await reported).health).toEqual({ type: 'health', ...health });
    });

    it('reconnects with backoff after the server crashes, and resynchronises', async () => {
      const bridge = connect(['S01']);
      await nextEvent(bridge.onDidAssign);
      const disconnected = untilState(bridge, 'disconnected');
      await harness.crash();
      await disconnected;
      expect(bridge.assignment).toBeDefined(); // the screen keeps what it was drawing
      const reassigned = nextEvent(bridge.onDidAssign);
      await startHost();
      expect((await reassigned).screens[0]).toMatchObject({ known: true, geometry: { id: 'S01' } });
      expect(bridge.state).toBe('connected');
    });

    it('comes back after a restart notice', async () => {
      const bridge = connect(['S01']);
      await nextEvent(bridge.onDidAssign);
      const disconnected = untilState(bridge, 'disconnected');
      host.restarting();
      await harness.crash();
      await disconnected;
      const reassigned = nextEvent(bridge.onDidAssign);
      await startHost();
      await reassigned;
    });

    it('drops malformed and invalid messages, counts them, and keeps serving', async () => {
      const rejected: string[] = [];
      host.onDidReject(({ reason }) => rejected.push(reason));
      const raw = harness.transport.connect();
      await nextEvent(raw.onDidOpen);
      raw.send('{not json');
      raw.send(JSON.stringify({ type: 'hello', protocol: 1, screens: [], client: 'screen' }));
      raw.send(JSON.stringify({ type: 'health', screen: 'S01', fps: 'fast' }));
      const assigned = nextEvent(raw.onDidReceive);
      raw.send(JSON.stringify({ type: 'hello', protocol: 1, screens: ['S01'], client: 'screen' }));
      expect(JSON.parse(await assigned)).toMatchObject({ type: 'assignment' });
      expect(rejected).toEqual(['malformed_json', 'invalid_message', 'invalid_message']);
      raw.close();
    });

    it('tells a client of another protocol version to reload', async () => {
      const raw = harness.transport.connect();
      await nextEvent(raw.onDidOpen);
      const closed = nextEvent(raw.onDidClose);
      raw.send(JSON.stringify({ type: 'hello', protocol: 99, screens: ['S01'], client: 'screen' }));
      expect((await closed).code).toBe(CloseCode.reloadRequired);
    });

    it('stops reconnecting once disposed', async () => {
      const bridge = connect(['S01']);
      await nextEvent(bridge.onDidAssign);
      await harness.crash();
      bridge.dispose();
      const connected: unknown[] = [];
      await startHost();
      host.onDidConnect((client) => connected.push(client));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(connected).toEqual([]);
      expect(host.clients.size).toBe(0);
    });
  });
}
