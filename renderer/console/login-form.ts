// The sign-in form's logic: when it may be sent, and what the officer reads when the server refuses (wrong credentials, locked for N minutes, a used link, no server).
import { ApiError } from './api.ts';
import { signInLocked, STRINGS, type Localised } from './strings.ts';

/** How a sign-in was tried: the form (user name and password) or the console link's one-time code. */
export type SignInMethod = 'password' | 'code';

export type LoginFailure =
  /** One answer for a wrong name and a wrong password: the server does not say which, nor does the page. */
  | { readonly kind: 'wrong-credentials' }
  /** Too many failures: no try counts until `until` (this page's monotonic clock; undefined when the server gave no time). */
  | { readonly kind: 'locked'; readonly until: number | undefined }
  | { readonly kind: 'code-refused' }
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'failed'; readonly status: number; readonly message: string };

export function loginFailureOf(error: unknown, method: SignInMethod, now: number): LoginFailure {
  if (!(error instanceof ApiError)) return { kind: 'failed', status: 0, message: error instanceof Error ? error.message : String(error) };
  if (error.status === 0) return { kind: 'unreachable', message: error.message };
  if (error.status === 429) return { kind: 'locked', until: error.retryAfterSeconds === undefined ? undefined : now + error.retryAfterSeconds * 1000 };
  if (error.status === 401) return method === 'code' ? { kind: 'code-refused' } : { kind: 'wrong-credentials' };
  return { kind: 'failed', status: error.status, message: error.message };
}

/** Whole minutes still to wait, rounded up ("1 min" until the very end, never "0 min"). */
export function minutesLeft(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 60_000));
}

/** Whether a lock is still on at `now` (one without a known end lasts until the next try tells). */
export function isLocked(failure: LoginFailure | undefined, now: number): boolean {
  return failure?.kind === 'locked' && failure.until !== undefined && now < failure.until;
}

/** What the form says about the last failure, and the server's own words when they add something. */
export function loginFailureText(failure: LoginFailure, now: number): { readonly text: Localised; readonly detail?: string } {
  switch (failure.kind) {
    case 'wrong-credentials':
      return { text: STRINGS.wrongCredentials };
    case 'locked':
      return { text: signInLocked(failure.until === undefined ? undefined : minutesLeft(failure.until, now)) };
    case 'code-refused':
      return { text: STRINGS.loginFailed };
    case 'unreachable':
      return { text: STRINGS.serverUnreachable, detail: failure.message };
    case 'failed':
      return { text: STRINGS.serverError, detail: `HTTP ${failure.status}: ${failure.message}` };
  }
}

export interface LoginFormState {
  readonly user: string;
  readonly password: string;
  /** A sign-in is on its way. */
  readonly busy: boolean;
  /** A lock is on (isLocked): a try now would only be refused again. */
  readonly locked: boolean;
}

/** Send only a complete form, one at a time, and not while locked. */
export function canSubmit(form: LoginFormState): boolean {
  return form.user.trim() !== '' && form.password !== '' && !form.busy && !form.locked;
}
