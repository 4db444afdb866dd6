// When a value counts as stale, how its age reads, and when a one-value panel must redraw for it: shared by every panel that shows one value.
import type { SeriesValue, SeriesView } from '../../../common/contract/messages.ts';
import { bilingual, formatAge, type Languages } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { STRINGS } from '../strings.ts';

/** "dữ liệu cũ · 4 giờ trước / stale · 4 h ago". */
export function staleNote(age: number, languages: Languages): string {
  const { primary, secondary } = languages;
  const note = `${STRINGS.stale[primary]} · ${formatAge(age, primary)}`;
  return secondary ? `${note} / ${STRINGS.stale[secondary]} · ${formatAge(age, secondary)}` : note;
}

/** What a single-value panel needs of its context to judge freshness. */
export interface FreshnessContext {
  readonly languages: Languages;
  /** Wall time (server clock), epoch milliseconds. */
  now(): number;
}

/** How the latest value reads at the moment a panel draws it. */
export interface ShownFreshness {
  readonly latest: SeriesValue | undefined;
  readonly stale: boolean;
  /** The note under the value: "no data" without one, its age once stale, else nothing. */
  readonly note: string | undefined;
}

/**
 * The latest value of one series and whether what the panel shows of it is still right as time passes:
 * a fresh value turns stale at `wakeAt`, and a stale one's age counts up. The threshold is the view's
 * `staleAfter`, worked out by main from the layout, so the console and every screen call the same value stale.
 */
export class SingleValueFreshness {
  private value: SeriesValue | undefined;
  private shownStale = false;
  private shownAge = '';

  constructor(
    private readonly view: SeriesView,
    private readonly context: FreshnessContext,
  ) {}

  /** The latest value, as last taken. */
  get latest(): SeriesValue | undefined {
    return this.value;
  }

  /** Whether the value was stale when last shown: the panel needs the once-a-second tick while it is. */
  get stale(): boolean {
    return this.shownStale;
  }

  /** Takes the series' latest value; the panel redraws after. */
  take(values: Pick<SeriesValues, 'latest'>): void {
    this.value = values.latest(this.view.id);
  }

  /** Reads the clock for a redraw and remembers what it shows, so that `tick` can tell when that goes out of date. */
  show(): ShownFreshness {
    const latest = this.value;
    this.shownStale = this.isStale();
    this.shownAge = this.shownStale ? this.ageText() : '';
    const note = !latest ? bilingual(STRINGS.noData, this.context.languages) : this.shownStale ? this.shownAge : undefined;
    return { latest, stale: this.shownStale, note };
  }

  /** True when what was shown no longer holds (the value turned stale, or its age reads otherwise): the panel must redraw. */
  tick(): boolean {
    // Only the staleness and its age depend on time alone.
    const stale = this.isStale();
    return !(stale === this.shownStale && (!stale || this.ageText() === this.shownAge));
  }

  /** The wall time at which a fresh value turns stale; none without a value or once it is stale. */
  wakeAt(): number | undefined {
    if (!this.value || this.shownStale) return undefined;
    return this.value.time + this.view.staleAfter;
  }

  private isStale(): boolean {
    return this.value !== undefined && this.context.now() - this.value.time > this.view.staleAfter;
  }

  private ageText(): string {
    return this.value ? staleNote(this.context.now() - this.value.time, this.context.languages) : '';
  }
}
