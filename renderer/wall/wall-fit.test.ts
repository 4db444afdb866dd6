// The preview must show the wall as seen from the front: fitted to the window, every panel point at its wall place, portrait screens upright.
import { beforeAll, describe, expect, it } from 'vitest';
import { sliceOf, type Rect } from '../../common/wall/geometry.ts';
import type * as SliceTransformModule from '../screen/slice-transform.ts';
import type * as WallFitModule from './wall-fit.ts';
import { rotatedScreen } from '../screen/rotated-screen.fixture.ts';

let transforms: typeof SliceTransformModule;
let fitting: typeof WallFitModule;

beforeAll(async () => {
  // pixi.js sniffs navigator.userAgent when it loads; Node 20 has no navigator. Nothing else of the DOM is needed.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  transforms = await import('../screen/slice-transform.ts');
  fitting = await import('./wall-fit.ts');
});

const screen = rotatedScreen;

const apply = ({ a, b, c, d, tx, ty }: { a: number; b: number; c: number; d: number; tx: number; ty: number }, point: { x: number; y: number }) => ({
  x: a * point.x + c * point.y + tx,
  y: b * point.x + d * point.y + ty,
});

describe('fitWall', () => {
  const margins = { top: 30, right: 10, bottom: 10, left: 10 };

  it('fits a wide wall to the window width and centres it vertically, aspect kept', () => {
    const bounds = { x: 0, y: 0, width: 7000, height: 2000 };
    const fit = fitting.fitWall(bounds, { width: 1600, height: 900 }, margins);
    const placed = fitting.wallRectToWindow(bounds, fit);
    expect(placed.x).toBeCloseTo(10, 9);
    expect(placed.x + placed.width).toBeCloseTo(1590, 9);
    expect(placed.width / placed.height).toBeCloseTo(3.5, 9);
    // Centred in the space between the margins (30 .. 890).
    expect(placed.y - 30).toBeCloseTo(890 - (placed.y + placed.height), 9);
  });

  it('fits a tall wall to the window height and centres it horizontally', () => {
    const bounds = { x: 0, y: 0, width: 1000, height: 2000 };
    const fit = fitting.fitWall(bounds, { width: 1600, height: 900 }, margins);
    const placed = fitting.wallRectToWindow(bounds, fit);
    expect(placed.y).toBeCloseTo(30, 9);
    expect(placed.y + placed.height).toBeCloseTo(890, 9);
    expect(placed.x - 10).toBeCloseTo(1590 - (placed.x + placed.width), 9);
  });

  it('honours a wall whose bounds do not start at the origin (offsets, negative positions)', () => {
    const bounds = { x: -250, y: 120, width: 3200, height: 1300 };
    const fit = fitting.fitWall(bounds, { width: 800, height: 600 }, margins);
    const placed = fitting.wallRectToWindow(bounds, fit);
    expect(Math.min(placed.x - 10, placed.y - 30)).toBeCloseTo(0, 9);
    expect(placed.x).toBeGreaterThanOrEqual(10 - 1e-9);
    expect(placed.x + placed.width).toBeLessThanOrEqual(790 + 1e-9);
    expect(placed.y + placed.height).toBeLessThanOrEqual(590 + 1e-9);
  });

  it('never gives an infinite or negative scale for a degenerate wall or a window smaller than its margins', () => {
    const empty = fitting.fitWall({ x: 0, y: 0, width: 0, height: 0 }, { width: 400, height: 300 }, margins);
    expect(Number.isFinite(empty.scale)).toBe(true);
    const cramped = fitting.fitWall({ x: 0, y: 0, width: 1000, height: 500 }, { width: 5, height: 5 }, margins);
    expect(cramped.scale).toBeGreaterThan(0);
  });
});

describe('marginsFor', () => {
  it('keeps room for the caption on top and a few percent elsewhere', () => {
    expect(fitting.marginsFor({ width: 1600, height: 900 })).toEqual({ top: 28, right: 27, bottom: 27, left: 27 });
    expect(fitting.marginsFor({ width: 200, height: 100 }).left).toBe(8);
  });
});

describe('framebufferToWindow', () => {
  const bounds: Rect = { x: 0, y: 0, width: 3200, height: 2000 };
  const fit = { scale: 0.4, offsetX: 12, offsetY: 30 };
  const panels: Rect[] = [
    { x: 1100, y: 600, width: 400, height: 300 },
    { x: 700, y: 900, width: 800, height: 250 },
    { x: 0, y: 0, width: bounds.width, height: bounds.height },
  ];

  for (const rotation of [0, 90, 180, 270] as const) {
    describe(`rotation ${rotation}`, () => {
      const geometry = screen(rotation);

      it('puts every panel point the compositor draws at its wall place in the window (as seen from the front)', () => {
        const scale = fitting.framebufferScaleFor(geometry, fit);
        const toWindow = fitting.framebufferToWindow(geometry, fit, scale);
        for (const panel of panels) {
          const slice = sliceOf(panel, geometry)!;
          // What the screen's compositor does at this scale: panel mm → (turned) framebuffer px × scale.
          const drawn = transforms.sliceAffine(slice, geometry, scale);
          for (const [u, v] of [[0, 0], [0.25, 0.5], [1, 1], [0.9, 0.1]] as const) {
            const panelPoint = { x: slice.source.x + u * slice.source.width, y: slice.source.y + v * slice.source.height };
            const actual = apply(toWindow, apply(drawn, panelPoint));
            expect(actual.x).toBeCloseTo((panel.x + panelPoint.x) * fit.scale + fit.offsetX, 6);
            expect(actual.y).toBeCloseTo((panel.y + panelPoint.y) * fit.scale + fit.offsetY, 6);
          }
        }
      });

      it("lands the framebuffer's corners on the active area's corners", () => {
        const scale = fitting.framebufferScaleFor(geometry, fit);
        const toWindow = fitting.framebufferToWindow(geometry, fit, scale);
        const { width, height } = geometry.framebuffer;
        const points = [
          { x: 0, y: 0 },
          { x: width * scale, y: 0 },
          { x: 0, y: height * scale },
          { x: width * scale, y: height * scale },
        ].map((point) => apply(toWindow, point));
        const area = fitting.wallRectToWindow(geometry.activeArea, fit);
        const xs = points.map((point) => point.x);
        const ys = points.map((point) => point.y);
        expect(Math.min(...xs)).toBeCloseTo(area.x, 6);
        expect(Math.max(...xs)).toBeCloseTo(area.x + area.width, 6);
        expect(Math.min(...ys)).toBeCloseTo(area.y, 6);
        expect(Math.max(...ys)).toBeCloseTo(area.y + area.height, 6);
      });
    });
  }

  it('turns a portrait screen (rotation 90) upright: the mounted top edge is on top in the preview', () => {
    const geometry = screen(90);
    const scale = fitting.framebufferScaleFor(geometry, fit);
    const toWindow = fitting.framebufferToWindow(geometry, fit, scale);
    // Turned 90°, mounted (x, y) is framebuffer (y, width − x): the mounted top-left pixel is the framebuffer's top-right.
    const mountedTopLeft = apply(toWindow, { x: 0, y: geometry.resolution.width * scale });
    const mountedTopRight = apply(toWindow, { x: 0, y: 0 });
    const area = fitting.wallRectToWindow(geometry.activeArea, fit);
    expect(mountedTopLeft.x).toBeCloseTo(area.x, 6);
    expect(mountedTopLeft.y).toBeCloseTo(area.y, 6);
    expect(mountedTopRight.x).toBeCloseTo(area.x + area.width, 6);
    expect(mountedTopRight.y).toBeCloseTo(area.y, 6);
  });

  it('draws text no coarser than shown: the compositor scale follows the finer pixel axis', () => {
    const squeezed = { ...screen(0), pixelsPerMillimetre: { x: 1.5, y: 2 } };
    expect(fitting.framebufferScaleFor(squeezed, fit)).toBeCloseTo(fit.scale / 1.5, 12);
  });
});

describe('invert', () => {
  it('undoes an affine map', () => {
    const map = { a: 0.3, b: -1.2, c: 2, d: 0.5, tx: 17, ty: -4 };
    const back = fitting.invert(map);
    for (const point of [{ x: 0, y: 0 }, { x: 3, y: -7 }, { x: 1920, y: 1080 }]) {
      const there = apply(map, point);
      const again = apply(back, there);
      expect(again.x).toBeCloseTo(point.x, 9);
      expect(again.y).toBeCloseTo(point.y, 9);
    }
  });

  it('refuses a singular map', () => {
    expect(() => fitting.invert({ a: 1, b: 2, c: 2, d: 4, tx: 0, ty: 0 })).toThrow();
  });
});
