// The real clock and timers, behind the Scheduler port that main/core uses.
import type { Disposable, Scheduler } from '../../common/contract/index.ts';

/** Node fires a longer timeout after 1 ms (with a warning); a long wait, such as a monthly series turning stale, is taken in steps. */
const LONGEST_TIMEOUT = 2 ** 31 - 1;

function wait(callback: () => void, milliseconds: number): Disposable {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number) => {
    timer = remaining > LONGEST_TIMEOUT ? setTimeout(() => arm(remaining - LONGEST_TIMEOUT), LONGEST_TIMEOUT) : setTimeout(callback, remaining);
  };
  arm(milliseconds);
  return { dispose: () => clearTimeout(timer) };
}

export const nodeScheduler: Scheduler = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout: wait,
};
