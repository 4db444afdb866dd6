// The screen page's controller: follows the bridge (assignment, values, connection) and keeps one scene or slate on the canvas.
import { Container, type Application } from 'pixi.js';
import type { BridgeState, WallBridge } from '../../common/contract/bridge.ts';
import { DisposableStore, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import type { Assignment } from '../../common/contract/messages.ts';
import { ScreenCompositor, type KnownScreen, type Viewport } from './compositor.ts';
import { DEFAULT_LANGUAGES, languagesOf, type Languages } from './format.ts';
import { HealthReporter } from './health.ts';
import { ImageCache } from './image-cache.ts';
import { browserFrameClock, RenderLoop } from './render-loop.ts';
import { SecondTicker } from './second-ticker.ts';
import type { SeriesStore } from './series-store.ts';
import { DisconnectedBadge, noScreenIdSlate, unknownScreenSlate, waitingSlate, type Slate } from './slates.ts';
import { collectTexts, publishStatus, type ScreenStatus } from './status.ts';
import { webglRendererName } from './webgl-info.ts';
import { destroySubtree } from './destroy.ts';

export interface ScreenAppOptions {
  readonly app: Application;
  /** Undefined when the address names no screen: there is nothing to ask the server for. */
  readonly bridge: WallBridge | undefined;
  readonly screenId: string | undefined;
  readonly values: SeriesStore;
  readonly fontsReady: boolean;
  readonly scheduler: Scheduler;
  readonly reload: () => void;
}

type Content = { readonly kind: 'scene'; readonly compositor: ScreenCompositor } | { readonly kind: 'slate'; readonly slate: Slate };

/** Window resizes come in bursts while a window is dragged; rebuild once they settle. */
const RESIZE_SETTLE_MILLISECONDS = 120;

export class ScreenApp implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private readonly loop: RenderLoop;
  private readonly ticker: SecondTicker;
  private readonly images = new ImageCache();
  private readonly badge = new DisconnectedBadge();
  private readonly layer = new Container({ label: 'content' });
  private readonly health: HealthReporter | undefined;
  private content: Content | undefined;
  private assignment: Assignment | undefined;
  /** Server clock minus ours, measured when the assignment arrived. */
  private clockOffset = 0;
  private connection: BridgeState;
  private state: ScreenStatus['state'] = 'waiting';
  private contextLosses = 0;
  private resizeTimer: Disposable | undefined;
  private rendererName: string | undefined;
  private disposed = false;

  constructor(private readonly options: ScreenAppOptions) {
    const { app, bridge, scheduler } = options;
    this.connection = bridge?.state ?? 'disconnected';
    app.stage.addChild(this.layer, this.badge.root);
    this.loop = new RenderLoop(() => app.render(), browserFrameClock, () => this.afterDraw());
    this.ticker = new SecondTicker(
      (now) => {
        if (this.content?.kind === 'scene' && this.content.compositor.tick(now)) this.loop.invalidate();
      },
      () => this.now(),
      scheduler,
    );
    this.rendererName = webglRendererName(app.renderer);

    if (bridge) {
      this.subscriptions.add(bridge.onDidAssign((assignment) => this.assign(assignment)));
      this.subscriptions.add(bridge.onDidChangeState((state) => this.setConnection(state)));
      this.subscriptions.add(bridge.onDidRequireReload(() => options.reload()));
      this.subscriptions.add(options.values.onDidChange((changed) => this.valuesChanged(changed)));
    }
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

    const onResize = () => {
      this.resizeTimer?.dispose();
      this.resizeTimer = scheduler.setTimeout(() => this.resize(), RESIZE_SETTLE_MILLISECONDS);
    };
    window.addEventListener('resize', onResize);
    this.subscriptions.add({ dispose: () => window.removeEventListener('resize', onResize) });

    // pixi restores the GL objects it owns on `webglcontextrestored`; we rebuild the scene so every texture is made again.
    const canvas = app.canvas;
    const onLost = (event: Event) => {
      event.preventDefault();
      this.contextLosses++;
      this.loop.pause();
      this.publish();
    };
    const onRestored = () => {
      this.loop.resume();
      this.rendererName = webglRendererName(app.renderer);
      this.show();
    };
    canvas.addEventListener('webglcontextlost', onLost);
    canvas.addEventListener('webglcontextrestored', onRestored);
    this.subscriptions.add({
      dispose: () => {
        canvas.removeEventListener('webglcontextlost', onLost);
        canvas.removeEventListener('webglcontextrestored', onRestored);
      },
    });

    const current = bridge?.assignment;
    if (current) this.assign(current);
    else this.show();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    this.resizeTimer?.dispose();
    this.health?.dispose();
    this.ticker.dispose();
    this.loop.dispose();
    this.disposeContent(this.content);
    this.content = undefined;
    this.badge.dispose();
    destroySubtree(this.layer);
  }

  /** Wall time: our clock corrected by the server's, so every screen's clock shows the same second. */
  private now(): number {
    return Date.now() + this.clockOffset;
  }

  private get viewport(): Viewport {
    return { width: this.options.app.screen.width, height: this.options.app.screen.height };
  }

  private get languages(): Languages {
    return this.assignment ? languagesOf(this.assignment.wall.languages) : DEFAULT_LANGUAGES;
  }

  private assign(assignment: Assignment): void {
    this.clockOffset = assignment.serverTime - Date.now();
    this.assignment = assignment;
    this.show();
  }

  /** Builds what the current assignment (or its absence) asks for, then swaps it in: the old scene stays until the new one exists. */
  private show(): void {
    if (this.disposed) return;
    const { screenId } = this.options;
    const viewport = this.viewport;
    const resolution = window.devicePixelRatio || 1;
    const slateOptions = { viewport, resolution, languages: this.languages };
    let next: Content;
    let mounted: Parameters<DisconnectedBadge['place']>[3];
    if (screenId === undefined) {
      next = { kind: 'slate', slate: noScreenIdSlate(slateOptions) };
      this.state = 'unknown-screen';
    } else if (!this.assignment) {
      next = { kind: 'slate', slate: waitingSlate(screenId, slateOptions) };
      this.state = 'waiting';
    } else {
      const assigned = this.assignment.screens.find((screen) => (screen.known ? screen.geometry.id : screen.id) === screenId);
      if (assigned?.known) {
        const compositor = this.buildScene(this.assignment, assigned, viewport, resolution);
        next = { kind: 'scene', compositor };
        mounted = { geometry: assigned.geometry, scale: compositor.scale, offset: compositor.root.position };
        this.state = 'assigned';
      } else {
        next = { kind: 'slate', slate: unknownScreenSlate(screenId, assigned?.knownScreens ?? [], slateOptions) };
        this.state = 'unknown-screen';
      }
    }
    if (next.kind === 'slate') next.slate.setConnection(this.connection);
    const previous = this.content;
    this.content = next;
    this.layer.addChild(next.kind === 'scene' ? next.compositor.root : next.slate.root);
    this.disposeContent(previous);
    this.badge.place(viewport, resolution, this.languages, mounted);
    this.badge.visible = this.connection === 'disconnected' && next.kind === 'scene';
    this.loop.invalidate();
    this.publish();
  }

  private buildScene(assignment: Assignment, screen: KnownScreen, viewport: Viewport, devicePixelRatio: number): ScreenCompositor {
    return new ScreenCompositor({
      assignment,
      screen,
      values: this.options.values,
      viewport,
      devicePixelRatio,
      now: () => this.now(),
      invalidate: () => this.loop.invalidate(),
      images: this.images,
      scheduler: this.options.scheduler,
    });
  }

  private disposeContent(content: Content | undefined): void {
    if (!content) return;
    if (content.kind === 'scene') content.compositor.dispose();
    else content.slate.dispose();
  }

  private valuesChanged(changed: ReadonlySet<string>): void {
    if (this.content?.kind === 'scene' && this.content.compositor.updateValues(changed)) this.loop.invalidate();
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
    this.resizeTimer = undefined;
    const { app } = this.options;
    app.renderer.resize(window.innerWidth, window.innerHeight);
    this.show();
  }

  private afterDraw(): void {
    this.ticker.running = this.content?.kind === 'scene' && this.content.compositor.ticking;
    this.publish();
  }

  private publish(): void {
    const compositor = this.content?.kind === 'scene' ? this.content.compositor : undefined;
    publishStatus({
      screen: this.options.screenId ?? '',
      state: this.state,
      connection: this.connection,
      ...(this.assignment ? { layoutVersion: this.assignment.layoutVersion, sceneId: this.assignment.scene.id } : {}),
      framesDrawn: this.loop.framesDrawn,
      lastDrawAt: this.loop.lastDrawAt,
      panels: compositor?.panelIds ?? [],
      texts: collectTexts(this.options.app.stage),
      fontsReady: this.options.fontsReady,
      contextLosses: this.contextLosses,
      panelErrors: compositor?.panelErrors ?? [],
    });
  }
}
