// The wall-wide calibration pattern, drawn in wall millimetres: grid, 45° diagonals, circles, and this screen's name on its active area.
import { Container, Graphics } from 'pixi.js';
import type { Rect } from '../../../common/wall/geometry.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { formatNumber } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import type { PanelContext, PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

type PatternPanel = Extract<Panel, { type: 'pattern' }>;

/** Bright on dark, each family its own colour so a technician can name what is misaligned. */
export const PATTERN_COLOURS = {
  ground: 0x070b11,
  grid: 0x2c3d52,
  gridMajor: 0x58789a,
  diagonalDown: 0x00e5ff,
  diagonalUp: 0xff4081,
  circle: 0xffea00,
  screenEdge: 0x00e676,
  screenCircle: 0xffffff,
} as const;

/** Every integer k with `from <= k·step <= to`. */
function multiples(from: number, to: number, step: number): number[] {
  const result: number[] = [];
  for (let k = Math.ceil(from / step); k * step <= to; k++) result.push(k);
  return result;
}

export class PatternPanelView implements PanelView {
  readonly root = new Container({ label: 'pattern' });
  readonly series: readonly string[] = [];
  readonly ticking = false;

  constructor(context: PanelContext, panel: PatternPanel) {
    const wall = context.wallRect;
    const spacing = panel.spacing;
    // Children draw in wall millimetres; panel mm = wall mm − the panel's origin.
    const layer = new Container({ label: 'wall-coordinates' });
    layer.position.set(-wall.x, -wall.y);
    this.root.addChild(layer);
    const right = wall.x + wall.width;
    const bottom = wall.y + wall.height;

    const ground = new Graphics({ label: 'ground' }).rect(wall.x, wall.y, wall.width, wall.height).fill(PATTERN_COLOURS.ground);
    const grid = new Graphics({ label: 'grid' });
    const gridMajor = new Graphics({ label: 'grid-major' });
    for (const k of multiples(wall.x, right, spacing)) {
      (k % 5 === 0 ? gridMajor : grid).moveTo(k * spacing, wall.y).lineTo(k * spacing, bottom);
    }
    for (const k of multiples(wall.y, bottom, spacing)) {
      (k % 5 === 0 ? gridMajor : grid).moveTo(wall.x, k * spacing).lineTo(right, k * spacing);
    }
    grid.stroke({ width: 1.5, color: PATTERN_COLOURS.grid });
    gridMajor.stroke({ width: 3, color: PATTERN_COLOURS.gridMajor });

    // One circle over the whole pattern: it looks round only if every screen's pixels are square and placed right.
    const circles = new Graphics({ label: 'circles' })
      .circle(wall.x + wall.width / 2, wall.y + wall.height / 2, Math.min(wall.width, wall.height) * 0.46)
      .stroke({ width: 8, color: PATTERN_COLOURS.circle });

    // Diagonals x − y = c and x + y = c for c every two grid steps: straight across every bezel only if the wall
    // is calibrated. They are drawn above the circle, and the down-right family (cyan) above the other, so a
    // column of pixels crosses each cyan line as one unbroken run (what an automatic alignment check measures).
    const step = 2 * spacing;
    const diagonalsUp = new Graphics({ label: 'diagonals-up' });
    for (const k of multiples(wall.x + wall.y, right + bottom, step)) {
      const c = k * step;
      const top = Math.max(wall.y, c - right);
      const end = Math.min(bottom, c - wall.x);
      if (end > top) diagonalsUp.moveTo(c - top, top).lineTo(c - end, end);
    }
    diagonalsUp.stroke({ width: 6, color: PATTERN_COLOURS.diagonalUp, cap: 'butt' });
    const diagonalsDown = new Graphics({ label: 'diagonals-down' });
    for (const k of multiples(wall.x - bottom, right - wall.y, step)) {
      const c = k * step;
      const top = Math.max(wall.y, wall.x - c);
      const end = Math.min(bottom, right - c);
      if (end > top) diagonalsDown.moveTo(top + c, top).lineTo(end + c, end);
    }
    diagonalsDown.stroke({ width: 6, color: PATTERN_COLOURS.diagonalDown, cap: 'butt' });

    layer.addChild(ground, grid, gridMajor, circles, diagonalsUp, diagonalsDown, this.screenMarks(context, context.screen.activeArea));
  }

  update(_values: SeriesValues): void {
    // The pattern is geometry only.
  }

  dispose(): void {
    destroySubtree(this.root);
  }

  /** This screen's active-area edge, its own circle, and its id, label and resolution in large text at its centre. */
  private screenMarks(context: PanelContext, area: Rect): Container {
    const marks = new Container({ label: 'screen-marks' });
    const centreX = area.x + area.width / 2;
    const centreY = area.y + area.height / 2;
    const edge = Math.max(2, area.height * 0.005);
    const outline = new Graphics({ label: 'screen-edge' })
      .rect(area.x + edge / 2, area.y + edge / 2, area.width - edge, area.height - edge)
      .stroke({ width: edge, color: PATTERN_COLOURS.screenEdge })
      .circle(centreX, centreY, area.height * 0.42)
      .stroke({ width: 3, color: PATTERN_COLOURS.screenCircle, alpha: 0.85 })
      .moveTo(centreX - 30, centreY)
      .lineTo(centreX + 30, centreY)
      .moveTo(centreX, centreY - 30)
      .lineTo(centreX, centreY + 30)
      .stroke({ width: 3, color: PATTERN_COLOURS.screenCircle });
    marks.addChild(outline);

    const screen = context.screen;
    const ppm = screen.pixelsPerMillimetre;
    const language = context.languages.primary;
    const lines = [
      createText(screen.id, { size: area.height * 0.2, weight: 700, resolution: context.textResolution, maxWidth: area.width * 0.8 }),
      createText(screen.label, { size: area.height * 0.055, weight: 600, resolution: context.textResolution, maxWidth: area.width * 0.8 }),
      createText(
        `${screen.resolution.width} × ${screen.resolution.height} px · ${screen.rotation}° · ${formatNumber(ppm.x, 3, language)} px/mm`,
        { size: area.height * 0.04, colour: COLOURS.textSecondary, resolution: context.textResolution, maxWidth: area.width * 0.8 },
      ),
    ];
    const gap = area.height * 0.01;
    const blockWidth = Math.max(...lines.map((line) => line.width));
    const blockHeight = lines.reduce((sum, line) => sum + line.height, 0) + gap * (lines.length - 1);
    const margin = area.height * 0.03;
    const backing = new Graphics({ label: 'label-backing' })
      .roundRect(centreX - blockWidth / 2 - margin, centreY - blockHeight / 2 - margin, blockWidth + 2 * margin, blockHeight + 2 * margin, margin)
      .fill({ color: PATTERN_COLOURS.ground, alpha: 0.82 });
    marks.addChild(backing);
    let y = centreY - blockHeight / 2;
    for (const line of lines) {
      line.position.set(centreX - line.width / 2, y);
      y += line.height + gap;
      marks.addChild(line);
    }
    return marks;
  }
}
