// A Scheduler whose time moves only when a test says so: backoff, deadlines and demo steps become deterministic.
import type { Disposable, Scheduler } from './events.ts';

export class ManualScheduler implements Scheduler {
  private timers: { at: number; callback: () => void }[] = [];

  constructor(private time = 0) {}

  now = (): number => this.time;
  random = (): number => 0.5;

  setTimeout(callback: () => void, milliseconds: number): Disposable {
    const timer = { at: this.time + milliseconds, callback };
    this.timers.push(timer);
    return { dispose: () => void (this.timers = this.timers.filter((candidate) => candidate !== timer)) };
  }

  /** Timers not yet run (a leak check: zero after dispose). */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, running every timer that falls due, in order. */
  advance(milliseconds: number): void {
    const end = this.time + milliseconds;
    for (;;) {
      const next = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
}
