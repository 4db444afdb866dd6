// Where each screen's tile goes in the console's picture of the wall: its grid cell when the layout uses a grid, else its place in millimetres.

export interface PlannedScreen {
  readonly id: string;
  readonly cell?: { readonly row: number; readonly column: number };
  readonly outer: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/** A tile's box in percent of the wall picture. */
export interface FreePlace {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export type WallArrangement =
  | { readonly kind: 'grid'; readonly rows: number; readonly columns: number; readonly places: ReadonlyMap<string, { readonly row: number; readonly column: number }> }
  | { readonly kind: 'free'; readonly aspectRatio: number; readonly places: ReadonlyMap<string, FreePlace> };

export function arrangeScreens(screens: readonly PlannedScreen[]): WallArrangement {
  const cells = new Map<string, { row: number; column: number }>();
  const taken = new Set<string>();
  for (const screen of screens) {
    const key = screen.cell && `${screen.cell.row}:${screen.cell.column}`;
    // One screen without a cell, or two in one cell (offsets, mixed layouts): only millimetres tell the truth.
    if (!screen.cell || !key || taken.has(key)) return arrangeFreely(screens);
    taken.add(key);
    cells.set(screen.id, screen.cell);
  }
  const rows = Math.max(1, ...[...cells.values()].map((cell) => cell.row));
  const columns = Math.max(1, ...[...cells.values()].map((cell) => cell.column));
  return { kind: 'grid', rows, columns, places: cells };
}

function arrangeFreely(screens: readonly PlannedScreen[]): WallArrangement {
  if (screens.length === 0) return { kind: 'free', aspectRatio: 16 / 9, places: new Map() };
  const left = Math.min(...screens.map((screen) => screen.outer.x));
  const top = Math.min(...screens.map((screen) => screen.outer.y));
  const width = Math.max(...screens.map((screen) => screen.outer.x + screen.outer.width)) - left || 1;
  const height = Math.max(...screens.map((screen) => screen.outer.y + screen.outer.height)) - top || 1;
  const places = new Map<string, FreePlace>();
  for (const { id, outer } of screens) {
    places.set(id, {
      left: ((outer.x - left) / width) * 100,
      top: ((outer.y - top) / height) * 100,
      width: (outer.width / width) * 100,
      height: (outer.height / height) * 100,
    });
  }
  return { kind: 'free', aspectRatio: width / height, places };
}
