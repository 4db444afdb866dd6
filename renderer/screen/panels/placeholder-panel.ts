// Panel types not drawn yet (ticker, alert list, map), and video where no feed plays (the wall preview): a labelled tile with type, title and id, never a blank.
import { Container, Graphics } from 'pixi.js';
import type { Panel } from '../../../common/wall/schema.ts';
import { bilingual, type Localised } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { STRINGS } from '../strings.ts';
import { createText } from '../text.ts';
import { COLOURS, mix } from '../theme.ts';
import { accentOf, cardMetrics, drawCard } from './card.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';
import { gridFor } from '../video/tile-grid.ts';

const TYPE_NAMES: Record<string, Localised> = {
  ticker: { vi: 'Dòng chữ chạy', en: 'Ticker' },
  'alert-list': { vi: 'Danh sách cảnh báo', en: 'Alert list' },
  map: { vi: 'Bản đồ', en: 'Map' },
  video: { vi: 'Camera', en: 'Video' },
};

export class PlaceholderPanelView implements PanelView {
  readonly root = new Container({ label: 'placeholder' });
  readonly series: readonly string[] = [];
  readonly ticking = false;

  constructor(context: PanelContext, panel: Panel) {
    const { width, height } = context;
    const metrics = cardMetrics(width, height);
    const { unit, text, padding, contentLeft } = metrics;
    const accent = accentOf(context);
    const room = width - contentLeft - padding;
    const typeName = TYPE_NAMES[panel.type] ?? { vi: panel.type, en: panel.type };
    const title = panel.title ?? ('series' in panel && typeof panel.series === 'string' ? safeSeriesName(context, panel.series) : undefined);
    this.root.addChild(drawCard(new Graphics({ label: 'card' }), width, height, mix(accent, COLOURS.card, 0.35), metrics));
    if (width / height > 5) {
      this.drawBanner(context, panel, typeName, title, contentLeft, room);
      return;
    }

    // A video panel is drawn for real on the screens; here only its layout shows.
    const note = panel.type === 'video' ? STRINGS.livePictureOnScreens : STRINGS.placeholder;
    const kind = createText(`${bilingual(typeName, context.languages).toUpperCase()} · ${bilingual(note, context.languages)}`, {
      size: 9.5 * text,
      weight: 600,
      colour: COLOURS.textMuted,
      maxWidth: room,
      resolution: context.textResolution,
      label: 'type',
    });
    kind.position.set(contentLeft, padding * 0.85);
    this.root.addChild(kind);
    let y = kind.y + kind.height + 3 * unit;
    if (title) {
      const primary = createText(primaryOf(title, context), {
        size: 16 * text,
        weight: 600,
        colour: COLOURS.textSecondary,
        wrap: true,
        maxWidth: room,
        maxHeight: 16 * text * 1.18 * 2.05,
        resolution: context.textResolution,
      });
      primary.position.set(contentLeft, y);
      this.root.addChild(primary);
      y += primary.height + 1.5 * unit;
      const secondary = secondaryOf(title, context);
      if (secondary !== undefined) {
        const line = createText(secondary, { size: 10.5 * text, colour: COLOURS.textMuted, maxWidth: room, resolution: context.textResolution });
        line.position.set(contentLeft, y);
        this.root.addChild(line);
        y += line.height;
      }
    }
    const id = createText(panel.id, { size: 8.5 * text, colour: COLOURS.textMuted, maxWidth: room, resolution: context.textResolution, label: 'id' });
    id.position.set(contentLeft, height - padding * 0.8 - id.height);
    this.root.addChild(id);

    if (panel.type === 'video') this.drawCameraGrid(context, panel, contentLeft, y + 6 * unit, room, id.y - 6 * unit);
  }

  update(_values: SeriesValues): void {
    // Nothing live to show until the panel type is drawn for real.
  }

  dispose(): void {
    destroySubtree(this.root);
  }

  /** A long, low strip (a ticker along the bottom of the map): everything on one line, as large as the strip allows. */
  private drawBanner(context: PanelContext, panel: Panel, typeName: Localised, title: Localised | undefined, left: number, room: number): void {
    const size = context.height * 0.34;
    const parts = [bilingual(typeName, context.languages).toUpperCase(), title ? bilingual(title, context.languages) : undefined, panel.id];
    const line = createText(parts.filter((part) => part !== undefined).join('  ·  '), {
      size,
      weight: 600,
      colour: COLOURS.textSecondary,
      maxWidth: room,
      resolution: context.textResolution,
      label: 'banner',
    });
    line.position.set(left, (context.height - line.height) / 2);
    this.root.addChild(line);
  }

  /** The camera tiles of the video panel as a static slate, each with its camera's name, so the layout can be checked without opening any feed. */
  private drawCameraGrid(context: PanelContext, panel: Extract<Panel, { type: 'video' }>, left: number, top: number, width: number, bottom: number): void {
    const { rows, columns } = gridFor(panel.cameras.length, panel.grid);
    const height = bottom - top;
    if (height <= 0 || width <= 0) return;
    const gap = Math.min(width, height) * 0.015;
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const grid = new Graphics({ label: 'camera-grid' });
    this.root.addChild(grid);
    panel.cameras.slice(0, rows * columns).forEach((camera, index) => {
      const x = left + (index % columns) * (cellWidth + gap);
      const y = top + Math.floor(index / columns) * (cellHeight + gap);
      grid.rect(x, y, cellWidth, cellHeight).fill(0x070b11).stroke({ width: Math.max(0.5, cellHeight * 0.01), color: COLOURS.cardBorder, alignment: 1 });
      const label = createText(primaryOf(context.cameraName(camera), context), {
        size: Math.min(cellHeight * 0.1, cellWidth * 0.06),
        colour: COLOURS.textMuted,
        maxWidth: cellWidth * 0.9,
        resolution: context.textResolution,
      });
      label.position.set(x + cellWidth * 0.05, y + cellHeight - label.height - cellHeight * 0.05);
      this.root.addChild(label);
    });
  }
}

function safeSeriesName(context: PanelContext, series: string): Localised | undefined {
  try {
    return context.seriesView(series).name;
  } catch {
    return undefined;
  }
}
