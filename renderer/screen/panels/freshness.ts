// When a value counts as stale, and how its age reads: shared by every panel that shows one value.
import type { SeriesView } from '../../../common/contract/messages.ts';
import { durationMilliseconds } from '../../../common/wall/duration.ts';
import { formatAge, type Languages } from '../format.ts';
import { STRINGS } from '../strings.ts';

/** A value older than this many expected intervals is shown as stale (README: "about three intervals"). */
export const STALE_INTERVALS = 3;

/** Milliseconds after which a value of `view` is stale; never for an interval we cannot read. */
export function staleAfter(view: Pick<SeriesView, 'expectedInterval'>): number {
  try {
    return STALE_INTERVALS * durationMilliseconds(view.expectedInterval);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** "dữ liệu cũ · 4 giờ trước / stale · 4 h ago". */
export function staleNote(age: number, languages: Languages): string {
  const { primary, secondary } = languages;
  const note = `${STRINGS.stale[primary]} · ${formatAge(age, primary)}`;
  return secondary ? `${note} / ${STRINGS.stale[secondary]} · ${formatAge(age, secondary)}` : note;
}
