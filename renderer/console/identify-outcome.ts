// What became of an identify request from this console: sent to how many screens for how long, not signed in, or failed.
import { ApiError, type IdentifyAnswer } from './api.ts';
import type { Localised } from './strings.ts';

export type IdentifyOutcome =
  | { readonly kind: 'pending'; readonly seconds: number }
  | { readonly kind: 'identifying'; readonly seconds: number; readonly answer: IdentifyAnswer }
  /** The time asked for has passed (as this page counts it from the answer): the screens are back to their scene. */
  | { readonly kind: 'identified'; readonly seconds: number; readonly answer: IdentifyAnswer }
  | { readonly kind: 'unauthorised' }
  | { readonly kind: 'failed'; readonly status: number; readonly message: string };

export function identifyFailureOf(error: unknown): IdentifyOutcome {
  if (error instanceof ApiError) return error.status === 401 ? { kind: 'unauthorised' } : { kind: 'failed', status: error.status, message: error.message };
  return { kind: 'failed', status: 0, message: error instanceof Error ? error.message : String(error) };
}

/** "18 màn hình trong 10 giây / 18 screens for 10 s": what the officer asked for, as the server took it. */
export function identifySummary(screenCount: number, seconds: number): Localised {
  return {
    vi: `${screenCount} màn hình trong ${seconds} giây`,
    en: `${screenCount} ${screenCount === 1 ? 'screen' : 'screens'} for ${seconds} s`,
  };
}
