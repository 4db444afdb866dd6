// Which named threshold (BĐ I/II/III, VN_AQI band ...) a value has reached, for colouring it on the wall.
import type { Level } from '../../common/wall/schema.ts';

/**
 * The most severe level the value reaches: for `above` levels the highest threshold at or below the
 * value, for `below` levels the lowest threshold at or above it; undefined when none is reached.
 */
export function levelReached(value: number, levels: readonly Level[] | undefined): Level | undefined {
  let reached: Level | undefined;
  for (const level of levels ?? []) {
    if (level.above !== undefined && value >= level.above) {
      if (reached?.above === undefined || level.above > reached.above) reached = level;
    } else if (level.below !== undefined && value <= level.below) {
      if (reached?.below === undefined || level.below < reached.below) reached = level;
    }
  }
  return reached;
}

/** A stretch of a scale drawn in a level's colour. */
export interface Band {
  readonly from: number;
  readonly to: number;
  readonly colour: string;
}

/**
 * The stretches of the scale [minimum, maximum] each level covers: an `above` level from its threshold
 * up to the next one (or the maximum), a `below` level from its threshold down to the next one (or the minimum).
 */
export function levelBands(levels: readonly Level[] | undefined, minimum: number, maximum: number): Band[] {
  const above = (levels ?? []).filter((level) => level.above !== undefined).sort((a, b) => a.above! - b.above!);
  const below = (levels ?? []).filter((level) => level.below !== undefined).sort((a, b) => b.below! - a.below!);
  const clamp = (value: number) => Math.min(maximum, Math.max(minimum, value));
  const bands: Band[] = [];
  above.forEach((level, index) => bands.push({ from: clamp(level.above!), to: clamp(above[index + 1]?.above ?? maximum), colour: level.colour }));
  below.forEach((level, index) => bands.push({ from: clamp(below[index + 1]?.below ?? minimum), to: clamp(level.below!), colour: level.colour }));
  return bands.filter((band) => band.to > band.from);
}
