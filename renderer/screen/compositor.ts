// One screen's scene: a container per slice, mapped from panel mm to window pixels and clipped to its slice; failures become error tiles.
import { Container, Graphics } from 'pixi.js';
import type { Disposable, Scheduler } from '../../common/contract/events.ts';
import type { AssignedScreen, Assignment, PlacedPanelView, SeriesView } from '../../common/contract/messages.ts';
import type { Slice } from '../../common/wall/geometry.ts';
import type { Field, Panel } from '../../common/wall/schema.ts';
import { languagesOf, type Localised } from './format.ts';
import type { ImageCache } from './image-cache.ts';
import { createPanelView } from './panels/create-panel.ts';
import { ErrorPanelView } from './panels/error-panel.ts';
import type { PanelContext, PanelView } from './panels/panel-view.ts';
import type { SeriesValues } from './series-store.ts';
import { sliceTransform } from './slice-transform.ts';
import { destroySubtree } from './destroy.ts';
import type { CameraFeedView } from './video/camera-feed.ts';
import type { FeedSource } from './video/camera-feeds.ts';

export type KnownScreen = Extract<AssignedScreen, { known: true }>;

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export interface CompositorOptions {
  readonly assignment: Assignment;
  readonly screen: KnownScreen;
  readonly values: SeriesValues;
  readonly viewport: Viewport;
  readonly devicePixelRatio: number;
  /** Wall time (server clock). */
  readonly now: () => number;
  /** Asks for a frame. */
  readonly invalidate: () => void;
  /** Asks for a frame for a new camera frame (the loop draws those at most 25 times a second); `invalidate` when not given. */
  readonly invalidateVideo?: () => void;
  readonly images: ImageCache;
  readonly scheduler: Pick<Scheduler, 'setTimeout'>;
  /** The page's camera feeds; without them (the wall preview) video panels show a static slate and open nothing. */
  readonly cameraFeeds?: FeedSource<CameraFeedView>;
}

export interface PanelError {
  readonly panel: string;
  readonly message: string;
}

interface PanelSlot {
  readonly slice: Slice;
  /** Clipped to the slice's destination. */
  readonly clip: Container;
  /** In panel millimetres: the slice transform. */
  readonly content: Container;
  readonly context: PanelContext | undefined;
  view: PanelView | undefined;
  failed: boolean;
}

/** The framebuffer scale that fits it in the window: tests open screens at 384 × 216, the wall at 1920 × 1080. */
export function fitScale(framebuffer: Viewport, viewport: Viewport): number {
  return Math.min(viewport.width / framebuffer.width, viewport.height / framebuffer.height);
}

/** Longest wait for a panel's self-change (timers further out are re-armed on the next update anyway). */
const LONGEST_WAKE = 6 * 3_600_000;

export class ScreenCompositor implements Disposable {
  readonly root = new Container({ label: 'screen' });
  readonly scale: number;
  private readonly slots: PanelSlot[] = [];
  private readonly errors = new Map<string, string>();
  private readonly panels: ReadonlyMap<string, PlacedPanelView>;
  private readonly series: ReadonlyMap<string, SeriesView>;
  private readonly fields: ReadonlyMap<string, Field>;
  private readonly cameraNames: ReadonlyMap<string, Localised>;
  private wake: Disposable | undefined;
  private disposed = false;

  constructor(private readonly options: CompositorOptions) {
    const { assignment, screen, viewport } = options;
    const framebuffer = screen.geometry.framebuffer;
    this.scale = fitScale(framebuffer, viewport);
    // Centred: a window of another aspect (a kiosk, a test viewport) letterboxes instead of stretching.
    this.root.position.set(
      Math.round((viewport.width - framebuffer.width * this.scale) / 2),
      Math.round((viewport.height - framebuffer.height * this.scale) / 2),
    );
    this.panels = new Map(assignment.panels.map((placed) => [placed.panel.id, placed]));
    this.series = new Map(assignment.series.map((view) => [view.id, view]));
    this.fields = new Map(assignment.fields.map((field) => [field.id, field]));
    this.cameraNames = new Map(assignment.cameras.map((camera) => [camera.id, camera.name]));
    for (const slice of [...screen.slices].sort((a, b) => a.layer - b.layer)) this.slots.push(this.createSlot(slice));
    this.scheduleWake();
  }

  /** Panel ids this screen draws, bottom first. */
  get panelIds(): string[] {
    return this.slots.map((slot) => slot.slice.panel);
  }

  get panelErrors(): PanelError[] {
    return [...this.errors].map(([panel, message]) => ({ panel, message }));
  }

  /** Some panel needs the once-a-second tick (a clock, a stale age). */
  get ticking(): boolean {
    return this.slots.some((slot) => !slot.failed && slot.view?.ticking === true);
  }

  /**
   * Resolves when every panel's fetch (an image) has settled, or after `milliseconds`, whichever is first:
   * true when all of them made it. A panel still waiting keeps its own loading note, never a black tile.
   */
  whenLoaded(milliseconds: number): Promise<boolean> {
    const loading = this.slots.flatMap((slot) => (slot.view?.loaded ? [slot.view.loaded] : []));
    if (loading.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.options.scheduler.setTimeout(() => resolve(false), milliseconds);
      void Promise.all(loading).then(() => {
        timer.dispose();
        resolve(true);
      });
    });
  }

  /** Redraws the panels that show any of `changed`; true when one did. */
  updateValues(changed: ReadonlySet<string>): boolean {
    let updated = false;
    for (const slot of this.slots) {
      const view = slot.view;
      if (slot.failed || !view || !view.series.some((id) => changed.has(id))) continue;
      this.guard(slot, () => view.update(this.options.values));
      updated = true;
    }
    if (updated) this.scheduleWake();
    return updated;
  }

  /** The once-a-second tick; true when a panel changed and a frame is needed. */
  tick(now: number): boolean {
    let changed = false;
    for (const slot of this.slots) {
      const view = slot.view;
      if (!slot.failed && view?.ticking && view.tick) this.guard(slot, () => void (changed = view.tick!(now) || changed));
    }
    return changed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.wake?.dispose();
    for (const slot of this.slots) {
      this.disposeView(slot);
      // pixi: clear a mask before destroying it, or its stencil effect keeps the Graphics alive.
      slot.clip.mask = null;
    }
    this.slots.length = 0;
    destroySubtree(this.root);
  }

  private createSlot(slice: Slice): PanelSlot {
    const { screen } = this.options;
    const clip = new Container({ label: `slice:${slice.panel}` });
    const { x, y, width, height } = slice.destination;
    const scale = this.scale;
    const mask = new Graphics({ label: 'mask' }).rect(x * scale, y * scale, width * scale, height * scale).fill(0xffffff);
    const content = new Container({ label: slice.panel });
    content.setFromMatrix(sliceTransform(slice, screen.geometry, scale));
    clip.addChild(content, mask);
    clip.mask = mask;
    this.root.addChild(clip);

    const placed = this.panels.get(slice.panel);
    const slot: PanelSlot = {
      slice,
      clip,
      content,
      context: placed ? this.contextFor(placed, slice, () => slot) : undefined,
      view: undefined,
      failed: false,
    };
    if (!slot.context) {
      this.fail(slot, new Error(`panel '${slice.panel}' has a slice but is not in the assignment's panels`));
      return slot;
    }
    const context = slot.context;
    this.guard(slot, () => {
      slot.view = createPanelView(context);
      content.addChild(slot.view.root);
      slot.view.update(this.options.values);
    });
    return slot;
  }

  private contextFor(placed: PlacedPanelView, slice: Slice, slot: () => PanelSlot): PanelContext {
    const { assignment, screen, now, invalidate, invalidateVideo = invalidate, images, cameraFeeds } = this.options;
    const ppm = screen.geometry.pixelsPerMillimetre;
    return {
      panel: placed.panel,
      width: placed.rect.width,
      height: placed.rect.height,
      wallRect: placed.rect,
      screen: screen.geometry,
      wall: assignment.wall,
      layoutVersion: assignment.layoutVersion,
      demo: assignment.demo,
      languages: languagesOf(assignment.wall.languages),
      field: this.fieldOf(placed.panel),
      textResolution: Math.max(ppm.x, ppm.y) * this.scale * this.options.devicePixelRatio,
      seriesView: (id) => {
        const view = this.series.get(id);
        if (!view) throw new Error(`series '${id}' is not in the assignment`);
        return view;
      },
      now,
      invalidate,
      invalidateVideo,
      fail: (error) => {
        if (!this.disposed) this.fail(slot(), error);
      },
      images,
      visible: slice.source,
      cameraFeeds,
      cameraName: (id) => this.cameraNames.get(id) ?? { vi: id, en: id },
    };
  }

  private fieldOf(panel: Panel): Field | undefined {
    const series = 'series' in panel ? (Array.isArray(panel.series) ? panel.series[0] : panel.series) : undefined;
    const fieldId = panel.field ?? (series === undefined ? undefined : (this.series.get(series)?.field ?? series.split('.')[0]));
    return fieldId === undefined ? undefined : this.fields.get(fieldId);
  }

  /** Runs a panel's work; if it throws, the panel becomes an error tile and the others keep drawing. */
  private guard(slot: PanelSlot, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.fail(slot, error);
    }
  }

  private fail(slot: PanelSlot, error: unknown): void {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error';
    this.errors.set(slot.slice.panel, message);
    console.error(`panel ${slot.slice.panel} failed to draw:`, error);
    this.disposeView(slot);
    slot.failed = true;
    const source = slot.slice.source;
    // A panel we know is replaced whole (each screen shows its part); one we do not know, on the slice we were given.
    const size = slot.context ?? { width: source.x + source.width, height: source.y + source.height };
    try {
      const view = new ErrorPanelView(
        {
          width: size.width,
          height: size.height,
          languages: slot.context?.languages ?? languagesOf(this.options.assignment.wall.languages),
          textResolution: slot.context?.textResolution ?? this.scale * this.options.devicePixelRatio,
        },
        slot.slice.panel,
        message,
      );
      slot.view = view;
      slot.content.addChild(view.root);
    } catch (tileError) {
      console.error(`error tile for ${slot.slice.panel} failed too:`, tileError);
    }
    this.options.invalidate();
  }

  private disposeView(slot: PanelSlot): void {
    const view = slot.view;
    slot.view = undefined;
    if (!view) return;
    try {
      view.dispose();
    } catch (error) {
      console.error(`panel ${slot.slice.panel} failed to dispose:`, error);
    }
  }

  /** Arms one timer for the earliest panel that changes by itself (a value turning stale). */
  private scheduleWake(): void {
    this.wake?.dispose();
    this.wake = undefined;
    if (this.disposed) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const slot of this.slots) {
      const at = slot.failed ? undefined : slot.view?.wakeAt?.();
      if (at !== undefined && at < earliest) earliest = at;
    }
    if (!Number.isFinite(earliest)) return;
    const delay = Math.min(LONGEST_WAKE, Math.max(0, earliest - this.options.now()) + 50);
    this.wake = this.options.scheduler.setTimeout(() => {
      this.wake = undefined;
      const now = this.options.now();
      let changed = false;
      for (const slot of this.slots) {
        const view = slot.view;
        const at = slot.failed ? undefined : view?.wakeAt?.();
        if (view?.tick && at !== undefined && at <= now) this.guard(slot, () => void (changed = view.tick!(now) || changed));
      }
      if (changed) this.options.invalidate();
      this.scheduleWake();
    }, delay);
  }
}
