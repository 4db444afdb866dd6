// The wall preview's controller: follows the bridge for every screen at once (assignment, commits, values, connection) and keeps the whole wall, or a slate, on one canvas.
import { Container, type Application } from 'pixi.js';
import type { BridgeState, WallBridge } from '../../common/contract/bridge.ts';
import { DisposableStore, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import type { Assignment, Commit, Prepare } from '../../common/contract/messages.ts';
import type { Viewport } from '../screen/compositor.ts';
import { destroySubtree } from '../screen/destroy.ts';
import { DEFAULT_LANGUAGES, languagesOf } from '../screen/format.ts';
import { ImageCache } from '../screen/image-cache.ts';
import { browserFrameClock, RenderLoop } from '../screen/render-loop.ts';
import { SecondTicker } from '../screen/second-ticker.ts';
import type { SeriesStore } from '../screen/series-store.ts';
import { DisconnectedBadge, waitingSlate, type Slate } from '../screen/slates.ts';
import { publishPreviewStatus, type PreviewFlip } from './status.ts';
import { WallView } from './wall-view.ts';
import { followPageEvents } from '../screen/page-events.ts';

export interface WallPreviewOptions {
  readonly app: Application;
  readonly values: SeriesStore;
  readonly fontsReady: boolean;
  readonly scheduler: Scheduler;
  /** What the waiting slate shows large before the wall answers (the wall's id, once known). */
  readonly title: string;
}

type Content = { readonly kind: 'wall'; readonly view: WallView } | { readonly kind: 'slate'; readonly slate: Slate };

/** Flips kept for `window.__IOC_WALL_PREVIEW__`. */
const FLIP_HISTORY_LIMIT = 20;


/** A commit this preview shows once its time has come, then reports as flipped. */
interface PendingFlip {
  readonly commit: Commit;
  /** The commit arrived after its time (the screens had flipped already). */
  readonly late: boolean;
}

export class WallPreviewApp implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private bridgeSubscriptions: DisposableStore | undefined;
  private readonly loop: RenderLoop;
  private readonly ticker: SecondTicker;
  private readonly images = new ImageCache();
  private readonly badge = new DisconnectedBadge();
  private readonly layer = new Container({ label: 'content' });
  private bridge: WallBridge | undefined;
  private screenIds: string[] = [];
  private assignment: Assignment | undefined;
  private content: Content | undefined;
  private connection: BridgeState = 'connecting';
  private title: string;
  private readonly commitTimers = new Map<number, Disposable>();
  /** Flips shown in the frame being drawn: reported once it is drawn. */
  private flipsToReport: PendingFlip[] = [];
  private readonly flips: PreviewFlip[] = [];
  private contextLosses = 0;
  /** JavaScript time of the last build of the wall (every screen's compositor), milliseconds. */
  private buildMilliseconds = 0;
  private badgeKey: string | undefined;
  private disposed = false;

  constructor(private readonly options: WallPreviewOptions) {
    const { app, scheduler } = options;
    this.title = options.title;
    app.stage.addChild(this.layer, this.badge.root);
    this.loop = new RenderLoop(() => app.render(), browserFrameClock, () => this.afterDraw());
    this.ticker = new SecondTicker(
      (now) => {
        if (this.content?.kind === 'wall' && this.content.view.tick(now)) this.loop.invalidate();
      },
      () => this.now(),
      scheduler,
    );
    this.subscriptions.add(options.values.onDidChange((changed) => this.valuesChanged(changed)));

    // pixi restores the GL objects it owns on `webglcontextrestored`; the wall is rebuilt so every texture is made again.
    this.subscriptions.add(
      followPageEvents(app.canvas, scheduler, {
        resized: () => this.resize(),
        contextLost: () => {
          this.contextLosses++;
          this.loop.pause();
          this.publish();
        },
        contextRestored: () => {
          this.loop.resume();
          this.show();
        },
      }),
    );
    this.show();
  }

  /** Before the bridge exists (the screen ids are still being asked for): shows how that goes on the waiting slate. */
  setConnection(state: BridgeState): void {
    if (this.bridge) return;
    this.connectionChanged(state);
  }

  /** Follows `bridge`, connected with every screen of the wall (`screenIds`); the page's title becomes the wall's. */
  follow(bridge: WallBridge, screenIds: readonly string[], title: string): void {
    if (this.disposed) return;
    this.bridgeSubscriptions?.dispose();
    const subscriptions = new DisposableStore();
    this.bridgeSubscriptions = subscriptions;
    this.bridge = bridge;
    this.screenIds = [...screenIds];
    this.title = title;
    subscriptions.add(bridge.onDidAssign((assignment) => this.assign(assignment)));
    subscriptions.add(bridge.onDidPrepare((prepare) => this.prepare(prepare)));
    subscriptions.add(bridge.onDidCommit((commit) => this.commit(commit)));
    subscriptions.add(bridge.onDidChangeState((state) => this.connectionChanged(state)));
    this.connection = bridge.state;
    if (bridge.assignment) this.assign(bridge.assignment);
    else this.show();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    this.bridgeSubscriptions?.dispose();
    for (const timer of this.commitTimers.values()) timer.dispose();
    this.commitTimers.clear();
    this.ticker.dispose();
    this.loop.dispose();
    this.disposeContent(this.content);
    this.content = undefined;
    this.badge.dispose();
    destroySubtree(this.layer);
  }

  /** Wall time: our clock corrected by the server's (the bridge's ping estimate), so clocks show the wall's second. */
  private now(): number {
    return this.bridge?.serverNow() ?? Date.now();
  }

  private get viewport(): Viewport {
    return { width: this.options.app.screen.width, height: this.options.app.screen.height };
  }

  /** A full assignment (connect, reconnect, layout reload) replaces the wall at once; commits waiting for their time are moot. */
  private assign(assignment: Assignment): void {
    for (const timer of this.commitTimers.values()) timer.dispose();
    this.commitTimers.clear();
    this.assignment = assignment;
    this.show();
  }

  /**
   * The preview builds nothing ahead: it says ready at once, so it never holds a switch of the real
   * screens back (the server waits for every client it asked to prepare, this one included).
   */
  private prepare({ switchId }: Prepare): void {
    this.bridge?.ready(switchId);
  }

  /** At commit the bridge holds the prepared assignment: show it from the commit time on, like the screens. */
  private commit(commit: Commit): void {
    if (this.disposed || !this.bridge) return;
    const wait = commit.at - this.bridge.serverNow();
    this.commitTimers.get(commit.switchId)?.dispose();
    this.commitTimers.set(
      commit.switchId,
      this.options.scheduler.setTimeout(
        () => {
          this.commitTimers.delete(commit.switchId);
          this.flip(commit, wait < 0);
        },
        Math.max(0, wait),
      ),
    );
  }

  private flip(commit: Commit, late: boolean): void {
    const held = this.bridge?.assignment;
    if (this.disposed || !held) return;
    // A commit of another version than the bridge holds was overtaken (a full assignment came since): nothing to show.
    if (held.sceneVersion === commit.version && held !== this.assignment) {
      this.assignment = held;
      this.show();
    }
    this.flipsToReport.push({ commit, late });
    this.loop.invalidate();
  }

  /** Builds what the current assignment (or its absence) asks for, then swaps it in: the old wall stays until the new one exists. */
  private show(): void {
    if (this.disposed) return;
    const started = performance.now();
    const next = this.buildContent();
    this.buildMilliseconds = performance.now() - started;
    const previous = this.content;
    this.content = next;
    if (previous) this.layer.removeChild(this.rootOf(previous));
    this.layer.addChild(this.rootOf(next));
    this.disposeContent(previous);
    this.placeBadge();
    this.badge.visible = this.connection === 'disconnected' && next.kind === 'wall';
    this.loop.invalidate();
    this.publish();
  }

  private buildContent(): Content {
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const assignment = this.assignment;
    if (!assignment || !assignment.screens.some((screen) => screen.known)) {
      const languages = assignment ? languagesOf(assignment.wall.languages) : DEFAULT_LANGUAGES;
      const slate = waitingSlate(this.title, { viewport, resolution, languages });
      slate.setConnection(this.connection);
      return { kind: 'slate', slate };
    }
    const view = new WallView({
      assignment,
      viewport,
      devicePixelRatio: resolution,
      values: this.options.values,
      now: () => this.now(),
      invalidate: () => this.loop.invalidate(),
      images: this.images,
      scheduler: this.options.scheduler,
    });
    return { kind: 'wall', view };
  }

  private rootOf(content: Content): Container {
    return content.kind === 'wall' ? content.view.root : content.slate.root;
  }

  private disposeContent(content: Content | undefined): void {
    if (!content) return;
    if (content.kind === 'wall') content.view.dispose();
    else content.slate.dispose();
  }

  /** The badge sits in the window's top-right corner; it is redrawn only when the window or the languages change. */
  private placeBadge(): void {
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const languages = this.assignment ? languagesOf(this.assignment.wall.languages) : DEFAULT_LANGUAGES;
    const key = JSON.stringify([viewport, resolution, languages]);
    if (key === this.badgeKey) return;
    this.badgeKey = key;
    this.badge.place(viewport, resolution, languages);
  }

  private valuesChanged(changed: ReadonlySet<string>): void {
    if (this.content?.kind === 'wall' && this.content.view.updateValues(changed)) this.loop.invalidate();
  }

  private connectionChanged(state: BridgeState): void {
    this.connection = state;
    if (this.content?.kind === 'slate') this.content.slate.setConnection(state);
    // Keep the last picture of the wall and say the link is down; the slate says it itself.
    this.badge.visible = state === 'disconnected' && this.content?.kind === 'wall';
    this.loop.invalidate();
    this.publish();
  }

  private resize(): void {
    this.options.app.renderer.resize(window.innerWidth, window.innerHeight);
    this.show();
  }

  private afterDraw(): void {
    // The server waits for a flip report from every client it asked to prepare: tell it once the new scene is drawn.
    const flips = this.flipsToReport;
    this.flipsToReport = [];
    for (const { commit, late } of flips) {
      const flippedAt = this.now();
      // Never `late`: the server files a client's report under every screen in its hello, and a busy
      // preview tab must not make the wall's screens look late (their own reports say how they did).
      this.bridge?.reportFlip({ switchId: commit.switchId, version: commit.version, flippedAt, late: false });
      this.flips.push({ switchId: commit.switchId, version: commit.version, at: commit.at, flippedAt, commitArrivedLate: late });
      if (this.flips.length > FLIP_HISTORY_LIMIT) this.flips.splice(0, this.flips.length - FLIP_HISTORY_LIMIT);
    }
    this.ticker.running = this.content?.kind === 'wall' && this.content.view.ticking;
    this.publish();
  }

  private publish(): void {
    const view = this.content?.kind === 'wall' ? this.content.view : undefined;
    const assignment = this.assignment;
    publishPreviewStatus({
      screens: [...this.screenIds],
      state: view ? 'showing' : 'waiting',
      connection: this.connection,
      ...(assignment ? { layoutVersion: assignment.layoutVersion, sceneId: assignment.scene.id, sceneVersion: assignment.sceneVersion } : {}),
      framesDrawn: this.loop.framesDrawn,
      lastDrawAt: this.loop.lastDrawAt,
      drawn: view?.drawn ?? [],
      panelErrors: view?.panelErrors ?? [],
      fontsReady: this.options.fontsReady,
      contextLosses: this.contextLosses,
      buildMilliseconds: this.buildMilliseconds,
      flips: [...this.flips],
    });
  }
}
