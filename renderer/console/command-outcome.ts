// What became of a scene command, from the server's answer: switched (who flipped, late, failed), superseded, refused (not signed in, not allowed) or failed.
import type { Role } from '../../common/contract/roles.ts';
import { ApiError, type ScreenOutcome, type SwitchOutcome } from './api.ts';

export type CommandOutcome =
  | { readonly kind: 'pending' }
  | { readonly kind: 'switched'; readonly outcome: SwitchOutcome }
  /** A newer command (from here or elsewhere) replaced this one before the commit: not an error, the wall follows the newer one. */
  | { readonly kind: 'superseded' }
  | { readonly kind: 'unauthorised' }
  /**
   * Signed in, not allowed: `message` is the server's 403 (its words name the rule), `needs` who may when this page
   * refused a hotkey itself without asking; `csrf` when the session's token was out of date (nothing was checked yet).
   */
  | { readonly kind: 'forbidden'; readonly message?: string; readonly needs?: readonly Role[]; readonly csrf?: boolean }
  | { readonly kind: 'failed'; readonly status: number; readonly message: string };

export function failureOf(error: unknown): CommandOutcome {
  if (error instanceof ApiError) {
    if (error.status === 409 || error.code === 'superseded') return { kind: 'superseded' };
    if (error.status === 401) return { kind: 'unauthorised' };
    if (error.status === 403 && error.code === 'csrf') return { kind: 'forbidden', csrf: true };
    if (error.status === 403) return { kind: 'forbidden', message: error.message };
    return { kind: 'failed', status: error.status, message: error.message };
  }
  return { kind: 'failed', status: 0, message: error instanceof Error ? error.message : String(error) };
}

/** Each screen's part in a switch; a screen in no list did not take part (it was not connected). */
export function outcomeByScreen(outcome: SwitchOutcome): Map<string, ScreenOutcome> {
  const byScreen = new Map<string, ScreenOutcome>();
  for (const kind of ['flipped', 'late', 'failed'] as const) for (const screen of outcome.screens[kind] ?? []) byScreen.set(screen, kind);
  return byScreen;
}
