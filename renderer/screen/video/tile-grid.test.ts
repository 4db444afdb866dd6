// Camera tiles on a grid (the layout's or the smallest near-square one) and the part of a picture that covers a tile.
import { describe, expect, it } from 'vitest';
import { coverCrop, gridFor, overlaps, tileRects } from './tile-grid.ts';

describe('gridFor', () => {
  it('takes the layout’s grid as given', () => {
    expect(gridFor(9, { rows: 3, columns: 3 })).toEqual({ rows: 3, columns: 3 });
    expect(gridFor(2, { rows: 2, columns: 1 })).toEqual({ rows: 2, columns: 1 });
  });

  it('otherwise makes the smallest near-square grid, wider than tall', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 9, 10, 16].map((count) => gridFor(count))).toEqual([
      { rows: 1, columns: 1 },
      { rows: 1, columns: 2 },
      { rows: 2, columns: 2 },
      { rows: 2, columns: 2 },
      { rows: 2, columns: 3 },
      { rows: 2, columns: 3 },
      { rows: 3, columns: 3 },
      { rows: 3, columns: 3 },
      { rows: 3, columns: 4 },
      { rows: 4, columns: 4 },
    ]);
  });
});

describe('tileRects', () => {
  it('fills the area row by row with gaps between tiles', () => {
    const rects = tileRects({ x: 10, y: 20, width: 320, height: 190 }, 3, { rows: 2, columns: 2 }, 10);
    expect(rects).toEqual([
      { x: 10, y: 20, width: 155, height: 90 },
      { x: 175, y: 20, width: 155, height: 90 },
      { x: 10, y: 120, width: 155, height: 90 },
    ]);
  });

  it('shows as many cameras as the grid holds', () => {
    expect(tileRects({ x: 0, y: 0, width: 100, height: 100 }, 5, { rows: 1, columns: 2 }, 0)).toHaveLength(2);
  });
});

describe('coverCrop', () => {
  it('cuts the sides of a wide picture for a square tile, centred', () => {
    expect(coverCrop(1280, 720, 100, 100)).toEqual({ x: 280, y: 0, width: 720, height: 720 });
  });

  it('cuts top and bottom of a 4:3 picture for a 16:9 tile', () => {
    const crop = coverCrop(640, 480, 160, 90);
    expect(crop.x).toBe(0);
    expect(crop.width).toBe(640);
    expect(crop.height).toBeCloseTo(360, 9);
    expect(crop.y).toBeCloseTo(60, 9);
  });

  it('keeps the whole picture when the aspects match', () => {
    expect(coverCrop(1920, 1080, 320, 180)).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
  });
});

describe('overlaps', () => {
  it('needs shared area, not a shared edge', () => {
    const tile = { x: 0, y: 0, width: 100, height: 50 };
    expect(overlaps(tile, { x: 99, y: 0, width: 100, height: 50 })).toBe(true);
    expect(overlaps(tile, { x: 100, y: 0, width: 100, height: 50 })).toBe(false);
  });
});
