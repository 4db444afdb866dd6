// The console's screen tiles sit where the screens hang on the wall.
import { describe, expect, it } from 'vitest';
import { parseLayout, planWall } from '../../common/wall/index.ts';
import irregularLab from '../../wall-layouts/irregular-lab.yaml?raw';
import reference from '../../wall-layouts/ioc-province.yaml?raw';
import { arrangeScreens } from './wall-arrangement.ts';

function planOf(source: string) {
  const { layout, problems } = parseLayout(source);
  expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  return planWall(layout!);
}

describe('arrangeScreens', () => {
  it('lays the reference wall out as its 3 x 6 grid', () => {
    const arrangement = arrangeScreens(planOf(reference).screens);
    expect(arrangement.kind).toBe('grid');
    if (arrangement.kind !== 'grid') return;
    expect([arrangement.rows, arrangement.columns]).toEqual([3, 6]);
    expect(arrangement.places.get('S01')).toEqual({ row: 1, column: 1 });
    expect(arrangement.places.get('S18')).toEqual({ row: 3, column: 6 });
  });

  it('places an irregular wall by millimetres, inside the picture, keeping a portrait screen portrait', () => {
    const arrangement = arrangeScreens(planOf(irregularLab).screens);
    expect(arrangement.kind).toBe('free');
    if (arrangement.kind !== 'free') return;
    for (const place of arrangement.places.values()) {
      expect(place.left).toBeGreaterThanOrEqual(0);
      expect(place.top).toBeGreaterThanOrEqual(0);
      expect(place.left + place.width).toBeLessThanOrEqual(100.0001);
      expect(place.top + place.height).toBeLessThanOrEqual(100.0001);
    }
    const portrait = arrangement.places.get('L4')!;
    expect((portrait.height / 100) * 1 > (portrait.width / 100) * arrangement.aspectRatio).toBe(true);
  });

  it('falls back to millimetres when two screens claim one cell', () => {
    const outer = { x: 0, y: 0, width: 100, height: 50 };
    const arrangement = arrangeScreens([
      { id: 'A', cell: { row: 1, column: 1 }, outer },
      { id: 'B', cell: { row: 1, column: 1 }, outer: { ...outer, x: 100 } },
    ]);
    expect(arrangement.kind).toBe('free');
  });
});
