// The once-a-second tick: on whole seconds of wall time, and only while running.
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../common/contract/manual-scheduler.ts';
import { SecondTicker } from './second-ticker.ts';

function fakeScheduler() {
  const scheduler = new ManualScheduler(10_250);
  return {
    now: scheduler.now,
    scheduler,
    /** Moves time forward, firing due timers in order. */
    advance: (milliseconds: number) => scheduler.advance(milliseconds),
    get pending() {
      return scheduler.pending;
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
