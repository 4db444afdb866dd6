// The screen's half of a two-phase scene switch, without pixi: which builds wait, when one flips, late or not, what a newer prepare or a cancel drops.

export interface CommitOrder {
  readonly switchId: number;
  readonly version: number;
  /** Server clock: flip on the first frame at or after it. */
  readonly at: number;
}

/** A committed switch as the screen showed it. */
export interface SwitchFlip {
  readonly switchId: number;
  readonly version: number;
  /** The commit time, server clock. */
  readonly at: number;
  /** Not ready in time: the build was not finished when the commit arrived, or the commit arrived after its time. */
  readonly late: boolean;
}

/** What to show in this frame, and the older committed switches it covers (their time came too; nothing of them reaches the screen). */
export interface DueFlip<Build, Plan> extends SwitchFlip {
  readonly build: Build;
  readonly plan: Plan;
  readonly covered: readonly SwitchFlip[];
}

export type CommitAnswer =
  /** This screen never prepared the switch (it connected during the prepare; the server sends it a full assignment). */
  | 'ignored'
  /** Built, and heard in time: flips on the first frame at or after the commit time. */
  | 'on-time'
  /** Still building, or heard after its time: flips on the first frame at or after the commit time once it is built. */
  | 'late';

/** A build to (re)start: `built` takes its ticket. */
export interface BuildOrder<Plan> {
  readonly ticket: number;
  readonly switchId: number;
  readonly plan: Plan;
}

interface Waiting<Build, Plan> {
  readonly switchId: number;
  readonly plan: Plan;
  /** Changes whenever the build is started again; a build that finishes with an older ticket is not wanted. */
  ticket: number;
  build: Build | undefined;
  commit: { readonly version: number; readonly at: number; readonly late: boolean } | undefined;
}

/**
 * At most one switch is prepared and not yet committed (a newer prepare supersedes it); committed
 * switches wait for their time, in order. The tracker owns every finished build until `due` hands one
 * over, and discards those nobody wants any more. The caller builds, asks `due` on every animation
 * frame while `flipPending`, and shows what it returns.
 */
export class SwitchTracker<Build, Plan> {
  /** Committed ones first, by switch id; the uncommitted one, if any, last. */
  private waiting: Waiting<Build, Plan>[] = [];
  private nextTicket = 1;

  constructor(private readonly discard: (build: Build) => void) {}

  /** The newest switch whose build is in waiting (building, built, or committed and waiting for its frame). */
  get prepared(): number | undefined {
    return this.waiting.at(-1)?.switchId;
  }

  /** The finished builds in waiting (they follow value updates while they wait). */
  get builds(): Build[] {
    return this.waiting.flatMap((waiting) => (waiting.build === undefined ? [] : [waiting.build]));
  }

  /** A committed switch waits on a finished build: every animation frame must ask `due`. */
  get flipPending(): boolean {
    return this.waiting.some((waiting) => waiting.commit !== undefined && waiting.build !== undefined);
  }

  /** Phase one: start building. An older switch not committed yet is dropped, finished or not. */
  prepare(switchId: number, plan: Plan): BuildOrder<Plan> {
    const uncommitted = this.uncommitted;
    if (uncommitted) this.drop(uncommitted);
    const ticket = this.nextTicket++;
    this.waiting.push({ switchId, plan, ticket, build: undefined, commit: undefined });
    return { ticket, switchId, plan };
  }

  /** Every build in waiting must be made again (the window changed size, the WebGL context was restored): drops them and returns what to build. */
  restart(): BuildOrder<Plan>[] {
    return this.waiting.map((waiting) => {
      const build = waiting.build;
      waiting.build = undefined;
      waiting.ticket = this.nextTicket++;
      if (build !== undefined) this.discard(build);
      return { ticket: waiting.ticket, switchId: waiting.switchId, plan: waiting.plan };
    });
  }

  /** Whether a build started with `ticket` is still wanted (to skip the rest of the work when not). */
  wants(ticket: number): boolean {
    return this.byTicket(ticket) !== undefined;
  }

  /** A build finished. True: it is kept, say ready. False: nobody wants it any more (superseded, cancelled, rebuilt) and it was discarded. */
  built(ticket: number, build: Build): boolean {
    const waiting = this.byTicket(ticket);
    if (!waiting) {
      this.discard(build);
      return false;
    }
    waiting.build = build;
    return true;
  }

  /** Phase two arrived, at server time `now`. */
  commit(order: CommitOrder, now: number): CommitAnswer {
    const waiting = this.uncommitted;
    if (!waiting || waiting.switchId !== order.switchId) return 'ignored';
    const late = waiting.build === undefined || now > order.at;
    waiting.commit = { version: order.version, at: order.at, late };
    return late ? 'late' : 'on-time';
  }

  /** The switch will never commit: drop its build. True when it was waiting. */
  cancel(switchId: number): boolean {
    const waiting = this.waiting.find((candidate) => candidate.switchId === switchId);
    if (!waiting) return false;
    this.drop(waiting);
    return true;
  }

  /**
   * On an animation frame at server time `now`: the newest committed build whose time has come, if it is
   * built. It is handed over: the caller disposes it from now on. Older committed switches are covered
   * by it (discarded, reported with it); a build whose time came but is not finished waits for it.
   */
  due(now: number): DueFlip<Build, Plan> | undefined {
    let index = -1;
    for (const [candidate, waiting] of this.waiting.entries()) {
      if (waiting.commit && waiting.build !== undefined && now >= waiting.commit.at) index = candidate;
    }
    if (index < 0) return undefined;
    const shown = this.waiting[index]!;
    const covered = this.waiting.slice(0, index);
    this.waiting = this.waiting.slice(index + 1);
    for (const older of covered) if (older.build !== undefined) this.discard(older.build);
    const flipOf = (waiting: Waiting<Build, Plan>): SwitchFlip => ({
      switchId: waiting.switchId,
      version: waiting.commit!.version,
      at: waiting.commit!.at,
      late: waiting.commit!.late,
    });
    return { ...flipOf(shown), build: shown.build!, plan: shown.plan, covered: covered.filter((older) => older.commit).map(flipOf) };
  }

  /** Drops whatever waits (a full assignment replaced the scene, the page goes away). */
  reset(): void {
    for (const waiting of [...this.waiting]) this.drop(waiting);
  }

  private get uncommitted(): Waiting<Build, Plan> | undefined {
    const last = this.waiting.at(-1);
    return last && !last.commit ? last : undefined;
  }

  private byTicket(ticket: number): Waiting<Build, Plan> | undefined {
    return this.waiting.find((waiting) => waiting.ticket === ticket && waiting.build === undefined);
  }

  private drop(waiting: Waiting<Build, Plan>): void {
    this.waiting = this.waiting.filter((candidate) => candidate !== waiting);
    if (waiting.build !== undefined) this.discard(waiting.build);
  }
}

/** Keeps the last `limit` items of a list that only grows at its end (the flips an operator can inspect). */
export function appendBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
