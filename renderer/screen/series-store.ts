// The latest value and recent history of every series this page has heard of, kept across scene switches.
import { Emitter, type Event } from '../../common/contract/events.ts';
import type { HistoryPoint, SeriesValue, Values } from '../../common/contract/messages.ts';

/** What panels read: the latest value and the history of a series. */
export interface SeriesValues {
  latest(series: string): SeriesValue | undefined;
  /** Oldest first. */
  history(series: string): readonly HistoryPoint[];
}

/** Points kept per series: a year of daily values or a day of one-minute values, with room to spare. */
export const HISTORY_LIMIT = 2_000;

export class SeriesStore implements SeriesValues {
  private readonly latestValues = new Map<string, SeriesValue>();
  private readonly histories = new Map<string, HistoryPoint[]>();
  private readonly changed = new Emitter<ReadonlySet<string>>();
  /** Fires the ids of the series a `values` message changed. */
  readonly onDidChange: Event<ReadonlySet<string>> = this.changed.event;

  latest(series: string): SeriesValue | undefined {
    return this.latestValues.get(series);
  }

  history(series: string): readonly HistoryPoint[] {
    return this.histories.get(series) ?? [];
  }

  /** Takes a `values` message: history replaces what is held for its series, and live values are appended to it. */
  apply(message: Values): ReadonlySet<string> {
    const changed = new Set<string>();
    for (const [series, points] of Object.entries(message.history ?? {})) {
      const sorted = [...points].sort((a, b) => a.time - b.time);
      this.histories.set(series, sorted.slice(-HISTORY_LIMIT));
      changed.add(series);
    }
    for (const [series, value] of Object.entries(message.values)) {
      const previous = this.latestValues.get(series);
      // A late, older value must not replace a newer one (messages may cross a reconnect).
      if (previous && previous.time > value.time) continue;
      this.latestValues.set(series, value);
      changed.add(series);
      const history = this.histories.get(series) ?? [];
      const last = history[history.length - 1];
      if (!last || value.time > last.time) {
        history.push({ time: value.time, value: value.value });
        if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
      } else if (value.time === last.time) {
        history[history.length - 1] = { time: value.time, value: value.value };
      }
      this.histories.set(series, history);
    }
    if (changed.size > 0) this.changed.fire(changed);
    return changed;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
