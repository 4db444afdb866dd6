// The once-a-second tick: on whole seconds of wall time, and only while running.
import { describe, expect, it } from 'vitest';
import type { Disposable } from '../../common/contract/events.ts';
import { SecondTicker } from './second-ticker.ts';

function fakeScheduler() {
  let time = 10_250;
  const timers = new Set<{ at: number; callback: () => void }>();
  return {
    now: () => time,
    scheduler: {
      setTimeout(callback: () => void, milliseconds: number): Disposable {
        const timer = { at: time + milliseconds, callback };
        timers.add(timer);
        return { dispose: () => void timers.delete(timer) };
      },
    },
    /** Moves time forward, firing due timers in order. */
    advance(milliseconds: number) {
      const end = time + milliseconds;
      for (;;) {
        const due = [...timers].filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due);
        time = due.at;
        due.callback();
      }
      time = end;
    },
    get pending() {
      return timers.size;
    },
  };
}

describe('SecondTicker', () => {
  it('ticks just after each whole second while running, and stops when told', () => {
    const fake = fakeScheduler();
    const ticks: number[] = [];
    const ticker = new SecondTicker((now) => ticks.push(now), fake.now, fake.scheduler);
    fake.advance(5_000);
    expect(ticks).toEqual([]);
    ticker.running = true;
    fake.advance(3_000);
    expect(ticks.map((time) => time % 1000)).toEqual([5, 5, 5]);
    expect(ticks[0]).toBe(16_005);
    ticker.running = false;
    fake.advance(3_000);
    expect(ticks).toHaveLength(3);
    expect(fake.pending).toBe(0);
  });
});
