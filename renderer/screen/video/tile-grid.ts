// Where a video panel's camera tiles go, and which part of a camera's picture fills a tile (cover: aspect kept, overflow cropped).
import type { Rect } from '../../../common/wall/geometry.ts';

export interface GridSize {
  readonly rows: number;
  readonly columns: number;
}

/** The layout's grid, or the smallest near-square one that holds every camera (columns first: walls are wider than tall). */
export function gridFor(cameras: number, grid?: GridSize): GridSize {
  if (grid) return grid;
  const count = Math.max(1, cameras);
  const columns = Math.ceil(Math.sqrt(count));
  return { rows: Math.ceil(count / columns), columns };
}

/**
 * The tiles of a grid over `area`, row by row, `gap` between them; as many as the grid holds or as there are
 * cameras, whichever is fewer (a grid too small for its cameras shows the first ones).
 */
export function tileRects(area: Rect, cameras: number, grid: GridSize, gap: number): Rect[] {
  const { rows, columns } = grid;
  const width = Math.max(0, (area.width - gap * (columns - 1)) / columns);
  const height = Math.max(0, (area.height - gap * (rows - 1)) / rows);
  const count = Math.min(cameras, rows * columns);
  const rects: Rect[] = [];
  for (let index = 0; index < count; index++) {
    const row = Math.floor(index / columns);
    const column = index % columns;
    rects.push({ x: area.x + column * (width + gap), y: area.y + row * (height + gap), width, height });
  }
  return rects;
}

/** The part of a `sourceWidth` × `sourceHeight` picture that covers a tile of the given size: centred, aspect kept, the overflow cut. */
export function coverCrop(sourceWidth: number, sourceHeight: number, tileWidth: number, tileHeight: number): Rect {
  if (sourceWidth <= 0 || sourceHeight <= 0 || tileWidth <= 0 || tileHeight <= 0) return { x: 0, y: 0, width: Math.max(0, sourceWidth), height: Math.max(0, sourceHeight) };
  const scale = Math.max(tileWidth / sourceWidth, tileHeight / sourceHeight);
  const width = Math.min(sourceWidth, tileWidth / scale);
  const height = Math.min(sourceHeight, tileHeight / scale);
  return { x: (sourceWidth - width) / 2, y: (sourceHeight - height) / 2, width, height };
}

/** Whether two rectangles share some area (a tile this screen's slice does not reach is neither drawn nor fed). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
