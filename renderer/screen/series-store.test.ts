// Values and chart history as panels read them: history replaces, live values append, late values never win.
import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, SeriesStore } from './series-store.ts';

const value = (time: number, v: number) => ({ value: v, time, trend: 'flat' as const, simulated: false });

describe('SeriesStore', () => {
  it('keeps the latest value and appends it to the history', () => {
    const store = new SeriesStore();
    const fired: string[][] = [];
    store.onDidChange((ids) => fired.push([...ids]));
    store.apply({ type: 'values', values: { a: value(1000, 1) }, history: { a: [{ time: 500, value: 0.5 }, { time: 100, value: 0.1 }] } });
    expect(store.latest('a')?.value).toBe(1);
    expect(store.history('a').map((point) => point.time)).toEqual([100, 500, 1000]);
    store.apply({ type: 'values', values: { a: value(2000, 2), b: value(10, 7) } });
    expect(store.history('a').map((point) => point.value)).toEqual([0.1, 0.5, 1, 2]);
    expect(fired).toEqual([['a'], ['a', 'b']]);
  });

  it('replaces history on a new history message and ignores older live values', () => {
    const store = new SeriesStore();
    store.apply({ type: 'values', values: { a: value(2000, 2) } });
    store.apply({ type: 'values', values: { a: value(1000, 1) } });
    expect(store.latest('a')?.value).toBe(2);
    store.apply({ type: 'values', values: {}, history: { a: [{ time: 1, value: 9 }] } });
    expect(store.history('a')).toEqual([{ time: 1, value: 9 }]);
    expect(store.history('unknown')).toEqual([]);
  });

  it('bounds the history it keeps', () => {
    const store = new SeriesStore();
    const points = Array.from({ length: HISTORY_LIMIT + 50 }, (_, index) => ({ time: index, value: index }));
    store.apply({ type: 'values', values: {}, history: { a: points } });
    store.apply({ type: 'values', values: { a: value(1e9, 1) } });
    expect(store.history('a')).toHaveLength(HISTORY_LIMIT);
    expect(store.history('a').at(-1)?.time).toBe(1e9);
  });
});
