// The trend mark beside a value (▲ ▼ ▶), drawn as a shape so it never depends on a font having the glyph.
import type { Graphics } from 'pixi.js';
import type { SeriesValue } from '../../../common/contract/messages.ts';

/** Redraws `graphics` as the arrow for `trend`, `size` tall, its left edge at 0 and its middle at y 0. */
export function drawTrendArrow(graphics: Graphics, trend: SeriesValue['trend'], size: number, colour: number): Graphics {
  graphics.clear();
  const half = size / 2;
  const width = size * 1.1;
  switch (trend) {
    case 'up':
      graphics.poly([0, half, width / 2, -half, width, half]);
      break;
    case 'down':
      graphics.poly([0, -half, width, -half, width / 2, half]);
      break;
    case 'flat':
      graphics.poly([0, -half, size * 0.95, 0, 0, half]);
      break;
  }
  return graphics.fill(colour);
}
