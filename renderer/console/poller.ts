// Runs a task now and again every period, never two at once (a slow server must not pile up requests), until disposed.
import type { Disposable, Scheduler } from '../../common/contract/events.ts';

export interface Poller extends Disposable {
  /** Runs the task now (after the current run, if one is going), then keeps the period from there. */
  runNow(): void;
}

export function poll(task: () => Promise<void>, periodMilliseconds: number, scheduler: Scheduler): Poller {
  let timer: Disposable | undefined;
  let running = false;
  let again = false;
  let disposed = false;
  const run = async () => {
    timer?.dispose();
    timer = undefined;
    if (disposed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch {
      // The task shows its own errors; the next period tries again.
    } finally {
      running = false;
    }
    if (disposed) return;
    if (again) {
      again = false;
      void run();
      return;
    }
    timer = scheduler.setTimeout(() => void run(), periodMilliseconds);
  };
  void run();
  return {
    runNow: () => void run(),
    dispose: () => {
      disposed = true;
      timer?.dispose();
    },
  };
}
