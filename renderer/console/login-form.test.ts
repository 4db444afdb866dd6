// The officer reads why a sign-in failed (wrong credentials without saying which, locked with the minutes left, a used link, no server) and cannot send a half-filled form.
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { canSubmit, isLocked, loginFailureOf, loginFailureText, minutesLeft } from './login-form.ts';

const MINUTE = 60_000;

describe('loginFailureOf', () => {
  it('reads 401 as wrong credentials on the form, as a refused code on the link', () => {
    const refused = new ApiError(401, 'wrong user name or password, or the user is disabled', 'unauthorised', {});
    expect(loginFailureOf(refused, 'password', 0)).toEqual({ kind: 'wrong-credentials' });
    expect(loginFailureOf(refused, 'code', 0)).toEqual({ kind: 'code-refused' });
  });

  it('reads 429 as locked until the time the server gave, on this page’s clock', () => {
    const locked = new ApiError(429, 'too many failed sign-ins: try again in 15 min', 'locked', {}, 900);
    expect(loginFailureOf(locked, 'password', 5_000)).toEqual({ kind: 'locked', until: 5_000 + 900_000 });
    expect(loginFailureOf(new ApiError(429, 'HTTP 429', undefined, undefined), 'password', 0)).toEqual({ kind: 'locked', until: undefined });
  });

  it('tells an unreachable server from a server error', () => {
    expect(loginFailureOf(new ApiError(0, 'Failed to fetch', 'unreachable', undefined), 'password', 0)).toEqual({ kind: 'unreachable', message: 'Failed to fetch' });
    expect(loginFailureOf(new ApiError(500, 'boom', undefined, undefined), 'password', 0)).toEqual({ kind: 'failed', status: 500, message: 'boom' });
  });
});

describe('loginFailureText', () => {
  it('says the same for a wrong name and a wrong password', () => {
    expect(loginFailureText({ kind: 'wrong-credentials' }, 0).text).toEqual({ vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong user name or password' });
  });

  it('counts the lock down in whole minutes, rounded up', () => {
    const failure = { kind: 'locked', until: 15 * MINUTE } as const;
    expect(loginFailureText(failure, 0).text).toEqual({
      vi: 'Tạm khóa vì đăng nhập sai nhiều lần: thử lại sau 15 phút',
      en: 'Locked after repeated failed sign-ins: try again in 15 min',
    });
    expect(loginFailureText(failure, 14 * MINUTE + 1).text.en).toBe('Locked after repeated failed sign-ins: try again in 1 min');
    expect(loginFailureText({ kind: 'locked', until: undefined }, 0).text.vi).toBe('Tạm khóa vì đăng nhập sai nhiều lần: thử lại sau ít phút');
    expect(minutesLeft(10 * MINUTE, 10 * MINUTE)).toBe(1);
  });

  it('keeps the server’s words as detail for a server error', () => {
    expect(loginFailureText({ kind: 'failed', status: 500, message: 'boom' }, 0)).toEqual({ text: { vi: 'Máy chủ trả lời lỗi', en: 'The server answered with an error' }, detail: 'HTTP 500: boom' });
  });
});

describe('canSubmit', () => {
  const form = { user: 'lan', password: 'hunter2', busy: false, locked: false };

  it('sends a complete form, once, not while locked', () => {
    expect(canSubmit(form)).toBe(true);
    expect(canSubmit({ ...form, user: '   ' })).toBe(false);
    expect(canSubmit({ ...form, password: '' })).toBe(false);
    expect(canSubmit({ ...form, busy: true })).toBe(false);
    expect(canSubmit({ ...form, locked: true })).toBe(false);
  });

  it('holds a lock until its end only', () => {
    expect(isLocked({ kind: 'locked', until: 1_000 }, 999)).toBe(true);
    expect(isLocked({ kind: 'locked', until: 1_000 }, 1_000)).toBe(false);
    // No known end: the next try tells.
    expect(isLocked({ kind: 'locked', until: undefined }, 0)).toBe(false);
    expect(isLocked({ kind: 'wrong-credentials' }, 0)).toBe(false);
  });
});
