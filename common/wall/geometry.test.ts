// Wall geometry: screen placement, rotation, per-screen slices, and properties over random walls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  area,
  bottom,
  fromFramebufferPoint,
  hiddenParts,
  intersection,
  parseLayout,
  planWall,
  right,
  screenGeometry,
  sliceOf,
  toFramebuffer,
  type Rect,
  type Rotation,
  type ScreenGeometry,
  type WallLayout,
} from './index.ts';

const FULL_HD = { width: 1920, height: 1080 };
const AREA_55 = { width: 1209.6, height: 680.4 };
const BEZEL = { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 };

function gridWall(): WallLayout {
  const screens = [1, 2].flatMap((row) =>
    [1, 2].map((column) => ({ id: `S${row}${column}`, row, column, activeArea: AREA_55, bezel: BEZEL, resolution: FULL_HD })),
  );
  const yaml = JSON.stringify({
    format: 'ioc-wall/layout@1',
    wall: { id: 'lab', name: { vi: 'Thử', en: 'Lab' }, grid: { rows: 2, columns: 2, pitch: { x: 1213.1, y: 683.9 } }, defaultScene: 'map' },
    screens,
    regions: [{ id: 'all', screens: screens.map((screen) => screen.id) }],
    panels: [{ id: 'pattern', type: 'pattern' }],
    scenes: [{ id: 'map', name: { vi: 'Bản đồ', en: 'Map' }, placements: [{ panel: 'pattern', rect: { region: 'all' } }] }],
  });
  const { layout, problems } = parseLayout(yaml);
  expect(problems).toEqual([]);
  return layout!;
}

describe('screens in wall millimetres', () => {
  it('places a grid cell at its pitch and applies the offset', () => {
    const layout = gridWall();
    const screen = screenGeometry(layout, { ...layout.screens[3]!, offset: { x: 0.4, y: -0.2 } });
    expect(screen.outer).toEqual({ x: 1213.1 + 0.4, y: 683.9 - 0.2, width: 1213.1, height: 683.9 });
    expect(screen.activeArea.x).toBeCloseTo(1213.1 + 0.4 + 1.75, 9);
    expect(screen.pixelsPerMillimetre.x).toBeCloseTo(1920 / 1209.6, 12);
  });

  it('turns the framebuffer of a portrait screen', () => {
    const layout = gridWall();
    const portrait = screenGeometry(layout, {
      ...layout.screens[0]!,
      activeArea: { width: 680.4, height: 1209.6 },
      resolution: { width: 1080, height: 1920 },
      rotation: 90,
    });
    expect(portrait.framebuffer).toEqual({ width: 1920, height: 1080 });
  });

  it('maps mounted pixels to the framebuffer and back for every rotation', () => {
    const screenOf = (rotation: Rotation) => ({ resolution: { width: 1080, height: 1920 }, rotation });
    // A panel turned 90° clockwise scans its mounted top-left pixel out at framebuffer (0, 1079); turned 270°, at (1919, 0).
    expect(toFramebuffer({ x: 0, y: 0, width: 1, height: 1 }, screenOf(90))).toEqual({ x: 0, y: 1079, width: 1, height: 1 });
    expect(toFramebuffer({ x: 0, y: 0, width: 1, height: 1 }, screenOf(270))).toEqual({ x: 1919, y: 0, width: 1, height: 1 });
    fc.assert(
      fc.property(
        fc.constantFrom<Rotation>(0, 90, 180, 270),
        fc.integer({ min: 0, max: 1079 }),
        fc.integer({ min: 0, max: 1919 }),
        (rotation, x, y) => {
          const screen = screenOf(rotation);
          const pixel = toFramebuffer({ x, y, width: 1, height: 1 }, screen);
          const back = fromFramebufferPoint({ x: pixel.x + 0.5, y: pixel.y + 0.5 }, screen);
          expect(back.x).toBeCloseTo(x + 0.5, 9);
          expect(back.y).toBeCloseTo(y + 0.5, 9);
        },
      ),
    );
  });
});

describe('slices of a panel that spans screens', () => {
  it('skips what the bezels hide, so the panel keeps its physical size', () => {
    const plan = planWall(gridWall());
    const slices = plan.scenes[0]!.screens;
    expect(slices.S11).toEqual([
      { panel: 'pattern', layer: 0, source: { x: 0, y: 0, width: 1209.6, height: 680.4 }, destination: { x: 0, y: 0, ...FULL_HD } },
    ]);
    const neighbour = slices.S12![0]!;
    // The right-hand screen starts 3.5 mm (two bezels) further along the panel, not where the left one stopped.
    expect(neighbour.source.x).toBeCloseTo(1209.6 + 3.5, 9);
    expect(neighbour.destination).toEqual({ x: 0, y: 0, ...FULL_HD });
    expect(slices.S22![0]!.source.y).toBeCloseTo(680.4 + 3.5, 9);
  });

  it('snaps to whole pixels and keeps source and destination at the screen pixel pitch', () => {
    const layout = gridWall();
    const screen = screenGeometry(layout, layout.screens[0]!);
    const slice = sliceOf({ x: 100.3, y: 50.77, width: 333.333, height: 100.01 }, screen)!;
    for (const value of Object.values(slice.destination)) expect(Number.isInteger(value)).toBe(true);
    expect(slice.destination.width / slice.source.width).toBeCloseTo(screen.pixelsPerMillimetre.x, 9);
    expect(slice.destination.height / slice.source.height).toBeCloseTo(screen.pixelsPerMillimetre.y, 9);
  });

  it('lists the hidden parts: the bezel cross of a 2 x 2 region', () => {
    const plan = planWall(gridWall());
    const panel = plan.scenes[0]!.placements[0]!.rect;
    const visible = plan.screens.map((screen) => intersection(panel, screen.activeArea)!);
    const hidden = hiddenParts(panel, visible);
    const hiddenArea = hidden.reduce((sum, part) => sum + area(part), 0);
    expect(hiddenArea).toBeCloseTo(3.5 * panel.height + 3.5 * panel.width - 3.5 * 3.5, 6);
  });
});

// ---- properties over random walls ------------------------------------------------------------

interface RandomScreen {
  width: number;
  height: number;
  bezel: number;
  density: number;
  rotation: Rotation;
}

const randomScreen = fc.record({
  width: fc.double({ min: 200, max: 1600, noNaN: true }),
  height: fc.double({ min: 200, max: 1600, noNaN: true }),
  bezel: fc.double({ min: 0, max: 40, noNaN: true }),
  density: fc.double({ min: 0.8, max: 4, noNaN: true }),
  rotation: fc.constantFrom<Rotation>(0, 90, 180, 270),
});

/** Screens in rows and columns with random sizes and gaps, never overlapping. */
const randomWall = fc
  .record({
    columns: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 1, max: 3 }),
    gap: fc.double({ min: 0, max: 60, noNaN: true }),
  })
  .chain(({ columns, rows, gap }) =>
    fc.array(randomScreen, { minLength: columns * rows, maxLength: columns * rows }).map((cells) => {
      const outerWidth = (cell: RandomScreen) => cell.width + 2 * cell.bezel;
      const outerHeight = (cell: RandomScreen) => cell.height + 2 * cell.bezel;
      const columnWidths = Array.from({ length: columns }, (_, column) =>
        Math.max(...Array.from({ length: rows }, (_, row) => outerWidth(cells[row * columns + column]!))),
      );
      const rowHeights = Array.from({ length: rows }, (_, row) => Math.max(...cells.slice(row * columns, (row + 1) * columns).map(outerHeight)));
      return cells.map((cell, index): ScreenGeometry => {
        const row = Math.floor(index / columns);
        const column = index % columns;
        const x = columnWidths.slice(0, column).reduce((sum, width) => sum + width + gap, 0);
        const y = rowHeights.slice(0, row).reduce((sum, height) => sum + height + gap, 0);
        const resolution = { width: Math.max(1, Math.round(cell.width * cell.density)), height: Math.max(1, Math.round(cell.height * cell.density)) };
        return screenGeometry(
          { wall: { id: 'w', name: { vi: 'w', en: 'w' }, timezone: 'Asia/Ho_Chi_Minh', languages: ['vi'], defaultScene: 's' } },
          {
            id: `S${index}`,
            x,
            y,
            activeArea: { width: cell.width, height: cell.height },
            bezel: { top: cell.bezel, right: cell.bezel, bottom: cell.bezel, left: cell.bezel },
            resolution,
            rotation: cell.rotation,
            offset: { x: 0, y: 0 },
          },
        );
      });
    }),
  );

const wallAndPanel = randomWall.chain((screens) => {
  const width = Math.max(...screens.map((screen) => right(screen.outer)));
  const height = Math.max(...screens.map((screen) => bottom(screen.outer)));
  return fc
    .record({
      x: fc.double({ min: 0, max: 0.9, noNaN: true }),
      y: fc.double({ min: 0, max: 0.9, noNaN: true }),
      width: fc.double({ min: 0.05, max: 1, noNaN: true }),
      height: fc.double({ min: 0.05, max: 1, noNaN: true }),
    })
    .map((fraction): [ScreenGeometry[], Rect] => {
      const x = fraction.x * width;
      const y = fraction.y * height;
      return [screens, { x, y, width: Math.min(fraction.width * width, width - x), height: Math.min(fraction.height * height, height - y) }];
    });
});

/** Where a panel-space point lands on a screen: framebuffer coordinates, through the slice as a renderer draws it. */
function drawPoint(point: { x: number; y: number }, slice: { source: Rect; destination: Rect }, screen: ScreenGeometry) {
  const quarterTurn = screen.rotation === 90 || screen.rotation === 270;
  const mountedWidth = quarterTurn ? slice.destination.height : slice.destination.width;
  const mountedHeight = quarterTurn ? slice.destination.width : slice.destination.height;
  // The mounted destination: undo the rotation of its corner, then scale the source into it.
  const corners = [
    fromFramebufferPoint({ x: slice.destination.x, y: slice.destination.y }, screen),
    fromFramebufferPoint({ x: right(slice.destination), y: bottom(slice.destination) }, screen),
  ];
  const mountedX = Math.min(corners[0]!.x, corners[1]!.x);
  const mountedY = Math.min(corners[0]!.y, corners[1]!.y);
  const mounted = {
    x: mountedX + ((point.x - slice.source.x) / slice.source.width) * mountedWidth,
    y: mountedY + ((point.y - slice.source.y) / slice.source.height) * mountedHeight,
  };
  return mounted;
}

describe('properties over random walls and panels', () => {
  it("a panel's slices and its hidden parts cover it exactly once, within half a pixel", () => {
    fc.assert(
      fc.property(wallAndPanel, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 40, maxLength: 40 }), ([screens, panel], samples) => {
        const slices = screens.flatMap((screen) => {
          const slice = sliceOf(panel, screen);
          return slice ? [{ screen, ...slice }] : [];
        });
        // Areas: every slice matches what its screen shows of the panel, to half a pixel along its edges.
        for (const { screen, source } of slices) {
          const visible = intersection(panel, screen.activeArea)!;
          const halfPixel = 0.5 / Math.min(screen.pixelsPerMillimetre.x, screen.pixelsPerMillimetre.y);
          expect(Math.abs(area(source) - area(visible))).toBeLessThanOrEqual(2 * (visible.width + visible.height) * halfPixel + 1e-6);
        }
        // What the screens show plus what is hidden is the whole panel (a sliver thinner than half a pixel has no slice).
        const visible = screens.flatMap((screen) => intersection(panel, screen.activeArea) ?? []);
        const hidden = hiddenParts(panel, visible);
        const total = [...visible, ...hidden].reduce((sum, part) => sum + area(part), 0);
        expect(Math.abs(total - area(panel))).toBeLessThanOrEqual(1e-9 * area(panel));

        // Points: each is drawn by exactly one slice if a screen shows it, by none if it is hidden.
        for (const [u, v] of samples) {
          const point = { x: u * panel.width, y: v * panel.height };
          const wallPoint = { x: panel.x + point.x, y: panel.y + point.y };
          const drawnBy = slices.filter(({ source }) => point.x >= source.x && point.x < right(source) && point.y >= source.y && point.y < bottom(source));
          const inside = screens.filter(({ activeArea: a }) => wallPoint.x > a.x && wallPoint.x < right(a) && wallPoint.y > a.y && wallPoint.y < bottom(a));
          // Panel and screen edges move by up to half a pixel when snapped: points that close to one prove nothing.
          const margin = 0.5 / Math.min(...screens.map((screen) => Math.min(screen.pixelsPerMillimetre.x, screen.pixelsPerMillimetre.y))) + 1e-6;
          const verticalEdges = [panel.x, right(panel), ...screens.flatMap(({ activeArea: a }) => [a.x, right(a)])];
          const horizontalEdges = [panel.y, bottom(panel), ...screens.flatMap(({ activeArea: a }) => [a.y, bottom(a)])];
          const nearEdge =
            verticalEdges.some((edge) => Math.abs(wallPoint.x - edge) < margin) || horizontalEdges.some((edge) => Math.abs(wallPoint.y - edge) < margin);
          if (nearEdge) continue;
          expect(drawnBy.length).toBe(inside.length === 0 ? 0 : 1);
          if (inside.length === 1) expect(drawnBy[0]!.screen.id).toBe(inside[0]!.id);
          expect(hidden.some((part) => wallPoint.x >= part.x && wallPoint.x <= right(part) && wallPoint.y >= part.y && wallPoint.y <= bottom(part))).toBe(inside.length === 0);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it('a straight line across a spanning panel lands on collinear pixels on every screen it crosses', () => {
    const point = fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }), y: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(wallAndPanel, point, point, ([screens, panel], start, end) => {
        const from = { x: start.x * panel.width, y: start.y * panel.height };
        const to = { x: end.x * panel.width, y: end.y * panel.height };
        const length = Math.hypot(to.x - from.x, to.y - from.y);
        if (length < 1) return;
        for (const screen of screens) {
          const slice = sliceOf(panel, screen);
          if (!slice) continue;
          for (let step = 0; step <= 200; step++) {
            const t = step / 200;
            const onLine = { x: from.x + t * (to.x - from.x), y: from.y + t * (to.y - from.y) };
            if (onLine.x < slice.source.x || onLine.x >= right(slice.source) || onLine.y < slice.source.y || onLine.y >= bottom(slice.source)) continue;
            // The pixel the renderer lights for this point, back in wall millimetres through the screen's own geometry.
            const mounted = drawPoint(onLine, slice, screen);
            const pixelCentre = { x: Math.floor(mounted.x) + 0.5, y: Math.floor(mounted.y) + 0.5 };
            const wall = {
              x: screen.activeArea.x + pixelCentre.x / screen.pixelsPerMillimetre.x,
              y: screen.activeArea.y + pixelCentre.y / screen.pixelsPerMillimetre.y,
            };
            // Distance from the line through the panel, in wall millimetres.
            const a = { x: panel.x + from.x, y: panel.y + from.y };
            const distance = Math.abs((to.x - from.x) * (wall.y - a.y) - (to.y - from.y) * (wall.x - a.x)) / length;
            const halfDiagonal = Math.SQRT1_2 / Math.min(screen.pixelsPerMillimetre.x, screen.pixelsPerMillimetre.y);
            expect(distance).toBeLessThanOrEqual(halfDiagonal + 1e-6);
          }
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
  });
});
