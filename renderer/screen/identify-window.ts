// When the identify overlay is on: from an `identify {until}` until that time (server clock); a later identify extends it, never shortens it.
import type { Disposable, Scheduler } from '../../common/contract/events.ts';

export class IdentifyWindow implements Disposable {
  private end: number | undefined;
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(
    /** Server clock, as the bridge estimates it. */
    private readonly now: () => number,
    private readonly scheduler: Pick<Scheduler, 'setTimeout'>,
    /** The window opened, was extended, or closed. */
    private readonly onDidChange: () => void,
  ) {}

  /** The server time the overlay goes away at, while it is on. */
  get until(): number | undefined {
    return this.end;
  }

  get active(): boolean {
    return this.end !== undefined;
  }

  /**
   * Shows the overlay until `until`. Two technicians identifying at once must each get their full time,
   * so an earlier end than the current one changes nothing; an end already past (a message that waited
   * in a queue) is ignored.
   */
  identify(until: number): void {
    if (this.disposed || !Number.isFinite(until)) return;
    if (until <= this.now() || (this.end !== undefined && until <= this.end)) return;
    this.end = until;
    this.arm();
    this.onDidChange();
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = undefined;
    this.end = undefined;
  }

  private arm(): void {
    this.timer?.dispose();
    const end = this.end;
    if (end === undefined) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      // The server clock estimate can move while we wait (a new clock sync): check again rather than trust the delay.
      if (this.now() < end) {
        this.arm();
        return;
      }
      this.end = undefined;
      this.onDidChange();
    }, Math.max(1, end - this.now()));
  }
}
