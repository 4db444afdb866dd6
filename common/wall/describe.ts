// The description of a wall that `ioc-wall describe --json` prints and the server serves as /api/wall.
import { planWall, type WallPlan } from './geometry.ts';
import type { WallLayout } from './schema.ts';

export interface WallDescription {
  readonly wall: WallLayout['wall'];
  readonly screens: WallLayout['screens'];
  readonly fields: WallLayout['fields'];
  readonly series: WallLayout['series'];
  readonly panels: WallLayout['panels'];
  readonly scenes: WallLayout['scenes'];
  readonly plan: WallPlan;
}

export function describeWall(layout: WallLayout): WallDescription {
  const { wall, screens, fields, series, panels, scenes } = layout;
  return { wall, screens, fields, series, panels, scenes, plan: planWall(layout) };
}
