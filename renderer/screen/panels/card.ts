// The tile every data panel sits on: a dark card, the field colour as a slim accent bar, and the "simulated" tag.
import { Container, Graphics } from 'pixi.js';
import { bilingual, type Localised } from '../format.ts';
import { STRINGS } from '../strings.ts';
import { createText, placeOnBaseline } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { primaryOf, type PanelContext } from './panel-view.ts';

/** Sizes of a card, in millimetres, from the panel's own size: a 282 × 230 mm tile is the reference (unit 1). */
export interface CardMetrics {
  /** Lengths scale with the tile. */
  readonly unit: number;
  /** Type scales less than the tile, so small tiles (the 192 × 100 mm board on the map) stay readable across the room. */
  readonly text: number;
  readonly padding: number;
  readonly radius: number;
  readonly accentWidth: number;
  /** Where content starts, right of the accent bar. */
  readonly contentLeft: number;
}

export function cardMetrics(width: number, height: number): CardMetrics {
  const unit = Math.min(2.2, Math.max(0.3, Math.min(width / 282.4, height / 230)));
  const padding = 14 * unit;
  const accentWidth = 5 * unit;
  return { unit, text: unit ** 0.6, padding, radius: 5 * unit, accentWidth, contentLeft: padding + accentWidth + 10 * unit };
}

/** Draws the card background, border and accent bar into `graphics`. */
export function drawCard(graphics: Graphics, width: number, height: number, accent: number, metrics: CardMetrics, fill: number = COLOURS.card): Graphics {
  const inset = metrics.padding;
  graphics
    .roundRect(0, 0, width, height, metrics.radius)
    .fill(fill)
    .stroke({ width: Math.max(0.6, 1.2 * metrics.unit), color: COLOURS.cardBorder, alignment: 1 });
  graphics.roundRect(inset, inset, metrics.accentWidth, Math.max(0, height - 2 * inset), metrics.accentWidth / 2).fill(accent);
  return graphics;
}

/** A small pill "mô phỏng / simulated", its top-right corner at (right, top). */
export function simulatedTag(context: PanelContext, size: number, right: number, top: number): Container {
  const tag = new Container({ label: 'simulated-tag' });
  const text = createText(bilingual(STRINGS.simulated, context.languages), {
    size,
    weight: 600,
    colour: COLOURS.demo,
    resolution: context.textResolution,
  });
  const paddingX = size * 0.6;
  const paddingY = size * 0.25;
  const bounds = text.getLocalBounds();
  const width = bounds.width + 2 * paddingX;
  const height = size * 1.25 + 2 * paddingY;
  const pill = new Graphics()
    .roundRect(0, 0, width, height, height / 2)
    .fill({ color: COLOURS.demo, alpha: 0.12 })
    .stroke({ width: size * 0.1, color: COLOURS.demo, alpha: 0.85, alignment: 1 });
  text.position.set(paddingX, paddingY - bounds.y + (size * 1.25 - bounds.height) / 2);
  tag.addChild(pill, text);
  tag.position.set(right - width, top);
  return tag;
}

/** The accent colour of a panel: its field's colour, or a neutral blue-grey. */
export function accentOf(context: Pick<PanelContext, 'field'>): number {
  const colour = context.field?.colour;
  return colour ? Number.parseInt(colour.slice(1), 16) : COLOURS.neutralAccent;
}

/** The name of the threshold level a value reached (BĐ II, Kém ...), dark on the level's colour. */
export function levelPill(context: PanelContext, name: Localised, colour: number, size: number): Container {
  const pill = new Container({ label: 'level' });
  const text = createText(primaryOf(name, context), { size, weight: 700, colour: COLOURS.background, resolution: context.textResolution });
  const paddingX = size * 0.55;
  const height = size * 1.5;
  const shape = new Graphics().roundRect(0, 0, text.width + 2 * paddingX, height, size * 0.3).fill(colour);
  placeOnBaseline(text, paddingX, height / 2 + size * 0.36);
  pill.addChild(shape, text);
  return pill;
}
