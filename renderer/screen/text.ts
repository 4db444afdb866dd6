// Canvas text in millimetres: created at the screen's pixel density, shrunk to fit its box instead of overflowing it.
import { CanvasTextMetrics, Text, type TextStyleAlign } from 'pixi.js';
import { FONT_STACK, type FontWeight } from './fonts.ts';
import { COLOURS } from './theme.ts';

export interface TextOptions {
  /** Font size in the units of the container the text sits in (millimetres in panels, pixels in slates). */
  readonly size: number;
  readonly weight?: FontWeight;
  readonly colour?: number;
  readonly align?: TextStyleAlign;
  /** The text shrinks until it is no wider than this (and wraps first when `wrap` is set). */
  readonly maxWidth?: number;
  readonly maxHeight?: number;
  readonly wrap?: boolean;
  readonly lineHeight?: number;
  /** Device pixels per unit: text is rasterised at exactly the density it is shown at, so it stays crisp. */
  readonly resolution: number;
  readonly label?: string;
}

/** Smallest size a text shrinks to, relative to the asked size; below that it is cut by its box instead. */
const SMALLEST = 0.35;

export function createText(content: string, options: TextOptions): Text {
  const text = new Text({
    text: content,
    label: options.label,
    resolution: Math.max(0.05, options.resolution),
    style: {
      fontFamily: FONT_STACK,
      fontSize: options.size,
      fontWeight: String(options.weight ?? 400) as '400',
      fill: options.colour ?? COLOURS.textPrimary,
      align: options.align ?? 'left',
      lineHeight: options.size * (options.lineHeight ?? 1.18),
      wordWrap: options.wrap === true && options.maxWidth !== undefined,
      wordWrapWidth: options.maxWidth ?? 100,
      breakWords: false,
      // Vietnamese stacked marks (ệ, Ẵ) rise above the em box; padding keeps them from being clipped.
      padding: options.size * 0.12,
    },
  });
  fitText(text, options);
  return text;
}

/** Shrinks the font until the text fits `maxWidth` × `maxHeight` (measuring is cheap; rasterising happens once, at render). */
export function fitText(text: Text, options: Pick<TextOptions, 'size' | 'maxWidth' | 'maxHeight' | 'lineHeight' | 'wrap'>): void {
  const { maxWidth, maxHeight } = options;
  if (maxWidth === undefined && maxHeight === undefined) return;
  let size = options.size;
  text.style.fontSize = size;
  text.style.lineHeight = size * (options.lineHeight ?? 1.18);
  for (let attempt = 0; attempt < 8; attempt++) {
    const bounds = text.getLocalBounds();
    const widthRatio = maxWidth === undefined ? 1 : maxWidth / Math.max(bounds.width, 1e-6);
    const heightRatio = maxHeight === undefined ? 1 : maxHeight / Math.max(bounds.height, 1e-6);
    const ratio = Math.min(widthRatio, heightRatio);
    if (ratio >= 1 || size <= options.size * SMALLEST) return;
    size = Math.max(options.size * SMALLEST, size * Math.max(0.5, Math.min(0.97, ratio)));
    text.style.fontSize = size;
    text.style.lineHeight = size * (options.lineHeight ?? 1.18);
  }
}

/** Changes a text's content only when it differs: every change re-rasterises the text. */
export function setText(text: Text, content: string, options?: Pick<TextOptions, 'size' | 'maxWidth' | 'maxHeight' | 'lineHeight' | 'wrap'>): boolean {
  if (text.text === content) return false;
  text.text = content;
  if (options) fitText(text, options);
  return true;
}

/** Distance from a text's top to its first baseline, so texts of different sizes can sit on one line. */
export function baselineOf(text: Text): number {
  const metrics = CanvasTextMetrics.measureText(text.text === '' ? ' ' : text.text, text.style);
  const { ascent, fontSize } = metrics.fontProperties;
  return ascent + Math.max(0, (metrics.lineHeight - fontSize) / 2);
}

/** Puts a text's first baseline at `y`. */
export function placeOnBaseline(text: Text, x: number, y: number): void {
  text.position.set(x, y - baselineOf(text));
}
