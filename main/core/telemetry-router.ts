// Telemetry ingest: decoded messages -> counted, latest value per series with trend and freshness, coalesced to at most one update per frame.
import {
  Emitter,
  type Disposable,
  type HistoryPoint,
  type Scheduler,
  type SeriesFreshness,
  type SeriesValue,
  type TopicCount,
} from '../../common/contract/index.ts';
import { DROP_REASONS, type DecodeResult, type DropReason } from '../../common/telemetry/schema.ts';
import { staleAfterMilliseconds, type Series, type WallLayout } from '../../common/wall/index.ts';

/** One message as the transport saw it, decoded by its subscription (or not: no subscription matched its topic). */
export interface IngestedMessage {
  readonly topic: string;
  /** Server clock at arrival, epoch ms. */
  readonly receivedAt: number;
  readonly result: DecodeResult;
}

/** Where the counts go besides the router's own totals (Prometheus in the server; nothing in tests). */
export interface TelemetryMetrics {
  message(result: 'accepted' | 'dropped', reason?: DropReason): void;
  /** Seconds from a message's arrival to its value leaving for the screens. */
  lag(seconds: number): void;
}

/** A drop worth telling the operator; the router already limits how often. */
export interface DropReport {
  readonly reason: DropReason;
  readonly topic: string;
  readonly detail: string;
  /** Drops of this reason not reported since the last report. */
  readonly suppressed: number;
}

export interface TelemetryRouterOptions {
  readonly scheduler: Scheduler;
  /** Values are simulated (demo mode): every value is marked so. */
  readonly simulated: boolean;
  readonly onDrop?: (report: DropReport) => void;
  /** Shortest time between two updates to the screens: one frame. */
  readonly frameMilliseconds?: number;
  /** At most one drop report per reason this often. */
  readonly dropReportMilliseconds?: number;
}

/** Per-topic counts are kept for this many topics: topics are chosen by whoever publishes, so their number is not ours to trust. */
export const MAXIMUM_COUNTED_TOPICS = 1_000;
/** Chart history kept in memory per series, one point per second at most (durable history is SQLite's job, later). */
const HISTORY_POINTS = 5_000;
const HISTORY_RESOLUTION_MILLISECONDS = 1_000;

interface Latest {
  readonly value: number;
  readonly time: number;
  readonly trend: SeriesValue['trend'];
}

interface SeriesState {
  readonly series: Series;
  readonly staleAfter: number;
  latest?: Latest;
  /** Oldest first. */
  history: HistoryPoint[];
}

interface TopicState {
  accepted: number;
  dropped: number;
  reasons: Partial<Record<DropReason, number>>;
  lastAt: number;
}

function trendOf(previous: number | undefined, current: number): SeriesValue['trend'] {
  if (previous === undefined) return 'flat';
  const tolerance = 1e-9 * Math.max(1, Math.abs(previous));
  return current > previous + tolerance ? 'up' : current < previous - tolerance ? 'down' : 'flat';
}

export class TelemetryRouter implements Disposable {
  private series = new Map<string, SeriesState>();
  private readonly topics = new Map<string, TopicState>();
  private accepted = 0;
  private readonly dropped: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  /** Changed series waiting for the next frame, with the earliest arrival among their messages. */
  private readonly pending = new Map<string, number>();
  private flushTimer: Disposable | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private readonly lastReportAt = new Map<DropReason, number>();
  private readonly suppressed = new Map<DropReason, number>();
  private staleTimer: Disposable | undefined;
  private staleIds = '';
  private readonly changed = new Emitter<Record<string, SeriesValue>>();
  private readonly freshnessChanged = new Emitter<void>();
  /** The latest values of series that changed, at most once per frame. */
  readonly onDidChange = this.changed.event;
  /** A series turned stale or fresh. */
  readonly onDidChangeFreshness = this.freshnessChanged.event;

  private metrics: TelemetryMetrics | undefined;

  constructor(private readonly options: TelemetryRouterOptions) {}

  /** Where counts and lags go besides the router's own totals; the metrics read the router too, so they come after it. */
  setMetrics(metrics: TelemetryMetrics): void {
    this.metrics = metrics;
  }

  private get frame(): number {
    return this.options.frameMilliseconds ?? 1000 / 60;
  }

  /** Takes the layout's series; values of series that stay are kept. */
  setLayout(layout: WallLayout): void {
    const next = new Map<string, SeriesState>();
    for (const series of layout.series) {
      const kept = this.series.get(series.id);
      next.set(series.id, { series, staleAfter: staleAfterMilliseconds(layout, series), history: kept?.history ?? [], ...(kept?.latest ? { latest: kept.latest } : {}) });
    }
    this.series = next;
    this.checkFreshness();
  }

  /** Counts one message and takes its samples of the layout's series; a message with none of them is dropped as unknown_topic. */
  ingest({ topic, receivedAt, result }: IngestedMessage): void {
    if (result.ok) {
      // A notification may carry entities the layout does not show: the message counts as accepted when any sample is ours.
      const known = result.samples.filter((sample) => this.series.has(sample.series));
      if (known.length === 0) {
        this.drop(topic, receivedAt, 'unknown_topic', `gives series ${result.samples.map((sample) => sample.series).join(', ')}, which the layout does not have`);
        return;
      }
      this.count(topic, receivedAt, 'accepted');
      // A sender's clock a little ahead (within the decoder's tolerance) must not make its value outlive the later ones.
      for (const sample of known) this.take(sample.series, sample.value, Math.min(sample.time, receivedAt), receivedAt);
    } else {
      this.drop(topic, receivedAt, result.reason, result.detail);
    }
  }

  /** Past values from elsewhere (the demo generators), merged under what arrived live. */
  seedHistory(id: string, points: readonly HistoryPoint[]): void {
    const state = this.series.get(id);
    if (!state) return;
    const firstLive = state.history[0]?.time ?? Number.POSITIVE_INFINITY;
    state.history = [...points.filter((point) => point.time < firstLive), ...state.history].slice(-HISTORY_POINTS);
  }

  /** The latest value of each of `ids` that has one. */
  snapshot(ids: Iterable<string>): Record<string, SeriesValue> {
    const values: Record<string, SeriesValue> = {};
    for (const id of ids) {
      const latest = this.series.get(id)?.latest;
      if (latest) values[id] = this.view(latest);
    }
    return values;
  }

  /** Values of the last `milliseconds`, oldest first. */
  history(id: string, milliseconds: number): HistoryPoint[] {
    const from = this.options.scheduler.now() - milliseconds;
    return (this.series.get(id)?.history ?? []).filter((point) => point.time >= from);
  }

  /** Every series of the layout with its freshness. */
  freshness(): SeriesFreshness[] {
    const now = this.options.scheduler.now();
    const rows = [...this.series.values()].map(({ series, staleAfter, latest }): SeriesFreshness => ({
      id: series.id,
      field: series.field ?? series.id.split('.')[0]!,
      name: series.name,
      unit: series.unit,
      value: latest?.value ?? null,
      time: latest?.time ?? null,
      stale: !latest || now - latest.time > staleAfter,
      staleAfter,
    }));
    // Stale first: those that never had a value, then the oldest; the fresh ones by id.
    const age = (row: SeriesFreshness) => (row.stale ? (row.time ?? Number.MIN_SAFE_INTEGER) : 0);
    return rows.sort((a, b) => Number(b.stale) - Number(a.stale) || age(a) - age(b) || a.id.localeCompare(b.id));
  }

  /** Message totals since start. */
  totals(): { readonly accepted: number; readonly dropped: Readonly<Record<DropReason, number>> } {
    return { accepted: this.accepted, dropped: { ...this.dropped } };
  }

  /** Per-topic counts, busiest first. */
  topicCounts(): TopicCount[] {
    return [...this.topics.entries()]
      .map(([topic, state]) => ({ topic, accepted: state.accepted, dropped: state.dropped, reasons: { ...state.reasons }, lastAt: state.lastAt }))
      .sort((a, b) => b.accepted + b.dropped - (a.accepted + a.dropped) || a.topic.localeCompare(b.topic));
  }

  private view(latest: Latest): SeriesValue {
    return { value: latest.value, time: latest.time, trend: latest.trend, simulated: this.options.simulated };
  }

  private take(id: string, value: number, time: number, receivedAt: number): void {
    const state = this.series.get(id)!;
    const latest = state.latest;
    const now = this.options.scheduler.now();
    const wasStale = !latest || now - latest.time > state.staleAfter;
    // An older observation arriving late (a QoS 1 redelivery, a gateway's backlog) goes to history only: the panel keeps the newest.
    if (!latest || time >= latest.time) {
      state.latest = { value, time, trend: time === latest?.time ? latest.trend : trendOf(latest?.value, value) };
      if (!this.pending.has(id)) this.pending.set(id, receivedAt);
      this.scheduleFlush();
    }
    this.remember(state, { time, value });
    // A fresh series getting fresher changes no stale set, and the wake-up timer may fire early and look again.
    if (wasStale && state.latest && now - state.latest.time <= state.staleAfter) this.checkFreshness();
  }

  private remember(state: SeriesState, point: HistoryPoint): void {
    const history = state.history;
    const last = history[history.length - 1];
    if (last && point.time < last.time) return;
    if (last && Math.floor(last.time / HISTORY_RESOLUTION_MILLISECONDS) === Math.floor(point.time / HISTORY_RESOLUTION_MILLISECONDS)) history[history.length - 1] = point;
    else history.push(point);
    if (history.length > HISTORY_POINTS) history.splice(0, history.length - HISTORY_POINTS);
  }

  /** Sends now when a frame has passed since the last send, else at the next frame; values arriving meanwhile ride along. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, Math.ceil(this.lastFlushAt + this.frame - this.options.scheduler.now()));
    if (wait === 0) this.flush();
    else this.flushTimer = this.options.scheduler.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const now = this.options.scheduler.now();
    // Timers fire up to a millisecond early against a whole-millisecond clock: never send closer than a frame.
    const early = this.lastFlushAt + this.frame - now;
    if (early > 0) {
      this.flushTimer = this.options.scheduler.setTimeout(() => this.flush(), Math.ceil(early));
      return;
    }
    this.lastFlushAt = now;
    const values: Record<string, SeriesValue> = {};
    for (const [id, receivedAt] of this.pending) {
      const latest = this.series.get(id)?.latest;
      if (latest) values[id] = this.view(latest);
      this.metrics?.lag(Math.max(0, now - receivedAt) / 1000);
    }
    this.pending.clear();
    if (Object.keys(values).length > 0) this.changed.fire(values);
  }

  private count(topic: string, receivedAt: number, result: 'accepted' | DropReason): void {
    if (result === 'accepted') this.accepted += 1;
    else this.dropped[result] += 1;
    this.metrics?.message(result === 'accepted' ? 'accepted' : 'dropped', result === 'accepted' ? undefined : result);
    let state = this.topics.get(topic);
    if (!state) {
      if (this.topics.size >= MAXIMUM_COUNTED_TOPICS) return;
      state = { accepted: 0, dropped: 0, reasons: {}, lastAt: receivedAt };
      this.topics.set(topic, state);
    }
    state.lastAt = receivedAt;
    if (result === 'accepted') state.accepted += 1;
    else {
      state.dropped += 1;
      state.reasons[result] = (state.reasons[result] ?? 0) + 1;
    }
  }

  private drop(topic: string, receivedAt: number, reason: DropReason, detail: string): void {
    this.count(topic, receivedAt, reason);
    const report = this.options.onDrop;
    if (!report) return;
    const last = this.lastReportAt.get(reason);
    if (last !== undefined && receivedAt - last < (this.options.dropReportMilliseconds ?? 10_000)) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    this.lastReportAt.set(reason, receivedAt);
    report({ reason, topic: topic.slice(0, 200), detail, suppressed: this.suppressed.get(reason) ?? 0 });
    this.suppressed.set(reason, 0);
  }

  /** Fires when the set of stale series changed, and wakes up when the next fresh series turns stale. */
  private checkFreshness(): void {
    const now = this.options.scheduler.now();
    let stale = '';
    let next = Number.POSITIVE_INFINITY;
    for (const [id, { latest, staleAfter }] of this.series) {
      if (!latest || now - latest.time > staleAfter) stale += `${id}\n`;
      else next = Math.min(next, latest.time + staleAfter + 1);
    }
    if (stale !== this.staleIds) {
      this.staleIds = stale;
      this.freshnessChanged.fire();
    }
    this.staleTimer?.dispose();
    this.staleTimer = Number.isFinite(next) ? this.options.scheduler.setTimeout(() => this.checkFreshness(), Math.max(0, next - now)) : undefined;
  }

  dispose(): void {
    this.flushTimer?.dispose();
    this.staleTimer?.dispose();
    this.changed.dispose();
    this.freshnessChanged.dispose();
  }
}
