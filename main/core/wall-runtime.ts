// The running wall: the current layout and plan, what each connected screen is assigned, the values it is sent, and screen health.
import {
  buildAssignment,
  DisposableStore,
  Emitter,
  type Assignment,
  type BridgeClient,
  type BridgeHost,
  type Disposable,
  type Scheduler,
  type HistoryPoint,
  type IdentifyAnswer,
  type Media,
  type ScreenHealth,
  type Event,
  type SeriesValue,
} from '../../common/contract/index.ts';
import { describeWall, durationMilliseconds, planWall, type WallDescription, type WallLayout, type WallPlan } from '../../common/wall/index.ts';
import { LayoutChangedError, SceneSwitch, SupersededError, type CommittedScene, type SwitchOutcome } from './scene-switch.ts';

export { LayoutChangedError, SupersededError, type CommittedScene, type SwitchOutcome } from './scene-switch.ts';

export interface WallStatus {
  readonly layoutVersion: number;
  readonly screens: {
    readonly expected: number;
    readonly connected: number;
    readonly connectedIds: readonly string[];
    /** The latest health report of each connected screen. */
    readonly health: Readonly<Record<string, ScreenHealth>>;
  };
}

/** Where committed scenes go: durable when `commit` returns (the state database), so a power cut loses no answered switch. */
export interface ScenePersistence {
  commit(scene: CommittedScene): void;
}

export interface SwitchTiming {
  /** How long screens get to build the next scene before the commit goes ahead without the slow ones. */
  readonly prepareMilliseconds: number;
  /** How far ahead of now the commit time is set, so every screen hears of it before it comes. */
  readonly commitLeadMilliseconds: number;
  /** How long after the commit time the answer waits for screens to report their flip. */
  readonly flipReportMilliseconds: number;
}

export const DEFAULT_SWITCH_TIMING: SwitchTiming = { prepareMilliseconds: 300, commitLeadMilliseconds: 50, flipReportMilliseconds: 1_500 };

export class UnknownSceneError extends Error {
  constructor(
    readonly sceneId: string,
    readonly known: readonly string[],
  ) {
    super(`no scene '${sceneId}' in the layout; scenes: ${known.join(', ')}`);
  }
}

/** Where series values come from (the telemetry router): the latest ones, chart history, and changes as they happen. */
export interface SeriesFeed {
  snapshot(ids: Iterable<string>): Record<string, SeriesValue>;
  history(id: string, milliseconds: number): HistoryPoint[];
  readonly onDidChange: Event<Record<string, SeriesValue>>;
}

/** Tickets to the media gateway for the cameras a screen shows (signing happens outside the core). */
export interface MediaTickets {
  /** Tickets for `cameras`, with the gateway's address as seen from `host` (the name the screen reached the server by). */
  issue(cameras: readonly string[], host: string | undefined): Media;
  /** How often every screen gets fresh tickets: well before they expire. */
  readonly renewMilliseconds: number;
  /** The gateway moved (restarted on another port) or came up: every screen needs new tickets now. */
  readonly onDidChange: Event<void>;
}

export interface WallRuntimeOptions {
  readonly scheduler: Scheduler;
  readonly bridge: BridgeHost;
  /** The wall shows simulated values (serve --demo): assignments say so. */
  readonly demo: boolean;
  readonly feed?: SeriesFeed;
  readonly media?: MediaTickets;
  readonly persistence?: ScenePersistence;
  /** The scene committed before the last stop (from the state database). */
  readonly initialScene?: CommittedScene;
  readonly timing?: SwitchTiming;
}

interface Current {
  readonly layout: WallLayout;
  readonly plan: WallPlan;
  readonly version: number;
}

/** A screen page (not the wall preview, which shows every screen but is none of them). */
const isScreen = (client: BridgeClient): boolean => client.hello.client === 'screen';

/** Holds the wall's state and is its single writer; talks to renderers only through the bridge host. */
export class WallRuntime implements Disposable {
  private current: Current | undefined;
  /** What each client was assigned: the series it shows, to send it only those. */
  private readonly shown = new Map<BridgeClient, ReadonlySet<string>>();
  /** The cameras each screen holds tickets for: those it shows, plus those of a scene being prepared. */
  private readonly cameras = new Map<BridgeClient, ReadonlySet<string>>();
  private renewal: Disposable | undefined;
  private readonly health = new Map<string, ScreenHealth>();
  private readonly subscriptions = new DisposableStore();
  private committed: CommittedScene | undefined;
  /** The switch between prepare and commit, if any: a new command supersedes it. */
  private preparing: SceneSwitch | undefined;
  /** Switches waiting for flip reports, by id. */
  private readonly flipping = new Map<number, SceneSwitch>();
  private nextSwitchId = 1;
  /** Until when (server clock) screens show their identity; a screen connecting meanwhile is told too. */
  private identifyUntil = 0;
  private readonly stateChanged = new Emitter<void>();
  /** A switch began preparing, was committed, or was abandoned: for the console and the API's events. */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly options: WallRuntimeOptions) {
    const { bridge } = options;
    this.subscriptions.add(bridge.onDidConnect((client) => this.assign(client)));
    this.subscriptions.add(
      bridge.onDidDisconnect((client) => {
        this.shown.delete(client);
        this.cameras.delete(client);
        for (const screen of client.hello.screens) if (!this.connectedScreens().has(screen)) this.health.delete(screen);
      }),
    );
    this.subscriptions.add(
      bridge.onDidReportHealth(({ client, health }) => {
        if (isScreen(client) && client.hello.screens.includes(health.screen)) this.health.set(health.screen, { ...health, receivedAt: options.scheduler.now() });
      }),
    );
    this.subscriptions.add(bridge.onDidReady(({ client, switchId }) => (this.preparing?.id === switchId ? this.preparing : this.flipping.get(switchId))?.markReady(client)));
    this.subscriptions.add(bridge.onDidFlip(({ client, flip }) => this.flipping.get(flip.switchId)?.markFlipped(client, flip)));
    if (options.feed) this.subscriptions.add(options.feed.onDidChange((values) => this.broadcast(values)));
    if (options.media) {
      this.subscriptions.add(options.media.onDidChange(() => this.renewTickets()));
      this.scheduleRenewal();
    }
    this.committed = options.initialScene;
  }

  private get timing(): SwitchTiming {
    return this.options.timing ?? DEFAULT_SWITCH_TIMING;
  }

  /** The committed scene, or the layout's default scene when none was committed (or it left the layout). */
  get scene(): CommittedScene {
    const layout = this.current?.layout;
    const committed = this.committed;
    if (committed && (!layout || layout.scenes.some((scene) => scene.id === committed.sceneId))) return committed;
    return { sceneId: layout?.wall.defaultScene ?? '', version: committed?.version ?? 0, committedAt: committed?.committedAt ?? 0, previousSceneId: null };
  }

  /** The switch being prepared, if any. */
  get pendingSwitch(): { readonly id: number; readonly sceneId: string; readonly version: number } | undefined {
    const preparing = this.preparing;
    return preparing && { id: preparing.id, sceneId: preparing.sceneId, version: preparing.version };
  }

  /**
   * Switches every screen to a scene in two phases: prepare (screens build it off-screen and say
   * ready), then commit at a shared time, made durable before any screen hears of it. Resolves with
   * who flipped on time, late or not at all; rejects with SupersededError when a newer command
   * arrives before the commit, and with UnknownSceneError for a scene the layout does not have.
   */
  async activate(sceneId: string): Promise<SwitchOutcome> {
    const current = this.current;
    const scenes = current?.layout.scenes.map((scene) => scene.id) ?? [];
    if (!current || !scenes.includes(sceneId)) throw new UnknownSceneError(sceneId, scenes);
    const id = this.nextSwitchId++;
    const previous = this.preparing;
    if (previous) this.abandonPreparing(new SupersededError(id));
    const version = Math.max(this.scene.version, previous?.version ?? 0) + 1;
    // Every client builds the next scene; only screens are waited for and counted (a preview is no screen).
    const participants = [...this.options.bridge.clients];
    const change = new SceneSwitch(id, sceneId, version, participants.filter(isScreen), (client) => this.options.bridge.clients.has(client));
    this.preparing = change;
    const prepared = new Map<BridgeClient, Assignment>();
    for (const client of participants) {
      const assignment = this.assignmentFor(client, sceneId, version);
      prepared.set(client, assignment);
      client.send({ type: 'prepare', switchId: id, assignment });
      this.sendMedia(client, [...(this.cameras.get(client) ?? []), ...assignment.cameras.map((camera) => camera.id)]);
      // The next scene's panels get their data now, so they are built with it.
      this.sendValues(client, assignment, this.shown.get(client));
    }
    this.stateChanged.fire();
    try {
      await change.untilReady(this.options.scheduler, this.timing.prepareMilliseconds);
    } finally {
      if (this.preparing === change) this.preparing = undefined;
    }

    const at = this.options.scheduler.now() + this.timing.commitLeadMilliseconds;
    const committed: CommittedScene = { sceneId, version, committedAt: at, previousSceneId: this.scene.sceneId };
    try {
      this.options.persistence?.commit(committed);
    } catch (error) {
      // Not durable, not done: the screens drop what they built and keep the current scene.
      for (const client of participants) client.send({ type: 'cancel', switchId: id });
      this.stateChanged.fire();
      throw error;
    }
    this.committed = committed;
    this.flipping.set(id, change);
    for (const [client, assignment] of prepared) {
      this.shown.set(client, new Set(assignment.series.map((series) => series.id)));
      if (this.cameras.has(client)) this.cameras.set(client, new Set(assignment.cameras.map((camera) => camera.id)));
    }
    const connected = this.options.bridge.clients;
    for (const client of participants) if (connected.has(client)) client.send({ type: 'commit', switchId: id, version, at });
    // A screen that connected during the prepare was given the old scene: give it the new one.
    for (const client of connected) if (!participants.includes(client)) this.assign(client);
    this.stateChanged.fire();
    try {
      await change.untilFlipped(this.options.scheduler, at - this.options.scheduler.now() + this.timing.flipReportMilliseconds);
    } finally {
      this.flipping.delete(id);
    }
    return change.outcome(at);
  }

  /** Ends the switch being prepared without a commit; its screens drop what they built. */
  private abandonPreparing(reason: Error): void {
    const preparing = this.preparing;
    if (!preparing) return;
    preparing.abandon(reason);
    for (const client of this.options.bridge.clients) client.send({ type: 'cancel', switchId: preparing.id });
  }

  /** Every screen shows its id, label and resolution over the test pattern for a while; the scene is untouched. Resolves with the screens told. */
  identify(seconds: number): IdentifyAnswer {
    const until = Math.max(this.identifyUntil, this.options.scheduler.now() + seconds * 1000);
    this.identifyUntil = until;
    const screens: string[] = [];
    for (const client of [...this.options.bridge.clients].filter(isScreen)) {
      client.send({ type: 'identify', until });
      screens.push(...client.hello.screens);
    }
    return { until, screens };
  }

  /** Back to the scene before the current one. */
  activatePrevious(): Promise<SwitchOutcome> {
    const previous = this.scene.previousSceneId;
    if (!previous) return Promise.reject(new UnknownSceneError('(previous)', this.current?.layout.scenes.map((scene) => scene.id) ?? []));
    return this.activate(previous);
  }

  get layoutVersion(): number {
    return this.current?.version ?? 0;
  }

  /** Takes a validated layout: every connected screen gets its new assignment at once. */
  setLayout(layout: WallLayout): number {
    this.abandonPreparing(new LayoutChangedError());
    const version = this.layoutVersion + 1;
    this.current = { layout, plan: planWall(layout), version };
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
        connectedIds: expected.filter((id) => connected.has(id)),
        health: Object.fromEntries(this.health),
      },
    };
  }

  private connectedScreens(): Set<string> {
    return new Set([...this.options.bridge.clients].filter(isScreen).flatMap((client) => client.hello.screens));
  }

  private assignmentFor(client: BridgeClient, sceneId: string, sceneVersion: number): Assignment {
    const { layout, plan, version } = this.current!;
    return buildAssignment({
      layout,
      plan,
      sceneId,
      screens: client.hello.screens,
      layoutVersion: version,
      sceneVersion,
      demo: this.options.demo,
      serverTime: this.options.scheduler.now(),
    });
  }

  /** Sends a client the committed scene (never a half-prepared one) and the values it shows. */
  private assign(client: BridgeClient): void {
    const current = this.current;
    if (!current) return;
    const scene = this.scene;
    const assignment = this.assignmentFor(client, scene.sceneId, scene.version);
    client.send(assignment);
    if (isScreen(client) && this.identifyUntil > this.options.scheduler.now()) client.send({ type: 'identify', until: this.identifyUntil });
    this.shown.set(client, new Set(assignment.series.map((item) => item.id)));
    this.sendValues(client, assignment);
    this.sendMedia(client, assignment.cameras.map((camera) => camera.id));
  }

  /** Tickets for `cameras` to a screen (a preview shows no video); a screen showing no camera gets none. */
  private sendMedia(client: BridgeClient, cameras: readonly string[]): void {
    const media = this.options.media;
    if (!media || !isScreen(client)) return;
    const held = new Set(cameras);
    if (held.size === 0 && !this.cameras.has(client)) return;
    this.cameras.set(client, held);
    client.send(media.issue([...held], client.host));
  }

  private renewTickets(): void {
    for (const [client, cameras] of this.cameras) this.sendMedia(client, [...cameras]);
  }

  private scheduleRenewal(): void {
    this.renewal = this.options.scheduler.setTimeout(() => {
      this.renewTickets();
      this.scheduleRenewal();
    }, this.options.media!.renewMilliseconds);
  }

  /** The current values (and chart history) of an assignment's series, but those the client already follows. */
  private sendValues(client: BridgeClient, assignment: Assignment, following: ReadonlySet<string> = new Set()): void {
    const feed = this.options.feed;
    if (!feed) return;
    const series = assignment.series.map((item) => item.id).filter((id) => !following.has(id));
    const history: Record<string, HistoryPoint[]> = {};
    for (const { panel } of assignment.panels) {
      if (panel.type !== 'chart') continue;
      for (const id of panel.series) {
        const points = feed.history(id, durationMilliseconds(panel.window));
        if (points.length > 0) history[id] = points;
      }
    }
    const values = feed.snapshot(series);
    if (Object.keys(values).length > 0 || Object.keys(history).length > 0) client.send({ type: 'values', values, history });
  }

  private broadcast(values: Record<string, SeriesValue>): void {
    for (const [client, series] of this.shown) {
      const relevant = Object.fromEntries(Object.entries(values).filter(([id]) => series.has(id)));
      if (Object.keys(relevant).length > 0) client.send({ type: 'values', values: relevant });
    }
  }

  dispose(): void {
    this.renewal?.dispose();
    this.subscriptions.dispose();
    this.stateChanged.dispose();
  }
}
