// The real clock and timers, behind the Scheduler port that main/core uses.
import type { Scheduler } from '../../common/contract/index.ts';

export const nodeScheduler: Scheduler = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout(callback, milliseconds) {
    const timer = setTimeout(callback, milliseconds);
    return { dispose: () => clearTimeout(timer) };
  },
};
