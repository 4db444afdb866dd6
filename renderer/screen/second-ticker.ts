// A tick on every whole second of wall time, only while something on screen shows seconds or a counting age.
import type { Disposable, Scheduler } from '../../common/contract/events.ts';

export class SecondTicker implements Disposable {
  private timer: Disposable | undefined;

  constructor(
    private readonly onTick: (now: number) => void,
    private readonly now: () => number,
    private readonly scheduler: Pick<Scheduler, 'setTimeout'>,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  set running(value: boolean) {
    if (value === this.running) return;
    if (value) this.arm();
    else {
      this.timer?.dispose();
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.running = false;
  }

  /** Aimed just past the next whole second, so a clock flips with the server's second, not up to a second late. */
  private arm(): void {
    const delay = 1000 - (((this.now() % 1000) + 1000) % 1000) + 5;
    this.timer = this.scheduler.setTimeout(() => {
      this.arm();
      this.onTick(this.now());
    }, delay);
  }
}
