// The officer reads the same words for the same server answer: superseded, not signed in, or the server's own message.
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { failureOf, outcomeByScreen } from './command-outcome.ts';

describe('failureOf', () => {
  it('reads 409 as superseded and 401 as not signed in', () => {
    expect(failureOf(new ApiError(409, 'HTTP 409', 'superseded', { error: 'superseded', supersededBy: 12 }))).toEqual({ kind: 'superseded' });
    expect(failureOf(new ApiError(401, 'not signed in', 'unauthorised', {}))).toEqual({ kind: 'unauthorised' });
  });

  it("reads 403 as not allowed with the server's words, and a stale CSRF token apart", () => {
    expect(failureOf(new ApiError(403, 'scene flood needs duty-officer', 'forbidden', {}))).toEqual({ kind: 'forbidden', message: 'scene flood needs duty-officer' });
    expect(failureOf(new ApiError(403, 'missing or wrong X-CSRF-Token', 'csrf', {}))).toEqual({ kind: 'forbidden', csrf: true });
  });

  it("keeps the server's message for anything else", () => {
    expect(failureOf(new ApiError(404, 'there is no previous scene yet', 'unknown_scene', {}))).toEqual({
      kind: 'failed',
      status: 404,
      message: 'there is no previous scene yet',
    });
    expect(failureOf(new TypeError('Failed to fetch'))).toEqual({ kind: 'failed', status: 0, message: 'Failed to fetch' });
  });
});

describe('outcomeByScreen', () => {
  it("gives each screen its part in the switch", () => {
    const byScreen = outcomeByScreen({ sceneId: 'flood', version: 4, committedAt: 0, screens: { flipped: ['S01', 'S02'], late: ['S03'], failed: ['S04'] } });
    expect(Object.fromEntries(byScreen)).toEqual({ S01: 'flipped', S02: 'flipped', S03: 'late', S04: 'failed' });
  });
});
