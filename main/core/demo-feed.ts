// Demo mode: the layout's series generators as a live feed, a new value at each step of each series, marked simulated.
import type { Disposable, HistoryPoint, Scheduler, SeriesValue } from '../../common/contract/index.ts';
import type { TelemetryRouter } from './telemetry-router.ts';
import { demoSeries, durationMilliseconds, type DemoSeries, type WallLayout } from '../../common/wall/index.ts';

/** No generator ticks faster than this, whatever its expected interval. */
const MINIMUM_STEP_MILLISECONDS = 1_000;

function trendOf(previous: number, current: number): SeriesValue['trend'] {
  const tolerance = 1e-9 * Math.max(1, Math.abs(previous));
  return current > previous + tolerance ? 'up' : current < previous - tolerance ? 'down' : 'flat';
}

export class DemoFeed implements Disposable {
  private readonly generators = new Map<string, DemoSeries>();
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(
    layout: WallLayout,
    private readonly scheduler: Scheduler,
    private readonly onDidProduce: (values: Record<string, SeriesValue>) => void,
    seed = 1,
  ) {
    for (const series of layout.series) {
      const generator = demoSeries(series, { timezone: layout.wall.timezone, seed });
      if (generator) this.generators.set(series.id, generator);
    }
    this.schedule();
  }

  /** The current value of every simulated series. */
  snapshot(ids?: Iterable<string>): Record<string, SeriesValue> {
    const now = this.scheduler.now();
    const values: Record<string, SeriesValue> = {};
    for (const id of ids ?? this.generators.keys()) {
      const value = this.valueAt(id, now);
      if (value) values[id] = value;
    }
    return values;
  }

  /** Past values of a series over `milliseconds`, oldest first. */
  history(id: string, milliseconds: number, limit = 500): HistoryPoint[] {
    const now = this.scheduler.now();
    return this.generators.get(id)?.history(now - milliseconds, now, limit) ?? [];
  }

  private valueAt(id: string, time: number): SeriesValue | undefined {
    const generator = this.generators.get(id);
    if (!generator) return undefined;
    const step = generator.stepMilliseconds;
    const start = Math.floor(time / step) * step;
    const value = generator.valueAt(start);
    return { value, time: start, trend: trendOf(generator.valueAt(start - step), value), simulated: true };
  }

  private stepOf(generator: DemoSeries): number {
    return Math.max(MINIMUM_STEP_MILLISECONDS, generator.stepMilliseconds);
  }

  /** Sleeps until the next step boundary of any series, then sends the series that stepped. */
  private schedule(): void {
    if (this.disposed || this.generators.size === 0) return;
    const now = this.scheduler.now();
    const next = Math.min(...[...this.generators.values()].map((generator) => (Math.floor(now / this.stepOf(generator)) + 1) * this.stepOf(generator)));
    this.timer = this.scheduler.setTimeout(() => {
      const time = this.scheduler.now();
      const stepped = [...this.generators.entries()].filter(([, generator]) => Math.floor(time / this.stepOf(generator)) * this.stepOf(generator) >= next - 1);
      const values: Record<string, SeriesValue> = {};
      for (const [id] of stepped) values[id] = this.valueAt(id, time)!;
      if (Object.keys(values).length > 0) this.onDidProduce(values);
      this.schedule();
    }, Math.max(0, next - now));
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
  }
}

/** The longest chart window of the layout: how much generated history the demo backfills. */
export function longestChartWindow(layout: WallLayout): number {
  return Math.max(0, ...layout.panels.map((panel) => (panel.type === 'chart' ? durationMilliseconds(panel.window) : 0)));
}

/** What a demo feed goes into: past values once, then each value as the wall would receive it. */
export interface DemoSink {
  seedHistory(id: string, points: readonly HistoryPoint[]): void;
  take(values: Record<string, SeriesValue>): void;
}

/** Starts a demo feed into `sink`: the generators' past for charts, their current values at once, then every step. */
export function startDemo(layout: WallLayout, scheduler: Scheduler, sink: DemoSink, seed = 1): DemoFeed {
  const feed = new DemoFeed(layout, scheduler, (values) => sink.take(values), seed);
  const window = longestChartWindow(layout);
  for (const series of layout.series) sink.seedHistory(series.id, feed.history(series.id, window));
  sink.take(feed.snapshot());
  return feed;
}

/** Demo values straight into a router, as if decoded from a broker: for tests of what lies downstream of ingest. */
export function routerSink(router: Pick<TelemetryRouter, 'seedHistory' | 'ingest'>, scheduler: Scheduler): DemoSink {
  return {
    seedHistory: (id, points) => router.seedHistory(id, points),
    take: (values) =>
      router.ingest({
        topic: 'demo',
        receivedAt: scheduler.now(),
        result: { ok: true, samples: Object.entries(values).map(([series, { value, time }]) => ({ series, value, time })) },
      }),
  };
}
