// The whole wall at one scene, fitted to the window: every screen's bezel and active area, its slices drawn by its own ScreenCompositor (turned back upright), its id in a corner.
import { Container, Graphics } from 'pixi.js';
import type { Disposable, Scheduler } from '../../common/contract/events.ts';
import type { Assignment } from '../../common/contract/messages.ts';
import { ScreenCompositor, type KnownScreen, type PanelError, type Viewport } from '../screen/compositor.ts';
import { destroySubtree } from '../screen/destroy.ts';
import { bilingual, languagesOf } from '../screen/format.ts';
import type { ImageCache } from '../screen/image-cache.ts';
import type { SeriesValues } from '../screen/series-store.ts';
import { toMatrix } from '../screen/slice-transform.ts';
import { createText } from '../screen/text.ts';
import { COLOURS } from '../screen/theme.ts';
import { fitWall, framebufferScaleFor, framebufferToWindow, marginsFor, wallRectToWindow, type WallFit } from './wall-fit.ts';

/** The preview's own colours: the room around the wall a little lighter than a switched-off screen, bezels dark grey. */
export const PREVIEW_COLOURS = {
  room: 0x111720,
  bezel: 0x3b424c,
  bezelEdge: 0x58616d,
  activeArea: COLOURS.background,
  labelGround: 0x000000,
} as const;

export interface WallViewOptions {
  readonly assignment: Assignment;
  readonly viewport: Viewport;
  readonly devicePixelRatio: number;
  readonly values: SeriesValues;
  /** Wall time (server clock). */
  readonly now: () => number;
  /** Asks for a frame. */
  readonly invalidate: () => void;
  readonly images: ImageCache;
  readonly scheduler: Pick<Scheduler, 'setTimeout'>;
}

interface DrawnScreen {
  readonly id: string;
  readonly compositor: ScreenCompositor | undefined;
  /** Why the screen's compositor could not be made, if it could not. */
  readonly failure: string | undefined;
}

export class WallView implements Disposable {
  readonly root = new Container({ label: 'wall' });
  readonly fit: WallFit;
  private readonly screens: DrawnScreen[] = [];
  private disposed = false;

  constructor(options: WallViewOptions) {
    const { assignment, viewport } = options;
    const languages = languagesOf(assignment.wall.languages);
    const margins = marginsFor(viewport);
    this.fit = fitWall(assignment.wall.bounds, viewport, margins);
    const known = assignment.screens.filter((screen): screen is KnownScreen => screen.known);

    const room = new Graphics({ label: 'room' }).rect(0, 0, viewport.width, viewport.height).fill(PREVIEW_COLOURS.room);
    const frames = new Graphics({ label: 'bezels' });
    for (const { geometry } of known) {
      const outer = wallRectToWindow(geometry.outer, this.fit);
      const active = wallRectToWindow(geometry.activeArea, this.fit);
      frames
        .rect(outer.x, outer.y, outer.width, outer.height)
        .fill(PREVIEW_COLOURS.bezel)
        .stroke({ width: 1, color: PREVIEW_COLOURS.bezelEdge, alignment: 1 })
        .rect(active.x, active.y, active.width, active.height)
        .fill(PREVIEW_COLOURS.activeArea);
    }
    const screensLayer = new Container({ label: 'screens' });
    const labels = new Container({ label: 'screen-ids' });
    this.root.addChild(room, frames, screensLayer, labels);

    for (const screen of known) {
      const drawn = this.drawScreen(screen, options);
      this.screens.push(drawn);
      if (drawn.compositor) {
        const placed = new Container({ label: `screen:${screen.geometry.id}` });
        placed.setFromMatrix(toMatrix(framebufferToWindow(screen.geometry, this.fit, drawn.compositor.scale)));
        placed.addChild(drawn.compositor.root);
        screensLayer.addChild(placed);
      }
      labels.addChild(this.screenLabel(screen, drawn.failure !== undefined, options.devicePixelRatio));
    }

    const caption = createText(`${bilingual(assignment.wall.name, languages)}  ·  ${bilingual(assignment.scene.name, languages)}`, {
      size: 12,
      weight: 600,
      colour: COLOURS.textSecondary,
      maxWidth: Math.max(40, viewport.width - margins.left - margins.right),
      resolution: options.devicePixelRatio,
      label: 'caption',
    });
    caption.position.set(margins.left, Math.max(2, (margins.top - caption.height) / 2));
    this.root.addChild(caption);
  }

  /** Ids of the screens drawn, with their panels (bottom first). */
  get drawn(): { screen: string; panels: string[] }[] {
    return this.screens.map(({ id, compositor }) => ({ screen: id, panels: compositor?.panelIds ?? [] }));
  }

  get panelErrors(): (PanelError & { screen: string })[] {
    return this.screens.flatMap(({ id, compositor, failure }) => [
      ...(failure === undefined ? [] : [{ screen: id, panel: '*', message: failure }]),
      ...(compositor?.panelErrors ?? []).map((error) => ({ screen: id, ...error })),
    ]);
  }

  /** Some panel needs the once-a-second tick (a clock, a stale value's age). */
  get ticking(): boolean {
    return this.screens.some(({ compositor }) => compositor?.ticking === true);
  }

  /** Redraws the panels that show any of `changed`; true when one did. */
  updateValues(changed: ReadonlySet<string>): boolean {
    let updated = false;
    for (const { compositor } of this.screens) if (compositor?.updateValues(changed)) updated = true;
    return updated;
  }

  /** The once-a-second tick; true when a panel changed. */
  tick(now: number): boolean {
    let changed = false;
    for (const { compositor } of this.screens) if (compositor?.tick(now)) changed = true;
    return changed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { compositor } of this.screens) compositor?.dispose();
    this.screens.length = 0;
    destroySubtree(this.root);
  }

  /** The same compositor a screen page runs, drawing at the preview's density (text is rasterised at the size it is shown). */
  private drawScreen(screen: KnownScreen, options: WallViewOptions): DrawnScreen {
    const { framebuffer } = screen.geometry;
    const scale = framebufferScaleFor(screen.geometry, this.fit);
    try {
      const compositor = new ScreenCompositor({
        assignment: options.assignment,
        screen,
        values: options.values,
        // A viewport of exactly the framebuffer's size × scale: the compositor fits it at that scale, at the origin.
        viewport: { width: framebuffer.width * scale, height: framebuffer.height * scale },
        devicePixelRatio: options.devicePixelRatio,
        now: options.now,
        invalidate: options.invalidate,
        images: options.images,
        scheduler: options.scheduler,
      });
      return { id: screen.geometry.id, compositor, failure: undefined };
    } catch (error) {
      // One screen that cannot be drawn leaves its frame empty (and its id red); the others still draw.
      console.error(`screen ${screen.geometry.id} failed to draw in the preview:`, error);
      return { id: screen.geometry.id, compositor: undefined, failure: (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error' };
    }
  }

  /** The screen's id, small, on a dark tab in the bottom-right corner of its active area (as seen from the front), where panels keep their least important corner (titles sit top-left). */
  private screenLabel(screen: KnownScreen, failed: boolean, resolution: number): Container {
    const active = wallRectToWindow(screen.geometry.activeArea, this.fit);
    const size = Math.max(9, Math.min(13, Math.min(active.width, active.height) * 0.08));
    const label = new Container({ label: `screen-id:${screen.geometry.id}` });
    const text = createText(screen.geometry.id, { size, weight: 700, colour: failed ? COLOURS.error : COLOURS.textPrimary, resolution, label: 'screen-id' });
    const paddingX = size * 0.45;
    const paddingY = size * 0.15;
    const ground = new Graphics({ label: 'screen-id-ground' })
      .roundRect(0, 0, text.width + 2 * paddingX, text.height + 2 * paddingY, size * 0.3)
      .fill({ color: PREVIEW_COLOURS.labelGround, alpha: 0.7 });
    text.position.set(paddingX, paddingY);
    label.addChild(ground, text);
    label.position.set(Math.round(active.x + active.width - ground.width - 2), Math.round(active.y + active.height - ground.height - 2));
    return label;
  }
}
