// A panel's millimetres must land where the wall geometry (toFramebuffer) says, on every rotation, so lines stay straight across bezels.
import { beforeAll, describe, expect, it } from 'vitest';
import { screenGeometry, sliceOf, toFramebuffer, type Rect, type ScreenGeometry } from '../../common/wall/geometry.ts';
import { ScreenSchema } from '../../common/wall/schema.ts';
import type * as SliceTransformModule from './slice-transform.ts';
import { fixtureWall as wall, rotatedScreen } from './rotated-screen.fixture.ts';

let module: typeof SliceTransformModule;

beforeAll(async () => {
  // pixi.js sniffs navigator.userAgent when it loads; Node 20 has no navigator. Nothing else of the DOM is needed.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  module = await import('./slice-transform.ts');
});

const screen = rotatedScreen;

/** Where a wall-millimetre point lands in framebuffer pixels according to the geometry module: through toFramebuffer. */
function expectedFramebufferPoint(wallPoint: { x: number; y: number }, geometry: ScreenGeometry): { x: number; y: number } {
  const mounted = {
    x: (wallPoint.x - geometry.activeArea.x) * geometry.pixelsPerMillimetre.x,
    y: (wallPoint.y - geometry.activeArea.y) * geometry.pixelsPerMillimetre.y,
  };
  // A tiny rectangle around the point; its centre is where the point goes.
  const epsilon = 0.25;
  const turned = toFramebuffer({ x: mounted.x - epsilon, y: mounted.y - epsilon, width: 2 * epsilon, height: 2 * epsilon }, geometry);
  return { x: turned.x + turned.width / 2, y: turned.y + turned.height / 2 };
}

const corners = (rect: Rect) => [
  { x: rect.x, y: rect.y },
  { x: rect.x + rect.width, y: rect.y },
  { x: rect.x, y: rect.y + rect.height },
  { x: rect.x + rect.width, y: rect.y + rect.height },
];

describe('sliceTransform', () => {
  // Panels that the screen shows whole, cut on one side, and cut on all sides (a panel larger than the screen).
  const panels: Rect[] = [
    { x: 1100, y: 600, width: 400, height: 300 },
    { x: 700, y: 900, width: 800, height: 250 },
    { x: 0, y: 0, width: 4000, height: 3000 },
  ];

  for (const rotation of [0, 90, 180, 270] as const) {
    describe(`rotation ${rotation}`, () => {
      const geometry = screen(rotation);

      it('maps every panel point where toFramebuffer puts it, times the window scale', () => {
        for (const panel of panels) {
          const slice = sliceOf(panel, geometry)!;
          expect(slice).toBeDefined();
          for (const scale of [1, 0.5, 0.2]) {
            const matrix = module.sliceTransform(slice, geometry, scale);
            for (const [u, v] of [[0.1, 0.2], [0.5, 0.5], [0.9, 0.75], [0, 0], [1, 1]] as const) {
              const panelPoint = { x: slice.source.x + u * slice.source.width, y: slice.source.y + v * slice.source.height };
              const wallPoint = { x: panel.x + panelPoint.x, y: panel.y + panelPoint.y };
              const expected = expectedFramebufferPoint(wallPoint, geometry);
              const actual = matrix.apply(panelPoint);
              expect(actual.x).toBeCloseTo(expected.x * scale, 6);
              expect(actual.y).toBeCloseTo(expected.y * scale, 6);
            }
          }
        }
      });

      it("lands the slice's source rectangle exactly on its destination", () => {
        for (const panel of panels) {
          const slice = sliceOf(panel, geometry)!;
          const matrix = module.sliceTransform(slice, geometry, 0.5);
          const points = corners(slice.source).map((point) => matrix.apply(point));
          const xs = points.map((point) => point.x);
          const ys = points.map((point) => point.y);
          expect(Math.min(...xs)).toBeCloseTo(slice.destination.x * 0.5, 6);
          expect(Math.min(...ys)).toBeCloseTo(slice.destination.y * 0.5, 6);
          expect(Math.max(...xs)).toBeCloseTo((slice.destination.x + slice.destination.width) * 0.5, 6);
          expect(Math.max(...ys)).toBeCloseTo((slice.destination.y + slice.destination.height) * 0.5, 6);
        }
      });

      it('keeps "up" on the mounted screen up for the viewer: panel top edge is the mounted top edge', () => {
        // The panel's top-left and top-right corners, mapped and turned back to mounted pixels, keep their order.
        const slice = sliceOf(panels[0]!, geometry)!;
        const toMounted = module.mountedTransform(geometry, 1);
        const matrix = module.sliceTransform(slice, geometry, 1);
        const invert = (point: { x: number; y: number }) => {
          const { a, b, c, d, tx, ty } = toMounted;
          const determinant = a * d - b * c;
          const x = point.x - tx;
          const y = point.y - ty;
          return { x: (d * x - c * y) / determinant, y: (a * y - b * x) / determinant };
        };
        const topLeft = invert(matrix.apply({ x: slice.source.x, y: slice.source.y }));
        const topRight = invert(matrix.apply({ x: slice.source.x + slice.source.width, y: slice.source.y }));
        const bottomLeft = invert(matrix.apply({ x: slice.source.x, y: slice.source.y + slice.source.height }));
        expect(topRight.x).toBeGreaterThan(topLeft.x);
        expect(topRight.y).toBeCloseTo(topLeft.y, 6);
        expect(bottomLeft.y).toBeGreaterThan(topLeft.y);
      });
    });
  }

  it('keeps a straight line straight across two neighbouring screens and their bezels', () => {
    // Two landscape screens side by side with a 3.5 mm seam; a diagonal drawn in panel mm on both.
    const left = screen(0);
    const right = screenGeometry(wall, ScreenSchema.parse({ id: 'B', x: 1000 + left.outer.width, y: 500, activeArea: { width: 1209.6, height: 680.4 }, bezel: { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 }, resolution: { width: 1920, height: 1080 } }));
    const panel = { x: 1500, y: 600, width: 1500, height: 400 };
    const line = (t: number) => ({ x: t, y: 0.2 * t }); // panel mm
    for (const geometry of [left, right]) {
      const slice = sliceOf(panel, geometry)!;
      const matrix = module.sliceTransform(slice, geometry, 1);
      for (const t of [slice.source.x, slice.source.x + slice.source.width / 2, slice.source.x + slice.source.width]) {
        const point = line(t);
        const expected = expectedFramebufferPoint({ x: panel.x + point.x, y: panel.y + point.y }, geometry);
        const actual = matrix.apply(point);
        expect(actual.x).toBeCloseTo(expected.x, 6);
        expect(actual.y).toBeCloseTo(expected.y, 6);
      }
    }
  });
});
