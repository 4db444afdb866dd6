// When a one-value panel shows "no data", turns its value stale, counts the age up, and must redraw for it.
import { describe, expect, it } from 'vitest';
import type { SeriesValue, SeriesView } from '../../../common/contract/messages.ts';
import { languagesOf } from '../format.ts';
import { SingleValueFreshness } from './freshness.ts';

const MINUTE = 60_000;
const START = Date.UTC(2025, 10, 27, 1, 0, 0);

const view: SeriesView = {
  id: 'water-level',
  field: 'flood',
  name: { vi: 'Mực nước', en: 'Water level' },
  unit: 'm',
  expectedInterval: '10m',
  // Main sends the threshold: ten minutes × the default stale factor of 3.
  staleAfter: 30 * MINUTE,
};

/** A freshness on a clock the test moves by hand. */
function setup(languages = languagesOf(['vi', 'en']), series: SeriesView = view) {
  const clock = { time: START };
  const freshness = new SingleValueFreshness(series, { languages, now: () => clock.time });
  const take = (value: SeriesValue | undefined) =>
    freshness.take({ latest: (id: string) => (id === series.id ? value : { value: -1, time: 0, trend: 'flat', simulated: true }) });
  return { clock, freshness, take };
}

function valueAt(time: number): SeriesValue {
  return { value: 2.4, time, trend: 'up', simulated: false };
}

describe('single-value freshness', () => {
  it('says "no data" before any value, and never wakes or ticks for it', () => {
    const { clock, freshness, take } = setup();
    take(undefined);
    expect(freshness.show()).toEqual({ latest: undefined, stale: false, note: 'chưa có dữ liệu / no data' });
    expect(freshness.stale).toBe(false);
    expect(freshness.wakeAt()).toBeUndefined();
    clock.time += 24 * 60 * MINUTE;
    expect(freshness.tick()).toBe(false);
  });

  it('takes the value of its own series only', () => {
    const { freshness, take } = setup();
    take(valueAt(START));
    expect(freshness.latest).toEqual(valueAt(START));
  });

  it('shows a fresh value without a note and wakes when it turns stale, after three intervals', () => {
    const { clock, freshness, take } = setup();
    take(valueAt(START));
    expect(freshness.show()).toEqual({ latest: valueAt(START), stale: false, note: undefined });
    expect(freshness.wakeAt()).toBe(START + 30 * MINUTE);
    clock.time = START + 30 * MINUTE;
    expect(freshness.tick()).toBe(false);
    clock.time += 1;
    expect(freshness.tick()).toBe(true);
  });

  it('once stale, notes the age in both languages and asks for a redraw only when the age reads otherwise', () => {
    const { clock, freshness, take } = setup();
    take(valueAt(START));
    freshness.show();
    clock.time = START + 30 * MINUTE + 1;
    expect(freshness.show()).toEqual({ latest: valueAt(START), stale: true, note: 'dữ liệu cũ · 30 phút trước / stale · 30 min ago' });
    expect(freshness.stale).toBe(true);
    expect(freshness.wakeAt()).toBeUndefined();
    clock.time = START + 31 * MINUTE - 1;
    expect(freshness.tick()).toBe(false);
    clock.time = START + 31 * MINUTE;
    expect(freshness.tick()).toBe(true);
    expect(freshness.show().note).toBe('dữ liệu cũ · 31 phút trước / stale · 31 min ago');
    expect(freshness.tick()).toBe(false);
  });

  it('asks for a redraw while stale is shown but a newer value is fresh, and forgets staleness once it is shown', () => {
    const { clock, freshness, take } = setup();
    take(valueAt(START));
    clock.time = START + 40 * MINUTE;
    freshness.show();
    expect(freshness.stale).toBe(true);
    take(valueAt(clock.time));
    expect(freshness.tick()).toBe(true);
    expect(freshness.show()).toEqual({ latest: valueAt(clock.time), stale: false, note: undefined });
    expect(freshness.stale).toBe(false);
    expect(freshness.wakeAt()).toBe(START + 70 * MINUTE);
  });

  it('writes one language when the wall has one', () => {
    const { clock, freshness, take } = setup(languagesOf(['en']));
    expect(freshness.show().note).toBe('no data');
    take(valueAt(START));
    clock.time = START + 4 * 60 * MINUTE;
    expect(freshness.show().note).toBe('stale · 4 h ago');
  });

  it('turns stale after the staleAfter main sends, whatever the expected interval reads (a layout with stale factor 5)', () => {
    const { clock, freshness, take } = setup(languagesOf(['vi', 'en']), { ...view, expectedInterval: 'often', staleAfter: 50 * MINUTE });
    take(valueAt(START));
    expect(freshness.wakeAt()).toBe(START + 50 * MINUTE);
    clock.time = START + 50 * MINUTE;
    expect(freshness.show()).toEqual({ latest: valueAt(START), stale: false, note: undefined });
    expect(freshness.tick()).toBe(false);
    clock.time += 1;
    expect(freshness.tick()).toBe(true);
    expect(freshness.show().stale).toBe(true);
  });
});
