// Where a panel's millimetres land in the window: panel mm → mounted pixels → framebuffer pixels (rotation) → window pixels.
import { Matrix } from 'pixi.js';
import { fromFramebufferPoint, type Rect, type ScreenGeometry, type Slice } from '../../common/wall/geometry.ts';

/** An affine map x' = a·x + c·y + tx, y' = b·x + d·y + ty (pixi's Matrix layout). */
export interface Affine {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly tx: number;
  readonly ty: number;
}

type Mounting = Pick<ScreenGeometry, 'resolution' | 'rotation'>;

/** `outer` after `inner`: the map that applies `inner` first. */
export function compose(outer: Affine, inner: Affine): Affine {
  return {
    a: outer.a * inner.a + outer.c * inner.b,
    b: outer.b * inner.a + outer.d * inner.b,
    c: outer.a * inner.c + outer.c * inner.d,
    d: outer.b * inner.c + outer.d * inner.d,
    tx: outer.a * inner.tx + outer.c * inner.ty + outer.tx,
    ty: outer.b * inner.tx + outer.d * inner.ty + outer.ty,
  };
}

/**
 * Mounted pixels (as seen from the front) to framebuffer pixels: the point form of `toFramebuffer`
 * in common/wall/geometry.ts. Turned 90°, mounted (x, y) is framebuffer (y, width − x).
 */
export function mountedToFramebuffer(screen: Mounting): Affine {
  const { width, height } = screen.resolution;
  switch (screen.rotation) {
    case 0:
      return { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 };
    case 90:
      return { a: 0, b: -1, c: 1, d: 0, tx: 0, ty: width };
    case 180:
      return { a: -1, b: 0, c: 0, d: -1, tx: width, ty: height };
    case 270:
      return { a: 0, b: 1, c: -1, d: 0, tx: height, ty: 0 };
  }
}

/** Mounted pixels to window pixels, with the framebuffer drawn at `scale` from the window origin (slates and badges use it to stay upright). */
export function mountedTransform(screen: Mounting, scale: number): Affine {
  return compose({ a: scale, b: 0, c: 0, d: scale, tx: 0, ty: 0 }, mountedToFramebuffer(screen));
}

/** The slice's destination (framebuffer pixels) as the mounted-pixel rectangle it came from. */
export function mountedRect(destination: Rect, screen: Mounting): Rect {
  const first = fromFramebufferPoint({ x: destination.x, y: destination.y }, screen);
  const second = fromFramebufferPoint({ x: destination.x + destination.width, y: destination.y + destination.height }, screen);
  const x = Math.min(first.x, second.x);
  const y = Math.min(first.y, second.y);
  return { x, y, width: Math.abs(second.x - first.x), height: Math.abs(second.y - first.y) };
}

/** Panel millimetres to window pixels for one slice: its `source` rectangle lands exactly on its `destination` × `scale`. */
export function sliceAffine(slice: Pick<Slice, 'source' | 'destination'>, screen: Mounting, scale: number): Affine {
  const mounted = mountedRect(slice.destination, screen);
  const scaleX = mounted.width / slice.source.width;
  const scaleY = mounted.height / slice.source.height;
  const panelToMounted: Affine = {
    a: scaleX,
    b: 0,
    c: 0,
    d: scaleY,
    tx: mounted.x - slice.source.x * scaleX,
    ty: mounted.y - slice.source.y * scaleY,
  };
  return compose(mountedTransform(screen, scale), panelToMounted);
}

/** The same as `sliceAffine`, as the pixi Matrix a slice's container takes. */
export function sliceTransform(slice: Pick<Slice, 'source' | 'destination'>, screen: Mounting, scale: number): Matrix {
  const { a, b, c, d, tx, ty } = sliceAffine(slice, screen, scale);
  return new Matrix(a, b, c, d, tx, ty);
}

export function toMatrix({ a, b, c, d, tx, ty }: Affine): Matrix {
  return new Matrix(a, b, c, d, tx, ty);
}
