// The bridge's Scheduler in a browser page: wall-clock time, timers as disposables, Math.random for jitter.
import type { Scheduler } from '../../common/contract/events.ts';

export function browserScheduler(): Scheduler {
  return {
    now: () => Date.now(),
    setTimeout: (callback, milliseconds) => {
      const handle = window.setTimeout(callback, milliseconds);
      return { dispose: () => window.clearTimeout(handle) };
    },
    random: () => Math.random(),
  };
}
