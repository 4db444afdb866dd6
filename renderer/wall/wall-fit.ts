// The preview's one mapping: wall millimetres → window pixels (whole wall fitted, aspect kept), and each screen's framebuffer → its place on the wall as seen from the front.
import type { Rect, ScreenGeometry, Size } from '../../common/wall/geometry.ts';
import { compose, mountedToFramebuffer, type Affine } from '../screen/slice-transform.ts';

/** Wall millimetres to window pixels: `window = mm × scale + offset`, on both axes. */
export interface WallFit {
  /** Window pixels per wall millimetre. */
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** Space kept free around the wall: the top one holds the caption (scene name). */
export interface Margins {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

/** Margins for a window: about 3% of its short side, never less than 8 px; the top one tall enough for a 12 px caption. */
export function marginsFor(viewport: Size): Margins {
  const side = Math.max(8, Math.round(Math.min(viewport.width, viewport.height) * 0.03));
  return { top: Math.max(side, 28), right: side, bottom: side, left: side };
}

/** Fits the wall's bounding box into the window inside `margins`, keeping its aspect, centred in the space left. */
export function fitWall(bounds: Rect, viewport: Size, margins: Margins): WallFit {
  const availableWidth = Math.max(1, viewport.width - margins.left - margins.right);
  const availableHeight = Math.max(1, viewport.height - margins.top - margins.bottom);
  // A wall of one screen still has a size; a degenerate one (no screens) gets scale 1 rather than Infinity.
  const wallWidth = bounds.width > 0 ? bounds.width : 1;
  const wallHeight = bounds.height > 0 ? bounds.height : 1;
  const scale = Math.min(availableWidth / wallWidth, availableHeight / wallHeight);
  return {
    scale,
    offsetX: margins.left + (availableWidth - wallWidth * scale) / 2 - bounds.x * scale,
    offsetY: margins.top + (availableHeight - wallHeight * scale) / 2 - bounds.y * scale,
  };
}

/** A wall-millimetre rectangle in window pixels. */
export function wallRectToWindow(rect: Rect, fit: WallFit): Rect {
  return { x: rect.x * fit.scale + fit.offsetX, y: rect.y * fit.scale + fit.offsetY, width: rect.width * fit.scale, height: rect.height * fit.scale };
}

/**
 * Preview pixels per framebuffer pixel at which a screen's compositor draws: the finer of its two axes,
 * so text is never rasterised coarser than it is shown (a screen of non-square pixels is squeezed after).
 */
export function framebufferScaleFor(geometry: Pick<ScreenGeometry, 'pixelsPerMillimetre'>, fit: WallFit): number {
  const { x, y } = geometry.pixelsPerMillimetre;
  return fit.scale / Math.min(x, y);
}

/** The inverse of an invertible affine map. */
export function invert({ a, b, c, d, tx, ty }: Affine): Affine {
  const determinant = a * d - b * c;
  if (determinant === 0 || !Number.isFinite(determinant)) throw new Error('affine map is not invertible');
  return {
    a: d / determinant,
    b: -b / determinant,
    c: -c / determinant,
    d: a / determinant,
    tx: (c * ty - d * tx) / determinant,
    ty: (b * tx - a * ty) / determinant,
  };
}

/**
 * Where a screen's compositor output lands in the preview window. The compositor draws the framebuffer
 * (turned, for a rotated screen) at `framebufferScale` from its origin; this map turns it back to the
 * screen as mounted, puts its pixels on its active area in wall millimetres, and fits that to the
 * window: compositor px → framebuffer px → mounted px → wall mm → window px.
 */
export function framebufferToWindow(geometry: Pick<ScreenGeometry, 'activeArea' | 'resolution' | 'rotation' | 'pixelsPerMillimetre'>, fit: WallFit, framebufferScale: number): Affine {
  const unscale: Affine = { a: 1 / framebufferScale, b: 0, c: 0, d: 1 / framebufferScale, tx: 0, ty: 0 };
  const framebufferToMounted = invert(mountedToFramebuffer(geometry));
  const { activeArea, pixelsPerMillimetre } = geometry;
  const mountedToWall: Affine = { a: 1 / pixelsPerMillimetre.x, b: 0, c: 0, d: 1 / pixelsPerMillimetre.y, tx: activeArea.x, ty: activeArea.y };
  const wallToWindow: Affine = { a: fit.scale, b: 0, c: 0, d: fit.scale, tx: fit.offsetX, ty: fit.offsetY };
  return compose(wallToWindow, compose(mountedToWall, compose(framebufferToMounted, unscale)));
}
