// The real scheduler waits as long as asked, even past Node's 24.8-day timer limit (a monthly series turning stale).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeScheduler } from './node-scheduler.ts';

describe('the node scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires a 90-day wait after 90 days, not at once, and can be cancelled at any step', () => {
    const ninetyDays = 90 * 24 * 3_600_000;
    const fired = vi.fn();
    nodeScheduler.setTimeout(fired, ninetyDays);
    vi.advanceTimersByTime(ninetyDays - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);

    const cancelled = vi.fn();
    const timer = nodeScheduler.setTimeout(cancelled, ninetyDays);
    vi.advanceTimersByTime(2 ** 31 + 5);
    timer.dispose();
    vi.advanceTimersByTime(ninetyDays);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
