// Wall geometry: screens and bezels in wall millimetres, placements as rectangles, and the per-screen pixel slices of each panel.
import type { PlacementRect, Screen, Scene, WallLayout } from './schema.ts';

/** An axis-aligned rectangle; millimetres or pixels depending on where it is used. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export type Rotation = Screen['rotation'];

export interface ScreenGeometry {
  readonly id: string;
  readonly label: string;
  /** Outer bezel rectangle in wall millimetres, offset applied. */
  readonly outer: Rect;
  /** Visible picture in wall millimetres, offset applied. */
  readonly activeArea: Rect;
  /** Pixels as mounted (seen from the front). */
  readonly resolution: Size;
  /** Pixels as the panel scans them out: the resolution turned by the rotation. */
  readonly framebuffer: Size;
  readonly rotation: Rotation;
  readonly pixelsPerMillimetre: { readonly x: number; readonly y: number };
  readonly cell?: { readonly row: number; readonly column: number };
}

/** One screen's part of one panel: a rectangle of panel space drawn into a rectangle of framebuffer pixels. */
export interface Slice {
  readonly panel: string;
  /** Drawing order on the screen: higher is on top. */
  readonly layer: number;
  /** Panel space, millimetres from the panel's top-left corner. */
  readonly source: Rect;
  /** Framebuffer pixels, whole numbers, rotation applied. */
  readonly destination: Rect;
}

export interface PlacedPanel {
  readonly panel: string;
  /** Wall millimetres. */
  readonly rect: Rect;
}

export interface ScenePlan {
  readonly id: string;
  readonly placements: readonly PlacedPanel[];
  /** For every screen (by id), the slices it draws, bottom first. */
  readonly screens: Readonly<Record<string, readonly Slice[]>>;
}

export interface WallPlan {
  /** Bounding box of every screen's outer bezel, wall millimetres. */
  readonly bounds: Rect;
  readonly screens: readonly ScreenGeometry[];
  readonly scenes: readonly ScenePlan[];
}

const EPSILON = 1e-6;

export const right = (rect: Rect): number => rect.x + rect.width;
export const bottom = (rect: Rect): number => rect.y + rect.height;
export const area = (rect: Rect): number => rect.width * rect.height;

export function intersection(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(right(a), right(b)) - x;
  const height = Math.min(bottom(a), bottom(b)) - y;
  return width > EPSILON && height > EPSILON ? { x, y, width, height } : undefined;
}

export function boundingBox(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  const x = Math.min(...rects.map((rect) => rect.x));
  const y = Math.min(...rects.map((rect) => rect.y));
  return { x, y, width: Math.max(...rects.map(right)) - x, height: Math.max(...rects.map(bottom)) - y };
}

/** Whether `inner` lies within `outer`, allowing `tolerance` on every side. */
export function contains(outer: Rect, inner: Rect, tolerance = EPSILON): boolean {
  return (
    inner.x >= outer.x - tolerance &&
    inner.y >= outer.y - tolerance &&
    right(inner) <= right(outer) + tolerance &&
    bottom(inner) <= bottom(outer) + tolerance
  );
}

/** Outer top-left corner of a screen before its offset: its grid cell, or its x/y. */
function screenOrigin(layout: Pick<WallLayout, 'wall'>, screen: Screen): { x: number; y: number } {
  const grid = layout.wall.grid;
  if (grid && screen.row !== undefined && screen.column !== undefined) {
    return { x: (screen.column - 1) * grid.pitch.x, y: (screen.row - 1) * grid.pitch.y };
  }
  return { x: screen.x ?? 0, y: screen.y ?? 0 };
}

export function screenGeometry(layout: Pick<WallLayout, 'wall'>, screen: Screen): ScreenGeometry {
  const origin = screenOrigin(layout, screen);
  const x = origin.x + screen.offset.x;
  const y = origin.y + screen.offset.y;
  const { bezel, activeArea, resolution, rotation } = screen;
  const quarterTurn = rotation === 90 || rotation === 270;
  return {
    id: screen.id,
    label: screen.label ?? screen.id,
    outer: {
      x,
      y,
      width: bezel.left + activeArea.width + bezel.right,
      height: bezel.top + activeArea.height + bezel.bottom,
    },
    activeArea: { x: x + bezel.left, y: y + bezel.top, width: activeArea.width, height: activeArea.height },
    resolution: { width: resolution.width, height: resolution.height },
    framebuffer: quarterTurn ? { width: resolution.height, height: resolution.width } : { ...resolution },
    rotation,
    pixelsPerMillimetre: { x: resolution.width / activeArea.width, y: resolution.height / activeArea.height },
    ...(screen.row !== undefined && screen.column !== undefined && layout.wall.grid
      ? { cell: { row: screen.row, column: screen.column } }
      : {}),
  };
}

/**
 * Maps a rectangle of mounted pixels to the framebuffer. A panel turned 90° clockwise when mounted
 * scans out its native top row down the right-hand side, so mounted (x, y) is framebuffer
 * (y, width - x); the other turns follow the same reasoning.
 */
export function toFramebuffer(rect: Rect, screen: Pick<ScreenGeometry, 'resolution' | 'rotation'>): Rect {
  const { width, height } = screen.resolution;
  switch (screen.rotation) {
    case 0:
      return rect;
    case 90:
      return { x: rect.y, y: width - right(rect), width: rect.height, height: rect.width };
    case 180:
      return { x: width - right(rect), y: height - bottom(rect), width: rect.width, height: rect.height };
    case 270:
      return { x: height - bottom(rect), y: rect.x, width: rect.height, height: rect.width };
  }
}

/** The inverse of toFramebuffer for a point: framebuffer pixel coordinates to mounted pixel coordinates. */
export function fromFramebufferPoint(
  point: { x: number; y: number },
  screen: Pick<ScreenGeometry, 'resolution' | 'rotation'>,
): { x: number; y: number } {
  const { width, height } = screen.resolution;
  switch (screen.rotation) {
    case 0:
      return point;
    case 90:
      return { x: width - point.y, y: point.x };
    case 180:
      return { x: width - point.x, y: height - point.y };
    case 270:
      return { x: point.y, y: height - point.x };
  }
}

/**
 * The part of a panel (placed at `panel` in wall mm) that a screen shows, with its edges snapped to
 * whole pixels. The source is derived back from the snapped pixels, so panel space maps to every
 * screen through that screen's own pixel grid and a straight line stays straight across bezels.
 */
export function sliceOf(panel: Rect, screen: ScreenGeometry): { source: Rect; destination: Rect } | undefined {
  const visible = intersection(panel, screen.activeArea);
  if (!visible) return undefined;
  const { x: scaleX, y: scaleY } = screen.pixelsPerMillimetre;
  const area = screen.activeArea;
  const clampX = (value: number) => Math.min(screen.resolution.width, Math.max(0, Math.round(value)));
  const clampY = (value: number) => Math.min(screen.resolution.height, Math.max(0, Math.round(value)));
  const left = clampX((visible.x - area.x) * scaleX);
  const top = clampY((visible.y - area.y) * scaleY);
  const rightEdge = clampX((right(visible) - area.x) * scaleX);
  const bottomEdge = clampY((bottom(visible) - area.y) * scaleY);
  if (rightEdge <= left || bottomEdge <= top) return undefined;
  const mounted = { x: left, y: top, width: rightEdge - left, height: bottomEdge - top };
  return {
    source: {
      x: area.x + left / scaleX - panel.x,
      y: area.y + top / scaleY - panel.y,
      width: mounted.width / scaleX,
      height: mounted.height / scaleY,
    },
    destination: toFramebuffer(mounted, screen),
  };
}

/** What a placement rectangle refers to: screens and regions by id. */
export interface RectContext {
  readonly screens: ReadonlyMap<string, ScreenGeometry>;
  readonly regions: ReadonlyMap<string, readonly string[]>;
}

/** A placement rectangle in wall millimetres, or why it cannot be resolved. */
export function resolveRect(rect: PlacementRect, context: RectContext): Rect | { error: string } {
  if ('region' in rect) {
    const members = context.regions.get(rect.region);
    if (!members) return { error: `unknown region '${rect.region}'` };
    const areas = members.flatMap((id) => context.screens.get(id)?.activeArea ?? []);
    return boundingBox(areas) ?? { error: `region '${rect.region}' has no screens` };
  }
  if ('screen' in rect) {
    const screen = context.screens.get(rect.screen);
    if (!screen) return { error: `unknown screen '${rect.screen}'` };
    const area = screen.activeArea;
    return {
      x: area.x + rect.x,
      y: area.y + rect.y,
      width: rect.width ?? area.width - rect.x,
      height: rect.height ?? area.height - rect.y,
    };
  }
  if ('row' in rect) {
    const lastRow = rect.row + rect.rows - 1;
    const lastColumn = rect.column + rect.columns - 1;
    const areas = [...context.screens.values()]
      .filter(({ cell }) => cell && cell.row >= rect.row && cell.row <= lastRow && cell.column >= rect.column && cell.column <= lastColumn)
      .map((screen) => screen.activeArea);
    return (
      boundingBox(areas) ?? {
        error: `no screen sits in rows ${rect.row}-${lastRow}, columns ${rect.column}-${lastColumn} of the grid`,
      }
    );
  }
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
}

/**
 * A scene's placements with inheritance applied: the parent's list, minus `remove`, with a child's
 * placement of an inherited panel replacing it in place, and the child's new panels on top.
 */
export function effectivePlacements(
  scene: Scene,
  scenes: ReadonlyMap<string, Scene>,
  visiting: ReadonlySet<string> = new Set(),
): Scene['placements'] {
  const parent = scene.extends === undefined ? undefined : scenes.get(scene.extends);
  if (!parent || visiting.has(scene.id)) return scene.placements;
  const inherited = effectivePlacements(parent, scenes, new Set([...visiting, scene.id]));
  const removed = new Set(scene.remove);
  const own = new Map(scene.placements.map((placement) => [placement.panel, placement]));
  const result = inherited
    .filter((placement) => !removed.has(placement.panel))
    .map((placement) => own.get(placement.panel) ?? placement);
  const inheritedPanels = new Set(inherited.map((placement) => placement.panel));
  return [...result, ...scene.placements.filter((placement) => !inheritedPanels.has(placement.panel))];
}

export function screenGeometries(layout: Pick<WallLayout, 'wall' | 'screens'>): ScreenGeometry[] {
  return layout.screens.map((screen) => screenGeometry(layout, screen));
}

export function rectContext(layout: Pick<WallLayout, 'regions'>, screens: readonly ScreenGeometry[]): RectContext {
  return {
    screens: new Map(screens.map((screen) => [screen.id, screen])),
    regions: new Map(layout.regions.map((region) => [region.id, region.screens])),
  };
}

/** The whole plan of a valid layout: screen viewports and, per scene, the slices every screen draws. */
export function planWall(layout: WallLayout): WallPlan {
  const screens = screenGeometries(layout);
  const context = rectContext(layout, screens);
  const scenesById = new Map(layout.scenes.map((scene) => [scene.id, scene]));
  const scenes = layout.scenes.map((scene): ScenePlan => {
    const placements = effectivePlacements(scene, scenesById).flatMap((placement): PlacedPanel[] => {
      const rect = resolveRect(placement.rect, context);
      return 'error' in rect ? [] : [{ panel: placement.panel, rect }];
    });
    const perScreen: Record<string, Slice[]> = {};
    for (const screen of screens) {
      perScreen[screen.id] = placements.flatMap((placed, layer) => {
        const slice = sliceOf(placed.rect, screen);
        return slice ? [{ panel: placed.panel, layer, ...slice }] : [];
      });
    }
    return { id: scene.id, placements, screens: perScreen };
  });
  return { bounds: boundingBox(screens.map((screen) => screen.outer))!, screens, scenes };
}

/**
 * The parts of `rect` that none of `visible` covers (bezels, gaps, beyond the screens), as
 * rectangles: the plane is cut along every edge and uncovered cells are merged along rows.
 */
export function hiddenParts(rect: Rect, visible: readonly Rect[]): Rect[] {
  const clipped = visible.flatMap((part) => intersection(rect, part) ?? []);
  const cuts = (start: (r: Rect) => number, end: (r: Rect) => number, lower: number, upper: number) =>
    [...new Set([lower, upper, ...clipped.flatMap((part) => [start(part), end(part)])])].sort((a, b) => a - b);
  const xs = cuts((r) => r.x, right, rect.x, right(rect));
  const ys = cuts((r) => r.y, bottom, rect.y, bottom(rect));
  const hidden: Rect[] = [];
  for (let row = 0; row + 1 < ys.length; row++) {
    const y = ys[row]!;
    const height = ys[row + 1]! - y;
    let run: Rect | undefined;
    for (let column = 0; column + 1 < xs.length; column++) {
      const x = xs[column]!;
      const width = xs[column + 1]! - x;
      const centre = { x: x + width / 2, y: y + height / 2 };
      const covered = clipped.some(
        (part) => centre.x > part.x && centre.x < right(part) && centre.y > part.y && centre.y < bottom(part),
      );
      if (covered || width <= 0 || height <= 0) {
        if (run) hidden.push(run);
        run = undefined;
      } else {
        run = run ? { ...run, width: run.width + width } : { x, y, width, height };
      }
    }
    if (run) hidden.push(run);
  }
  return hidden;
}
