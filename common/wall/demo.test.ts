// Simulated demo values as a wall operator sees them: repeatable, bounded, following the local clock and calendar.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoSeries, SeriesSchema, type DemoSeries, type Series } from './index.ts';

const HO_CHI_MINH = 'Asia/Ho_Chi_Minh';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 50);

/** A series as the layout parser hands it over, zod defaults filled in. */
function seriesWith(demo: Record<string, unknown> | undefined, expectedInterval = '1m', id = 'demo.value'): Series {
  return SeriesSchema.parse({ id, name: { vi: 'Thử', en: 'Test' }, unit: '', expectedInterval, demo });
}

function simulate(
  demo: Record<string, unknown>,
  { expectedInterval = '1m', seed = 7, timezone = HO_CHI_MINH, id = 'demo.value' } = {},
): DemoSeries {
  const simulated = demoSeries(seriesWith(demo, expectedInterval, id), { timezone, seed });
  if (simulated === undefined) throw new Error('test setup: the series has a demo generator');
  return simulated;
}

/** Values at `count` consecutive steps from `from`, read one by one. */
function walk(series: DemoSeries, from: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => series.valueAt(from + index * series.stepMilliseconds));
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || value >= values[index - 1]!);
}

const WALK = { kind: 'random_walk', start: 14, step: 2, min: 0, max: 60 };
const EVERY_KIND: Record<string, unknown>[] = [
  { kind: 'constant', value: 29850 },
  WALK,
  { kind: 'diurnal', base: 11000, peaks: [{ at: '07:45', width: '2h', gain: 0.8 }], noise: 0.08, weekend: 0.6 },
  { kind: 'daily_batch', start: 5480, growth: 0.004 },
  { kind: 'poisson', rate: 77, per: '1d' },
  { kind: 'poisson', rate: 1800, per: '1d', reset: 'never' },
];

describe('demoSeries', () => {
  it('simulates nothing for a series without a demo generator', () => {
    expect(demoSeries(seriesWith(undefined), { timezone: HO_CHI_MINH })).toBeUndefined();
  });

  it('steps at the expected interval, so a poller knows when the value can next change', () => {
    const series = simulate({ kind: 'constant', value: 3 }, { expectedInterval: '15m' });
    expect(series.stepMilliseconds).toBe(15 * MINUTE);
    expect(series.valueAt(Date.UTC(2026, 10, 26, 9, 31))).toBe(3);
  });

  it('gives NaN, not an exception, for a time that is not a time', () => {
    const series = simulate(EVERY_KIND[2]!);
    expect(series.valueAt(Number.NaN)).toBeNaN();
    expect(series.valueAt(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(series.valueAt(1e20)).toBeNaN();
  });
});

describe('determinism', () => {
  const from = Date.UTC(2026, 10, 20);

  it('repeats the same values for the same seed, series and time', () => {
    for (const demo of EVERY_KIND) {
      expect(walk(simulate(demo, { seed: 11 }), from, 300)).toEqual(walk(simulate(demo, { seed: 11 }), from, 300));
    }
  });

  it('tells another seed, or another series with the same generator, a different story', () => {
    const base = walk(simulate(WALK, { seed: 1 }), from, 300);
    expect(walk(simulate(WALK, { seed: 2 }), from, 300)).not.toEqual(base);
    expect(walk(simulate(WALK, { seed: 1, id: 'demo.other' }), from, 300)).not.toEqual(base);
  });

  it('does not depend on the order in which times are asked for', () => {
    const instant = fc.integer({ min: Date.UTC(2025, 5, 1), max: Date.UTC(2027, 5, 1) });
    fc.assert(
      fc.property(fc.constantFrom(...EVERY_KIND), fc.array(instant, { minLength: 1, maxLength: 8 }), fc.integer(), (demo, times, seed) => {
        const forwards = simulate(demo, { seed });
        const backwards = simulate(demo, { seed });
        const inOrder = times.map((time) => forwards.valueAt(time));
        const reversed = [...times].reverse().map((time) => backwards.valueAt(time)).reverse();
        const fresh = times.map((time) => simulate(demo, { seed }).valueAt(time));
        expect(reversed).toEqual(inOrder);
        expect(fresh).toEqual(inOrder);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('random_walk', () => {
  const from = Date.UTC(2026, 10, 1);
  const values = walk(simulate(WALK), from, 10_000);

  it('stays within [min, max] over 10 000 steps and moves across the range', () => {
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(60);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(20);
    expect(new Set(values).size).toBeGreaterThan(9_900);
  });

  it('moves by about one step of noise at a time, block boundaries included', () => {
    const moves = values.slice(1).map((value, index) => Math.abs(value - values[index]!));
    // One step is N(0, 2) plus at most 1 % of the range pulled back toward start.
    expect(Math.max(...moves)).toBeLessThan(6 * 2 + 0.6);
    const meanMove = moves.reduce((sum, move) => sum + move, 0) / moves.length;
    expect(meanMove).toBeGreaterThan(1); // E|N(0, 2)| ≈ 1.6, a little less where it reflects
    expect(meanMove).toBeLessThan(2);
  });

  it('gives the same numbers walked forwards, walked backwards, or computed afresh at one step', () => {
    const backwards = simulate(WALK);
    const reversed = Array.from({ length: values.length }, (_, index) => values.length - 1 - index)
      .map((index) => backwards.valueAt(from + index * MINUTE))
      .reverse();
    expect(reversed).toEqual(values);
    for (let index = 0; index < values.length; index += 997) {
      expect(simulate(WALK).valueAt(from + index * MINUTE)).toBe(values[index]);
    }
  });

  it('does not stick to a bound it starts on', () => {
    const fromFloor = walk(simulate({ kind: 'random_walk', start: 0, step: 0.4, min: 0, max: 3 }), from, 5_000);
    expect(fromFloor.filter((value) => value === 0).length).toBeLessThan(50);
    expect(fromFloor.filter((value) => value > 1.5).length).toBeGreaterThan(250);
  });

  it('stays within bounds for any start, step and bounds, even a start outside them', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(finite, fc.double({ min: 1e-3, max: 1e5, noNaN: true }), finite, finite, fc.integer(), (start, step, min, max, seed) => {
        const series = simulate({ kind: 'random_walk', start, step, min, max }, { seed });
        for (const value of walk(series, from, 300)) {
          expect(value).toBeGreaterThanOrEqual(Math.min(min, max));
          expect(value).toBeLessThanOrEqual(Math.max(min, max));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('diurnal', () => {
  const calm = { kind: 'diurnal', base: 100, noise: 0 };

  it('peaks at the local time of the peak: 07:45 in Ho Chi Minh City is 00:45 UTC', () => {
    const series = simulate({ ...calm, peaks: [{ at: '07:45', width: '1h', gain: 2 }] });
    const localDay = series.history(Date.UTC(2026, 10, 24, 17), Date.UTC(2026, 10, 25, 17) - 1, 2000); // a Wednesday
    expect(localDay).toHaveLength(1440);
    const highest = localDay.reduce((best, sample) => (sample.value > best.value ? sample : best));
    expect(new Date(highest.time).toISOString()).toBe('2026-11-25T00:45:00.000Z');
    expect(highest.value).toBeCloseTo(300, 9);
    expect(series.valueAt(Date.UTC(2026, 10, 25, 12))).toBeCloseTo(100, 6); // 19:00 local, far from the peak
  });

  it('lifts the minutes after midnight for a peak just before it', () => {
    const series = simulate({ ...calm, peaks: [{ at: '23:30', width: '1h', gain: 1 }] });
    const before = series.valueAt(Date.UTC(2026, 10, 25, 15, 45)); // 22:45 local
    const after = series.valueAt(Date.UTC(2026, 10, 25, 17, 15)); // 00:15 local, the next day
    expect(after).toBeGreaterThan(110);
    expect(after).toBeCloseTo(before, 9);
  });

  it('applies the weekend factor from local Saturday 00:00 to local Sunday 24:00', () => {
    const series = simulate({ ...calm, weekend: 0.6 });
    expect(series.valueAt(Date.UTC(2026, 0, 2, 16, 59))).toBe(100); // Friday 23:59 local
    expect(series.valueAt(Date.UTC(2026, 0, 2, 17, 0))).toBeCloseTo(60, 9); // Saturday 00:00 local, still Friday in UTC
    expect(series.valueAt(Date.UTC(2026, 0, 4, 16, 59))).toBeCloseTo(60, 9); // Sunday 23:59 local
    expect(series.valueAt(Date.UTC(2026, 0, 4, 17, 0))).toBe(100); // Monday 00:00 local
  });

  it('adds noise within ±noise of the curve, centred on it', () => {
    const series = simulate({ kind: 'diurnal', base: 100, noise: 0.1 });
    const values = walk(series, Date.UTC(2026, 10, 23, 17), 5 * 1440); // Monday to Friday, local
    expect(Math.min(...values)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...values)).toBeLessThanOrEqual(110);
    expect(new Set(values).size).toBeGreaterThan(7000);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(100, 0);
  });
});

describe('daily_batch', () => {
  const batch = { kind: 'daily_batch', start: 5480, growth: 0.004, at: '16:45' };

  it('changes exactly at the local batch time (16:45 in Ho Chi Minh City is 09:45 UTC) and holds until the next', () => {
    const series = simulate(batch);
    const before = series.valueAt(Date.UTC(2026, 10, 25, 9, 44, 59, 999));
    const after = series.valueAt(Date.UTC(2026, 10, 25, 9, 45));
    expect(after / before).toBeCloseTo(1.004, 12);
    const held = series.history(Date.UTC(2026, 10, 25, 9, 45), Date.UTC(2026, 10, 26, 9, 44), 2000);
    expect(held).toHaveLength(1440);
    expect(new Set(held.map((sample) => sample.value))).toEqual(new Set([after]));
    expect(series.valueAt(Date.UTC(2026, 10, 26, 9, 45))).toBeCloseTo(after * 1.004, 6);
  });

  it('reads start until the first batch of the year (local), counts batches from there, and starts again each year', () => {
    const series = simulate(batch);
    expect(series.valueAt(Date.UTC(2026, 0, 1, 9, 44))).toBe(5480); // 1 January, 16:44 local
    expect(series.valueAt(Date.UTC(2026, 0, 1, 9, 45))).toBeCloseTo(5480 * 1.004, 9);
    expect(series.valueAt(Date.UTC(2026, 0, 11, 9, 45))).toBeCloseTo(5480 * 1.004 ** 11, 9);
    expect(series.valueAt(Date.UTC(2026, 11, 31, 9, 45))).toBeCloseTo(5480 * 1.004 ** 365, 6);
    // Year to date: 1 January 2027 (local) reads start again until its batch.
    expect(series.valueAt(Date.UTC(2026, 11, 31, 17, 0))).toBe(5480);
    expect(series.valueAt(Date.UTC(2027, 0, 1, 9, 45))).toBeCloseTo(5480 * 1.004, 9);
  });

  it('never decreases when growth is not negative, with one change a day', () => {
    const series = simulate(batch);
    const values = walk(simulate(batch, { expectedInterval: '10m' }), Date.UTC(2026, 8, 1), 90 * 144);
    expect(isNonDecreasing(values)).toBe(true);
    expect(new Set(values).size).toBe(91); // 90 days from 07:00 local: the start value and 90 batches
    expect(walk(simulate({ ...batch, growth: 0 }), Date.UTC(2026, 8, 1), 3000)).toEqual(new Array(3000).fill(5480));
    expect(series.valueAt(Date.UTC(2026, 10, 26))).toBeGreaterThan(5480);
  });

  it('follows the local clock across a daylight-saving change', () => {
    const series = simulate(batch, { timezone: 'Europe/Berlin' });
    // 16:45 in Berlin is 15:45 UTC in winter time and 14:45 UTC in summer time (from 29 March 2026).
    expect(series.valueAt(Date.UTC(2026, 2, 27, 15, 45)) / series.valueAt(Date.UTC(2026, 2, 27, 15, 44))).toBeCloseTo(1.004, 12);
    expect(series.valueAt(Date.UTC(2026, 2, 30, 14, 45)) / series.valueAt(Date.UTC(2026, 2, 30, 14, 44))).toBeCloseTo(1.004, 12);
  });
});

describe('poisson', () => {
  const dossiers = { kind: 'poisson', rate: 77, per: '1d' };
  /** Local midnight in Ho Chi Minh City (UTC+7) starting the local day `day` days after 2026-01-01. */
  const localMidnight = (day: number) => Date.UTC(2025, 11, 31, 17) + day * DAY;

  it('counts up through the local day and starts again at local midnight (17:00 UTC)', () => {
    const series = simulate(dossiers);
    for (let day = 300; day < 330; day++) {
      const samples = series.history(localMidnight(day), localMidnight(day + 1) - 1, 2000);
      expect(samples).toHaveLength(1440);
      const counts = samples.map((sample) => sample.value);
      expect(isNonDecreasing(counts)).toBe(true);
      expect(counts.every(Number.isInteger)).toBe(true);
      expect(counts[0]).toBeLessThanOrEqual(3); // only the first minute's events
      expect(counts.at(-1)).toBeGreaterThan(40);
      expect(series.valueAt(localMidnight(day + 1))).toBeLessThan(counts.at(-1)!);
    }
  });

  it('averages `rate` events a day (200 days, exact method for small means)', () => {
    const series = simulate(dossiers, { seed: 3 });
    const totals = Array.from({ length: 200 }, (_, day) => series.valueAt(localMidnight(day + 1) - 1));
    const mean = totals.reduce((sum, total) => sum + total, 0) / totals.length;
    const variance = totals.reduce((sum, total) => sum + (total - mean) ** 2, 0) / (totals.length - 1);
    expect(Math.abs(mean - 77)).toBeLessThan(77 * 0.05); // standard error ≈ 0.6
    expect(variance / mean).toBeGreaterThan(0.6); // a Poisson count's variance equals its mean
    expect(variance / mean).toBeLessThan(1.5);
  });

  it('averages `rate` events a day at a high rate too (normal approximation)', () => {
    const series = simulate({ kind: 'poisson', rate: 1800, per: '1d' }, { expectedInterval: '10m', seed: 5 });
    const totals = Array.from({ length: 200 }, (_, day) => series.valueAt(localMidnight(day + 1) - 1));
    const mean = totals.reduce((sum, total) => sum + total, 0) / totals.length;
    expect(Math.abs(mean - 1800)).toBeLessThan(1800 * 0.01); // standard error = 3
  });

  it('spreads a day’s events over its steps at rate × step / per', () => {
    const series = simulate({ kind: 'poisson', rate: 2, per: '1h' }, { expectedInterval: '1m', seed: 9 });
    const counts = walk(series, localMidnight(320), 1440);
    const perMinute = counts.map((count, index) => count - (index === 0 ? 0 : counts[index - 1]!));
    const quietMinutes = perMinute.filter((events) => events === 0).length;
    // Poisson(2/60) per minute: about 96.7 % of minutes see no event.
    expect(quietMinutes / 1440).toBeGreaterThan(0.95);
    expect(quietMinutes / 1440).toBeLessThan(0.985);
    expect(counts.at(-1)).toBeGreaterThan(30);
  });

  it('keeps counting from 1 January 2026 when it never resets', () => {
    const series = simulate({ ...dossiers, reset: 'never' });
    expect(series.valueAt(localMidnight(0))).toBeLessThanOrEqual(3);
    const counts = walk(series, localMidnight(300) - HOUR, 2 * 60);
    expect(isNonDecreasing(counts)).toBe(true);
    expect(counts[0]! / (300 * 77)).toBeCloseTo(1, 1);
  });

  it('starts each day at local midnight across daylight-saving changes (New York, 23- and 25-hour days)', () => {
    const series = simulate({ kind: 'poisson', rate: 1000, per: '1d' }, { expectedInterval: '1h', timezone: 'America/New_York' });
    const samples = series.history(Date.UTC(2026, 2, 7, 5), Date.UTC(2026, 2, 10, 4) - 1); // 7 to 9 March, local
    const resets = samples.filter((sample, index) => index > 0 && sample.value < samples[index - 1]!.value).map((sample) => new Date(sample.time).toISOString());
    expect(resets).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']); // midnight EST, then EDT after a 23-hour day
    const autumn = series.history(Date.UTC(2026, 9, 31, 4), Date.UTC(2026, 10, 3, 5) - 1); // 31 October to 2 November, local
    const autumnResets = autumn.filter((sample, index) => index > 0 && sample.value < autumn[index - 1]!.value).map((sample) => sample.time);
    expect(autumnResets).toEqual([Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 10, 2, 5)]); // then a 25-hour day
  });
});

describe('history', () => {
  const series = simulate(WALK);

  it('gives one sample per step, oldest first, from the first step at or after `from` to the last at or before `to`', () => {
    const samples = series.history(Date.UTC(2026, 10, 26, 0, 0, 30), Date.UTC(2026, 10, 26, 1, 0, 0));
    expect(samples).toHaveLength(60);
    expect(samples[0]!.time).toBe(Date.UTC(2026, 10, 26, 0, 1));
    expect(samples.at(-1)!.time).toBe(Date.UTC(2026, 10, 26, 1, 0));
    expect(samples.every((sample, index) => index === 0 || sample.time - samples[index - 1]!.time === MINUTE)).toBe(true);
  });

  it('keeps the newest `limit` samples, 500 unless told', () => {
    const to = Date.UTC(2026, 10, 26, 12);
    const all = series.history(to - 2 * DAY, to, 10_000);
    expect(all).toHaveLength(2881);
    expect(series.history(to - 2 * DAY, to)).toEqual(all.slice(-500));
    expect(series.history(to - 2 * DAY, to, 10)).toEqual(all.slice(-10));
    expect(series.history(to, to - MINUTE)).toEqual([]);
    expect(series.history(to - DAY, to, 0)).toEqual([]);
  });

  it('samples the same values valueAt gives anywhere within each step', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVERY_KIND),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 3 * DAY }),
        fc.integer({ min: 1, max: 300 }),
        (demo, from, length, limit) => {
          const simulated = simulate(demo, { expectedInterval: '10m' });
          const samples = simulated.history(from, from + length, limit);
          expect(samples.length).toBe(Math.min(limit, Math.floor((from + length) / (10 * MINUTE)) - Math.ceil(from / (10 * MINUTE)) + 1));
          const fresh = simulate(demo, { expectedInterval: '10m' });
          for (const sample of samples) {
            expect(sample.time % (10 * MINUTE)).toBe(0);
            expect(fresh.valueAt(sample.time + 10 * MINUTE - 1)).toBe(sample.value);
            expect(fresh.valueAt(sample.time)).toBe(sample.value);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
