// Login attempts, limited per user name and per address: after repeated failures both are locked for a while.

export interface LoginLimits {
  /** Failures within `windowMilliseconds` that lock. */
  readonly failures: number;
  readonly windowMilliseconds: number;
  readonly lockMilliseconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { failures: 5, windowMilliseconds: 15 * 60_000, lockMilliseconds: 15 * 60_000 };

/** Keys are kept only while they matter, so a flood of made-up names cannot grow memory for long. */
const MAXIMUM_KEYS = 10_000;

interface Record {
  failuresAt: number[];
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly now: () => number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /** Milliseconds until any of `keys` may try again; 0 when none is locked. */
  retryAfter(keys: readonly string[]): number {
    const now = this.now();
    return Math.max(0, ...keys.map((key) => (this.records.get(key)?.lockedUntil ?? 0) - now));
  }

  failed(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const record = this.records.get(key) ?? { failuresAt: [], lockedUntil: 0 };
      record.failuresAt = [...record.failuresAt.filter((at) => now - at < this.limits.windowMilliseconds), now];
      if (record.failuresAt.length >= this.limits.failures) {
        record.lockedUntil = now + this.limits.lockMilliseconds;
        record.failuresAt = [];
      }
      this.records.delete(key);
      this.records.set(key, record);
    }
    this.forgetOld(now);
  }

  /** A success clears the user's failures; the address keeps its own (one address guessing many names stays limited). */
  succeeded(key: string): void {
    this.records.delete(key);
  }

  private forgetOld(now: number): void {
    for (const [key, record] of this.records) {
      if (this.records.size <= MAXIMUM_KEYS) break;
      if (record.lockedUntil <= now) this.records.delete(key);
    }
  }
}
