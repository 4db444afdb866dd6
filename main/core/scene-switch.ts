// One two-phase scene switch: who was asked to prepare, who is ready, who flipped, and the outcome the command answers with.
import type { BridgeClient, Disposable, Flipped, Scheduler, SwitchOutcome } from '../../common/contract/index.ts';

export type { SwitchOutcome };

/** The committed scene: what every screen shows, and what survives a restart. */
export interface CommittedScene {
  readonly sceneId: string;
  /** Strictly increasing with every committed switch. */
  readonly version: number;
  /** Server time of the commit: screens flip on their first frame at or after it. */
  readonly committedAt: number;
  readonly previousSceneId: string | null;
}

export class SupersededError extends Error {
  constructor(readonly supersededBy: number) {
    super(`superseded by switch ${supersededBy}`);
  }
}

/** The layout was reloaded while the switch was being prepared: what the screens built is of the old layout. */
export class LayoutChangedError extends Error {
  constructor() {
    super('the layout changed while the switch was being prepared; send the command again');
  }
}

/** A promise that a timer or an event settles, whichever comes first. */
function deadline(scheduler: Scheduler, milliseconds: number, until: (done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer: Disposable = scheduler.setTimeout(() => done(), milliseconds);
    const done = () => {
      timer.dispose();
      resolve();
    };
    until(done);
  });
}

export class SceneSwitch {
  private readonly ready = new Set<BridgeClient>();
  private readonly flips = new Map<BridgeClient, Flipped>();
  /** What the current wait is for, and how to end it. */
  private wake: { readonly until: 'ready' | 'flipped'; readonly done: () => void } | undefined;
  /** Why this switch will never commit, once it will not. */
  private abandoned: Error | undefined;

  constructor(
    readonly id: number,
    readonly sceneId: string,
    readonly version: number,
    /** The clients asked to prepare (those connected when the switch began). */
    readonly participants: readonly BridgeClient[],
    private readonly isConnected: (client: BridgeClient) => boolean,
  ) {}

  markReady(client: BridgeClient): void {
    if (!this.participants.includes(client)) return;
    this.ready.add(client);
    this.check();
  }

  markFlipped(client: BridgeClient, flip: Flipped): void {
    if (!this.participants.includes(client) || flip.version !== this.version) return;
    this.flips.set(client, flip);
    this.check();
  }

  /** A newer command (SupersededError) or a layout reload (LayoutChangedError) came before the commit: this switch will never commit. */
  abandon(reason: Error): void {
    this.abandoned = reason;
    this.wake?.done();
  }

  /** Resolves when every connected participant is ready, or at the deadline; throws if superseded meanwhile. */
  async untilReady(scheduler: Scheduler, milliseconds: number): Promise<void> {
    await deadline(scheduler, milliseconds, (done) => {
      this.wake = { until: 'ready', done };
      this.check();
    });
    this.wake = undefined;
    if (this.abandoned) throw this.abandoned;
  }

  /** Resolves when every participant reported its flip (or left), or after `milliseconds`. */
  async untilFlipped(scheduler: Scheduler, milliseconds: number): Promise<void> {
    await deadline(scheduler, milliseconds, (done) => {
      this.wake = { until: 'flipped', done };
      this.check();
    });
    this.wake = undefined;
  }

  outcome(committedAt: number): SwitchOutcome {
    const screens = { flipped: [] as string[], late: [] as string[], failed: [] as string[] };
    for (const client of this.participants) {
      const flip = this.flips.get(client);
      const bucket = !flip ? screens.failed : flip.late ? screens.late : screens.flipped;
      bucket.push(...client.hello.screens);
    }
    return { sceneId: this.sceneId, version: this.version, committedAt, screens };
  }

  private check(): void {
    const wake = this.wake;
    if (!wake) return;
    const done = wake.until === 'ready' ? this.ready : this.flips;
    const waiting = this.participants.filter((client) => this.isConnected(client) && !done.has(client));
    if (this.abandoned || waiting.length === 0) wake.done();
  }
}
