// A video panel: its title, then a grid of live camera tiles (the layout's grid or the smallest near-square one), each fed by the page's shared camera feeds.
import { Container, Graphics } from 'pixi.js';
import type { Rect } from '../../../common/wall/geometry.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { destroySubtree } from '../destroy.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import type { CameraFeedView } from '../video/camera-feed.ts';
import type { FeedSource } from '../video/camera-feeds.ts';
import { gridFor, overlaps, tileRects } from '../video/tile-grid.ts';
import { accentOf, cardMetrics } from './card.ts';
import { CameraTile } from './camera-tile.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';

type VideoPanel = Extract<Panel, { type: 'video' }>;

export class VideoPanelView implements PanelView {
  readonly root = new Container({ label: 'video' });
  readonly series: readonly string[] = [];
  private readonly tiles: CameraTile[] = [];

  constructor(context: PanelContext, panel: VideoPanel, feeds: FeedSource<CameraFeedView>) {
    const { width, height } = context;
    const { unit, text } = cardMetrics(width, height);
    const margin = 4 * unit;
    this.root.addChild(new Graphics({ label: 'ground' }).rect(0, 0, width, height).fill(COLOURS.background));
    const top = panel.title ? this.drawTitle(context, panel.title, margin, 13 * text) : margin;
    const area: Rect = { x: margin, y: top, width: Math.max(0, width - 2 * margin), height: Math.max(0, height - top - margin) };
    const rects = tileRects(area, panel.cameras.length, gridFor(panel.cameras.length, panel.grid), 2.5 * unit);
    try {
      rects.forEach((rect, index) => {
        const cameraId = panel.cameras[index]!;
        // A tile only another screen shows is neither drawn nor fed here: each screen decodes what it shows.
        if (!overlaps(rect, context.visible)) return;
        const lease = feeds.acquire(cameraId);
        let tile: CameraTile;
        try {
          tile = new CameraTile(context, rect, context.cameraName(cameraId), lease);
        } catch (error) {
          lease.release();
          throw error;
        }
        this.tiles.push(tile);
        this.root.addChild(tile.root);
      });
    } catch (error) {
      // The panel becomes an error tile: the feeds taken so far go back.
      this.dispose();
      throw error;
    }
  }

  /** Some tile counts the age of a lost signal. */
  get ticking(): boolean {
    return this.tiles.some((tile) => tile.ticking);
  }

  update(_values: SeriesValues): void {
    // Cameras do not follow telemetry; their feeds redraw the tiles.
  }

  tick(now: number): boolean {
    let changed = false;
    for (const tile of this.tiles) if (tile.tick(now)) changed = true;
    return changed;
  }

  dispose(): void {
    for (const tile of this.tiles.splice(0)) tile.dispose();
    destroySubtree(this.root);
  }

  /** The title on one line, the field's colour as a short bar before it; returns where the tiles start. */
  private drawTitle(context: PanelContext, title: NonNullable<VideoPanel['title']>, margin: number, size: number): number {
    const accentWidth = size * 0.28;
    const left = margin + accentWidth + size * 0.5;
    const room = context.width - left - margin;
    const secondaryTitle = secondaryOf(title, context);
    const primary = createText(primaryOf(title, context), {
      size,
      weight: 600,
      maxWidth: secondaryTitle === undefined ? room : room * 0.6,
      resolution: context.textResolution,
      label: 'title',
    });
    const lineHeight = size * 1.5;
    primary.position.set(left, margin + (lineHeight - primary.height) / 2);
    this.root.addChild(new Graphics({ label: 'accent' }).roundRect(margin, margin + size * 0.2, accentWidth, lineHeight - size * 0.4, accentWidth / 2).fill(accentOf(context)), primary);
    if (secondaryTitle !== undefined) {
      const secondaryLeft = left + primary.width + size * 0.8;
      const secondary = createText(secondaryTitle, {
        size: size * 0.75,
        colour: COLOURS.textSecondary,
        maxWidth: Math.max(0, context.width - margin - secondaryLeft),
        resolution: context.textResolution,
        label: 'title-secondary',
      });
      secondary.position.set(secondaryLeft, margin + (lineHeight - secondary.height) / 2);
      this.root.addChild(secondary);
    }
    return margin + lineHeight + margin * 0.5;
  }
}
