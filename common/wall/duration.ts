// Durations as written in layouts (30s, 10m, 1h, 1d), in milliseconds.
import { DURATION_PATTERN } from './patterns.ts';

const UNIT_MILLISECONDS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMilliseconds(text: string): number {
  if (!DURATION_PATTERN.test(text)) throw new RangeError(`not a duration: '${text}' (write 30s, 10m, 1h or 1d)`);
  const unit = text.slice(-1) as keyof typeof UNIT_MILLISECONDS;
  return Number(text.slice(0, -1)) * UNIT_MILLISECONDS[unit];
}
