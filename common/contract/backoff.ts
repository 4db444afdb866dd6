// Reconnect delays: doubling, capped, with jitter so a wall of screens does not reconnect in one stampede.

export interface BackoffOptions {
  readonly initialMilliseconds: number;
  readonly maximumMilliseconds: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMilliseconds: 250, maximumMilliseconds: 5_000 };

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const base = Math.min(options.maximumMilliseconds, options.initialMilliseconds * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.8 + 0.4 * random()));
}
