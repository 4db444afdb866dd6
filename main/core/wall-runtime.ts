// The running wall: the current layout and plan, what each connected screen is assigned, the values it is sent, and screen health.
import {
  buildAssignment,
  DisposableStore,
  type BridgeClient,
  type BridgeHost,
  type Disposable,
  type Health,
  type Scheduler,
  type HistoryPoint,
  type SeriesValue,
} from '../../common/contract/index.ts';
import { describeWall, durationMilliseconds, planWall, type WallDescription, type WallLayout, type WallPlan } from '../../common/wall/index.ts';
import { DemoFeed } from './demo-feed.ts';

export interface ScreenHealth extends Health {
  /** When main received the report, epoch ms. */
  readonly receivedAt: number;
}

export interface WallStatus {
  readonly layoutVersion: number;
  readonly screens: {
    readonly expected: number;
    readonly connected: number;
    /** The latest health report of each connected screen. */
    readonly health: Readonly<Record<string, ScreenHealth>>;
  };
}

export interface WallRuntimeOptions {
  readonly scheduler: Scheduler;
  readonly bridge: BridgeHost;
  /** Simulated values from the layout's generators (serve --demo). */
  readonly demo: boolean;
  readonly seed?: number;
}

interface Current {
  readonly layout: WallLayout;
  readonly plan: WallPlan;
  readonly version: number;
  readonly feed?: DemoFeed;
}

/** Holds the wall's state and is its single writer; talks to renderers only through the bridge host. */
export class WallRuntime implements Disposable {
  private current: Current | undefined;
  /** What each client was assigned: the series it shows, to send it only those. */
  private readonly shown = new Map<BridgeClient, ReadonlySet<string>>();
  private readonly health = new Map<string, ScreenHealth>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly options: WallRuntimeOptions) {
    const { bridge } = options;
    this.subscriptions.add(bridge.onDidConnect((client) => this.assign(client)));
    this.subscriptions.add(
      bridge.onDidDisconnect((client) => {
        this.shown.delete(client);
        for (const screen of client.hello.screens) if (!this.connectedScreens().has(screen)) this.health.delete(screen);
      }),
    );
    this.subscriptions.add(
      bridge.onDidReportHealth(({ client, health }) => {
        if (client.hello.screens.includes(health.screen)) this.health.set(health.screen, { ...health, receivedAt: options.scheduler.now() });
      }),
    );
  }

  get layoutVersion(): number {
    return this.current?.version ?? 0;
  }

  /** Takes a validated layout: every connected screen gets its new assignment at once. */
  setLayout(layout: WallLayout): number {
    this.current?.feed?.dispose();
    const version = this.layoutVersion + 1;
    const feed = this.options.demo ? new DemoFeed(layout, this.options.scheduler, (values) => this.broadcast(values), this.options.seed) : undefined;
    this.current = { layout, plan: planWall(layout), version, ...(feed ? { feed } : {}) };
    for (const client of this.options.bridge.clients) this.assign(client);
    return version;
  }

  describe(): WallDescription | undefined {
    return this.current && describeWall(this.current.layout);
  }

  get layout(): WallLayout | undefined {
    return this.current?.layout;
  }

  status(): WallStatus {
    const expected = this.current?.plan.screens.map((screen) => screen.id) ?? [];
    const connected = this.connectedScreens();
    return {
      layoutVersion: this.layoutVersion,
      screens: {
        expected: expected.length,
        connected: expected.filter((id) => connected.has(id)).length,
        health: Object.fromEntries(this.health),
      },
    };
  }

  private connectedScreens(): Set<string> {
    return new Set([...this.options.bridge.clients].flatMap((client) => client.hello.screens));
  }

  private assign(client: BridgeClient): void {
    const current = this.current;
    if (!current) return;
    const { layout, plan, version, feed } = current;
    const assignment = buildAssignment({
      layout,
      plan,
      sceneId: layout.wall.defaultScene,
      screens: client.hello.screens,
      layoutVersion: version,
      demo: this.options.demo,
      serverTime: this.options.scheduler.now(),
    });
    client.send(assignment);
    const series = new Set(assignment.series.map((item) => item.id));
    this.shown.set(client, series);
    if (!feed) return;
    const history: Record<string, HistoryPoint[]> = {};
    for (const { panel } of assignment.panels) {
      if (panel.type !== 'chart') continue;
      for (const id of panel.series) history[id] = feed.history(id, durationMilliseconds(panel.window));
    }
    client.send({ type: 'values', values: feed.snapshot(series), history });
  }

  private broadcast(values: Record<string, SeriesValue>): void {
    for (const [client, series] of this.shown) {
      const relevant = Object.fromEntries(Object.entries(values).filter(([id]) => series.has(id)));
      if (Object.keys(relevant).length > 0) client.send({ type: 'values', values: relevant });
    }
  }

  dispose(): void {
    this.current?.feed?.dispose();
    this.subscriptions.dispose();
  }
}
