// The screen page's controller: follows the bridge (assignment, two-phase scene switches, values, connection) and keeps one scene or slate on the canvas.
import { Container, type Application } from 'pixi.js';
import type { BridgeState, WallBridge } from '../../common/contract/bridge.ts';
import { DisposableStore, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import type { Assignment, Commit, Prepare } from '../../common/contract/messages.ts';
import { ScreenCompositor, type KnownScreen, type Viewport } from './compositor.ts';
import { DEFAULT_LANGUAGES, languagesOf, type Languages } from './format.ts';
import { HealthReporter } from './health.ts';
import { identifyOverlay } from './identify-overlay.ts';
import { IdentifyWindow } from './identify-window.ts';
import { ImageCache } from './image-cache.ts';
import { browserFrameClock, RenderLoop } from './render-loop.ts';
import { SecondTicker } from './second-ticker.ts';
import type { SeriesStore } from './series-store.ts';
import type { DisplayAccessView } from './display-access.ts';
import { DisconnectedBadge, displayTokenSlate, noScreenIdSlate, unknownScreenSlate, waitingSlate, type Slate } from './slates.ts';
import { appendBounded, SwitchTracker, type BuildOrder, type DueFlip } from './scene-switch.ts';
import { collectTexts, publishStatus, type BuildRecord, type CameraReport, type FlipRecord, type ScreenStatus } from './status.ts';
import { OffscreenWarmer } from './warm-up.ts';
import { webglRendererName } from './webgl-info.ts';
import { destroySubtree } from './destroy.ts';
import { followPageEvents } from './page-events.ts';
import { CameraFeed } from './video/camera-feed.ts';
import { CameraFeeds } from './video/camera-feeds.ts';
import { detailText } from './video/camera-state.ts';

export interface ScreenAppOptions {
  readonly app: Application;
  /** Undefined when the address names no screen: there is nothing to ask the server for. */
  readonly bridge: WallBridge | undefined;
  readonly screenId: string | undefined;
  readonly values: SeriesStore;
  readonly fontsReady: boolean;
  readonly scheduler: Scheduler;
  readonly reload: () => void;
  /** Whether the server lets this page in (display token refused, or needed); absent: it always does. */
  readonly access?: DisplayAccessView;
}

type Content = { readonly kind: 'scene'; readonly compositor: ScreenCompositor } | { readonly kind: 'slate'; readonly slate: Slate };
type Mounted = Parameters<DisconnectedBadge['place']>[3];

/** Content made for an assignment, on screen or waiting off-screen for its commit. */
interface Built {
  readonly content: Content;
  readonly state: ScreenStatus['state'];
  readonly mounted: Mounted;
  /** Off-screen, a panel's redraw request (an image that arrived) must not redraw the visible stage. */
  readonly visibility: { onScreen: boolean };
}

/** A flip shown in the current frame: finished (old content disposed, flip reported) once it is drawn. */
interface Flipping {
  readonly due: DueFlip<Built, Assignment>;
  readonly previous: Content | undefined;
  readonly flippedAt: number;
  readonly frameTime: number;
  readonly started: number;
}

/** How long a prepared scene waits for its images before it says ready anyway (the tile shows its loading note). */
const IMAGE_WAIT_MILLISECONDS = 1_000;
/** Flips and builds kept for `window.__IOC_WALL__`. */
const HISTORY_LIMIT = 50;

function rootOf(content: Content): Container {
  return content.kind === 'scene' ? content.compositor.root : content.slate.root;
}

function knownScreenOf(assignment: Assignment | undefined, screenId: string | undefined): KnownScreen | undefined {
  if (!assignment || screenId === undefined) return undefined;
  const assigned = assignment.screens.find((screen) => (screen.known ? screen.geometry.id : screen.id) === screenId);
  return assigned?.known ? assigned : undefined;
}

export class ScreenApp implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private readonly loop: RenderLoop;
  private readonly ticker: SecondTicker;
  private readonly images = new ImageCache();
  /** One feed per camera for every tile of every scene of this page (on screen or prepared off-screen). */
  private readonly cameras: CameraFeeds<CameraFeed>;
  private publishTimer: Disposable | undefined;
  private readonly badge = new DisconnectedBadge();
  private readonly layer = new Container({ label: 'content' });
  /** Above the scene, below the badge: the identify pattern, while a technician asked for it. */
  private readonly identifyLayer = new Container({ label: 'identify' });
  private readonly identifyWindow: IdentifyWindow;
  private identifyCompositor: ScreenCompositor | undefined;
  /** What the overlay on screen was drawn for; it is redrawn only when that changes. */
  private identifyKey: string | undefined;
  private readonly health: HealthReporter | undefined;
  private content: Content | undefined;
  /** The assignment on screen (a prepared one becomes it at its flip). */
  private assignment: Assignment | undefined;
  private readonly switches = new SwitchTracker<Built, Assignment>((built) => this.disposeContent(built.content));
  private readonly warmer: OffscreenWarmer;
  private flipping: Flipping | undefined;
  private readonly flips: FlipRecord[] = [];
  private readonly builds: BuildRecord[] = [];
  /** The warm-up after load ran (or is running). */
  private warmedUp = false;
  private badgeKey: string | undefined;
  private connection: BridgeState;
  private state: ScreenStatus['state'] = 'waiting';
  private contextLosses = 0;
  private rendererName: string | undefined;
  private disposed = false;

  constructor(private readonly options: ScreenAppOptions) {
    const { app, bridge, scheduler } = options;
    this.connection = bridge?.state ?? 'disconnected';
    app.stage.addChild(this.layer, this.identifyLayer, this.badge.root);
    this.identifyWindow = new IdentifyWindow(() => this.now(), scheduler, () => this.identifyChanged());
    this.warmer = new OffscreenWarmer(() => app.renderer);
    this.loop = new RenderLoop(
      () => app.render(),
      browserFrameClock,
      () => this.afterDraw(),
      (timestamp) => this.beforeFrame(timestamp),
    );
    this.ticker = new SecondTicker(
      (now) => {
        if (this.content?.kind === 'scene' && this.content.compositor.tick(now)) this.loop.invalidate();
      },
      () => this.now(),
      scheduler,
    );
    this.rendererName = webglRendererName(app.renderer);
    this.cameras = new CameraFeeds((cameraId) => {
      const feed = new CameraFeed({ cameraId, media: () => bridge?.media, now: () => this.now(), scheduler });
      feed.onDidChangeStatus(() => this.publishSoon());
      return feed;
    }, scheduler);
    this.subscriptions.add(this.cameras.onDidChange(() => this.publishSoon()));

    if (bridge) {
      this.subscriptions.add(bridge.onDidAssign((assignment) => this.assign(assignment)));
      this.subscriptions.add(bridge.onDidPrepare((prepare) => this.prepare(prepare)));
      this.subscriptions.add(bridge.onDidCommit((commit) => this.commit(commit)));
      this.subscriptions.add(bridge.onDidCancel(({ switchId }) => this.switches.cancel(switchId) && this.publish()));
      this.subscriptions.add(bridge.onDidIdentify(({ until }) => this.identifyWindow.identify(until)));
      this.subscriptions.add(bridge.onDidChangeState((state) => this.setConnection(state)));
      this.subscriptions.add(bridge.onDidRequireReload(() => options.reload()));
      this.subscriptions.add(
        bridge.onDidUpdateMedia(() => {
          for (const { feed } of this.cameras.feeds()) feed.mediaChanged();
        }),
      );
      this.subscriptions.add(options.values.onDidChange((changed) => this.valuesChanged(changed)));
    }
    if (options.access) this.subscriptions.add(options.access.onDidChange(() => this.accessChanged()));
    if (bridge && options.screenId !== undefined) {
      const screen = options.screenId;
      this.health = new HealthReporter(
        bridge,
        {
          screen,
          loop: this.loop,
          renderer: () => (this.rendererName ??= webglRendererName(app.renderer)),
          contextLosses: () => this.contextLosses,
          panelErrors: () => (this.content?.kind === 'scene' ? this.content.compositor.panelErrors : []),
        },
        scheduler,
      );
    }

    // pixi restores the GL objects it owns on `webglcontextrestored`; we rebuild the scene so every texture is made again.
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
          this.rendererName = webglRendererName(app.renderer);
          this.warmer.forget();
          // Every texture is made again, the overlay's too.
          this.identifyKey = undefined;
          this.show();
          this.rebuildPrepared();
        },
      }),
    );

    const current = bridge?.assignment;
    if (current) this.assign(current);
    else this.show();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    this.health?.dispose();
    this.ticker.dispose();
    this.loop.dispose();
    this.switches.reset();
    this.disposeContent(this.flipping?.previous);
    this.flipping = undefined;
    this.disposeContent(this.content);
    this.content = undefined;
    // After the scenes gave their feeds back: what is left (a release waiting for its task) closes now.
    this.cameras.dispose();
    this.publishTimer?.dispose();
    this.identifyWindow.dispose();
    this.identifyCompositor?.dispose();
    this.identifyCompositor = undefined;
    this.warmer.dispose();
    this.badge.dispose();
    destroySubtree(this.layer);
    destroySubtree(this.identifyLayer);
  }

  /** Wall time: our clock corrected by the server's (the bridge's ping estimate), so every screen's clock shows the same second. */
  private now(): number {
    return this.options.bridge?.serverNow() ?? Date.now();
  }

  private get viewport(): Viewport {
    return { width: this.options.app.screen.width, height: this.options.app.screen.height };
  }

  private get languages(): Languages {
    return this.assignment ? languagesOf(this.assignment.wall.languages) : DEFAULT_LANGUAGES;
  }

  /** A full assignment (connect, reconnect, layout reload) replaces everything at once, a switch in waiting included. */
  private assign(assignment: Assignment): void {
    this.switches.reset();
    this.assignment = assignment;
    this.show();
  }

  /** Builds what the current assignment (or its absence) asks for, then swaps it in: the old scene stays until the new one exists. */
  private show(): void {
    if (this.disposed) return;
    const previous = this.present(this.buildContent(this.assignment, true), this.assignment);
    this.disposeContent(previous);
    this.publish();
  }

  /** Makes the content for `assignment` (not yet on the stage). */
  private buildContent(assignment: Assignment | undefined, onScreen: boolean): Built {
    const { screenId } = this.options;
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const languages = assignment ? languagesOf(assignment.wall.languages) : DEFAULT_LANGUAGES;
    const slateOptions = { viewport, resolution, languages };
    const visibility = { onScreen };
    const slate = (made: Slate, state: ScreenStatus['state']): Built => {
      made.setConnection(this.connection);
      return { content: { kind: 'slate', slate: made }, state, mounted: undefined, visibility };
    };
    if (screenId === undefined) return slate(noScreenIdSlate(slateOptions), 'unknown-screen');
    const refusal = this.refusal();
    if (refusal) return slate(displayTokenSlate(refusal, screenId, slateOptions), refusal);
    if (!assignment) return slate(waitingSlate(screenId, slateOptions), 'waiting');
    const assigned = assignment.screens.find((screen) => (screen.known ? screen.geometry.id : screen.id) === screenId);
    if (!assigned?.known) return slate(unknownScreenSlate(screenId, assigned?.knownScreens ?? [], slateOptions), 'unknown-screen');
    const compositor = new ScreenCompositor({
      assignment,
      screen: assigned,
      values: this.options.values,
      viewport,
      devicePixelRatio: resolution,
      now: () => this.now(),
      invalidate: () => {
        if (visibility.onScreen) this.loop.invalidate();
      },
      invalidateVideo: () => {
        if (visibility.onScreen) this.loop.invalidateVideo();
      },
      images: this.images,
      scheduler: this.options.scheduler,
      cameraFeeds: this.cameras,
    });
    return {
      content: { kind: 'scene', compositor },
      state: 'assigned',
      mounted: { geometry: assigned.geometry, scale: compositor.scale, offset: compositor.root.position },
      visibility,
    };
  }

  /** Puts `next` on the stage in place of the current content and asks for a frame; returns the old content, for the caller to dispose after it. */
  private present(next: Built, assignment: Assignment | undefined): Content | undefined {
    const previous = this.content;
    this.content = next.content;
    this.assignment = assignment;
    this.state = next.state;
    next.visibility.onScreen = true;
    if (previous) this.layer.removeChild(rootOf(previous));
    this.layer.addChild(rootOf(next.content));
    if (next.content.kind === 'slate') next.content.slate.setConnection(this.connection);
    this.placeBadge(next.mounted);
    this.badge.visible = this.connection === 'disconnected' && next.content.kind === 'scene';
    // A scene switch during identify: the new scene goes under the overlay, which stays (redrawn only if the screen's geometry changed).
    this.placeIdentify();
    this.loop.invalidate();
    return previous;
  }

  // ---- identify ---------------------------------------------------------------------------------

  private identifyChanged(): void {
    if (this.disposed) return;
    this.placeIdentify();
    this.publish();
  }

  /**
   * Puts the identify pattern over the scene while the window is open, and takes it off after. The scene
   * underneath is not touched: its version, its panels and its switches go on as before. A screen showing a
   * slate (waiting, unknown screen) has no place on the wall to draw; its slate names it already.
   */
  private placeIdentify(): void {
    const assignment = this.identifyWindow.active && this.content?.kind === 'scene' ? this.assignment : undefined;
    const screen = knownScreenOf(assignment, this.options.screenId);
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const key = assignment && screen ? JSON.stringify([viewport, resolution, assignment.wall, screen.geometry]) : undefined;
    if (key === this.identifyKey) return;
    this.identifyKey = key;
    const previous = this.identifyCompositor;
    this.identifyCompositor = undefined;
    if (previous) {
      this.identifyLayer.removeChild(previous.root);
      previous.dispose();
    }
    if (assignment && screen) {
      try {
        this.identifyCompositor = identifyOverlay({
          assignment,
          screen,
          values: this.options.values,
          viewport,
          devicePixelRatio: resolution,
          now: () => this.now(),
          invalidate: () => this.loop.invalidate(),
          images: this.images,
          scheduler: this.options.scheduler,
        });
      } catch (error) {
        // The scene stays visible; the technician sees no pattern and the console says the screen was told.
        console.error('drawing the identify pattern failed:', error);
      }
      if (this.identifyCompositor) this.identifyLayer.addChild(this.identifyCompositor.root);
    }
    this.loop.invalidate();
  }

  /** The badge is redrawn only when where it goes changed: a switch between scenes of one screen keeps it. */
  private placeBadge(mounted: Mounted): void {
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const languages = this.languages;
    const key = JSON.stringify([viewport, resolution, languages, mounted && [mounted.geometry, mounted.scale, mounted.offset.x, mounted.offset.y]]);
    if (key === this.badgeKey) return;
    this.badgeKey = key;
    this.badge.place(viewport, resolution, languages, mounted);
  }

  // ---- two-phase scene switch (ARCHITECTURE.md, data flow 5) ---------------------------------------

  /** Phase one: build the scene off-screen while the current one stays, then say ready. A newer prepare drops an older build. */
  private prepare({ switchId, assignment }: Prepare): void {
    if (this.disposed) return;
    const order = this.switches.prepare(switchId, assignment);
    this.publish();
    void this.buildOffscreen(order);
  }

  /** The window size or the WebGL context changed: builds in waiting are made again for the new one. */
  private rebuildPrepared(): void {
    for (const order of this.switches.restart()) void this.buildOffscreen(order);
  }

  private async buildOffscreen({ ticket, switchId, plan: assignment }: BuildOrder<Assignment>): Promise<void> {
    const measured = await this.buildAndWarm(assignment, switchId, () => this.switches.wants(ticket));
    if (!measured) return;
    if (!this.switches.built(ticket, measured.built)) return;
    appendBounded(this.builds, measured.record, HISTORY_LIMIT);
    this.options.bridge?.ready(switchId);
    if (this.switches.flipPending) this.loop.requestFrame();
    this.publish();
  }

  /** Builds `assignment` off-screen, waits (briefly) for its images and renders it once into a texture; measures each stage. */
  private async buildAndWarm(assignment: Assignment, switchId: number, wanted: () => boolean): Promise<{ built: Built; record: BuildRecord } | undefined> {
    const started = performance.now();
    let built: Built;
    try {
      built = this.buildContent(assignment, false);
    } catch (error) {
      // The server hears no ready: the screen keeps its scene and is reported late or failed.
      console.error(`building scene ${assignment.scene.id} (switch ${switchId}) failed:`, error);
      return undefined;
    }
    const constructed = performance.now();
    const loaded = built.content.kind === 'scene' ? await built.content.compositor.whenLoaded(IMAGE_WAIT_MILLISECONDS) : true;
    const imagesDone = performance.now();
    if (!this.disposed && wanted()) {
      try {
        this.warmer.warm(rootOf(built.content), this.viewport);
      } catch (error) {
        // Only the flip frame gets slower.
        console.error(`warming scene ${assignment.scene.id} up failed:`, error);
      }
    }
    const warmed = performance.now();
    const record: BuildRecord = {
      switchId,
      construct: constructed - started,
      images: imagesDone - constructed,
      warm: warmed - imagesDone,
      total: warmed - started,
      loaded,
    };
    return { built, record };
  }

  /** Phase two: watch the frames until the commit time (or until the late build is ready). */
  private commit(commit: Commit): void {
    if (this.disposed) return;
    const answer = this.switches.commit(commit, this.now());
    if (this.switches.flipPending) this.loop.requestFrame();
    if (answer === 'ignored') {
      // Normally the server sends a full assignment instead. But a prepare that came before this page
      // listened (while the fonts loaded) leaves the bridge holding the committed scene: show it at once.
      const bridge = this.options.bridge;
      const held = bridge?.assignment;
      if (bridge && held && this.assignment && held.sceneVersion === commit.version && held.sceneVersion !== this.assignment.sceneVersion) {
        this.assign(held);
        bridge.reportFlip({ switchId: commit.switchId, version: commit.version, flippedAt: bridge.serverNow(), late: true });
      }
    }
    this.publish();
  }

  /** First thing in every animation frame: on the first one at or after the commit time (server clock), swap the prepared scene in; the loop draws it in this same frame. */
  private beforeFrame(timestamp: number): void {
    const bridge = this.options.bridge;
    if (!bridge || !this.switches.flipPending) return;
    const started = performance.now();
    const flippedAt = bridge.serverNow();
    const due = this.switches.due(flippedAt);
    if (!due) {
      this.loop.requestFrame();
      return;
    }
    try {
      const previous = this.present(due.build, due.plan);
      // A clock built a moment ago shows this second, not the one it was built in.
      if (due.build.content.kind === 'scene') due.build.content.compositor.tick(this.now());
      this.flipping = { due, previous, flippedAt, frameTime: timestamp, started };
    } catch (error) {
      console.error(`showing switch ${due.switchId} failed:`, error);
      this.show();
    }
    // A newer switch already committed (its commit came before this one's time) waits for its own frame.
    if (this.switches.flipPending) this.loop.requestFrame();
  }

  /** The frame that showed the new scene is drawn: now drop the old one and tell the server. */
  private finishFlip(flip: Flipping): void {
    const drawMilliseconds = performance.now() - flip.started;
    this.disposeContent(flip.previous);
    // A switch the shown one covered (both due in this frame) reached the screen in this frame too, as far as anyone can see.
    for (const { switchId, version, at, late } of [...flip.due.covered, flip.due]) {
      this.options.bridge?.reportFlip({ switchId, version, flippedAt: flip.flippedAt, late });
      appendBounded(this.flips, { switchId, version, at, flippedAt: flip.flippedAt, late, frameTime: flip.frameTime, drawMilliseconds }, HISTORY_LIMIT);
    }
  }

  /**
   * Once, after the first scene is drawn: build it again off-screen and render it into a texture, so the
   * first switch does not pay for what only a page's first off-screen render costs (a render texture and
   * its stencil buffer, code paths run for the first time).
   */
  private async warmUpAfterLoad(): Promise<void> {
    const assignment = this.assignment;
    if (this.disposed || !assignment) return;
    const measured = await this.buildAndWarm(assignment, 0, () => true);
    if (!measured) return;
    this.disposeContent(measured.built.content);
    appendBounded(this.builds, measured.record, HISTORY_LIMIT);
    this.publish();
  }

  private disposeContent(content: Content | undefined): void {
    if (!content) return;
    if (content.kind === 'scene') content.compositor.dispose();
    else content.slate.dispose();
  }

  private valuesChanged(changed: ReadonlySet<string>): void {
    if (this.content?.kind === 'scene' && this.content.compositor.updateValues(changed)) this.loop.invalidate();
    // A scene waiting for its commit shows the latest values when it flips.
    for (const { content } of this.switches.builds) if (content.kind === 'scene') content.compositor.updateValues(changed);
  }

  /** Why the server does not let this page in, if it does not. */
  private refusal(): 'token-invalid' | 'token-needed' | undefined {
    const state = this.options.access?.state;
    return state === 'token-invalid' || state === 'token-needed' ? state : undefined;
  }

  /**
   * Refused: the slate says why, over whatever was shown (a revoked display must not keep showing the wall), and a
   * switch waiting for its commit must not flip over it. Let in again: the assignment every admitted socket starts
   * with redraws the screen.
   */
  private accessChanged(): void {
    if (this.disposed) return;
    if (this.refusal() && this.state !== this.refusal()) {
      this.switches.reset();
      this.show();
    } else this.publish();
  }

  private setConnection(state: BridgeState): void {
    this.connection = state;
    if (this.content?.kind === 'slate') this.content.slate.setConnection(state);
    // Keep the last frame and say the link is down; the slates say it themselves.
    this.badge.visible = state === 'disconnected' && this.content?.kind === 'scene';
    this.loop.invalidate();
    this.publish();
  }

  private resize(): void {
    const { app } = this.options;
    app.renderer.resize(window.innerWidth, window.innerHeight);
    this.show();
    this.rebuildPrepared();
  }

  private afterDraw(): void {
    const flip = this.flipping;
    this.flipping = undefined;
    if (flip) this.finishFlip(flip);
    this.ticker.running = this.content?.kind === 'scene' && this.content.compositor.ticking;
    if (!this.warmedUp && this.content?.kind === 'scene') {
      this.warmedUp = true;
      // After this frame, not in it: the first scene is on screen before the warm-up starts.
      this.subscriptions.add(this.options.scheduler.setTimeout(() => void this.warmUpAfterLoad(), 0));
    }
    this.publish();
  }

  /** Camera changes come in bursts (every tile of a scene takes its feed): one status for all of them, on the next task. */
  private publishSoon(): void {
    if (this.publishTimer || this.disposed) return;
    this.publishTimer = this.options.scheduler.setTimeout(() => {
      this.publishTimer = undefined;
      if (!this.disposed) this.publish();
    }, 0);
  }

  private cameraReports(): Record<string, CameraReport> {
    const reports: Record<string, CameraReport> = {};
    for (const { cameraId, feed, users } of this.cameras.feeds()) {
      const { state, lastFrameAt, detail } = feed.status;
      reports[cameraId] = { state, framesPresented: feed.framesPresented, lastFrameAt: lastFrameAt ?? null, tiles: users, detail: detailText(detail, this.languages) ?? null };
    }
    return reports;
  }

  private publish(): void {
    const compositor = this.content?.kind === 'scene' ? this.content.compositor : undefined;
    publishStatus({
      screen: this.options.screenId ?? '',
      state: this.state,
      connection: this.connection,
      ...(this.assignment ? { layoutVersion: this.assignment.layoutVersion, sceneId: this.assignment.scene.id, sceneVersion: this.assignment.sceneVersion } : {}),
      flips: this.flips,
      builds: this.builds,
      prepared: this.switches.prepared,
      clockOffset: this.options.bridge ? this.options.bridge.serverNow() - Date.now() : 0,
      framesDrawn: this.loop.framesDrawn,
      lastDrawAt: this.loop.lastDrawAt,
      panels: compositor?.panelIds ?? [],
      texts: collectTexts(this.options.app.stage),
      fontsReady: this.options.fontsReady,
      contextLosses: this.contextLosses,
      panelErrors: compositor?.panelErrors ?? [],
      identifyUntil: this.identifyWindow.until,
      videoElements: this.cameras.size,
      cameras: this.cameraReports(),
    });
  }
}
