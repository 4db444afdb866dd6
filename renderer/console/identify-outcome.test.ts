// The technician reads how many screens show their identity and for how long, or why nothing happened.
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { identifyFailureOf, identifySummary } from './identify-outcome.ts';

describe('identifySummary', () => {
  it('says how many screens, for how long, in both languages', () => {
    expect(identifySummary(18, 10)).toEqual({ vi: '18 màn hình trong 10 giây', en: '18 screens for 10 s' });
    expect(identifySummary(1, 10).en).toBe('1 screen for 10 s');
  });
});

describe('identifyFailureOf', () => {
  it("reads 401 as not signed in and keeps the server's message otherwise", () => {
    expect(identifyFailureOf(new ApiError(401, 'sign in first', 'unauthorised', {}))).toEqual({ kind: 'unauthorised' });
    expect(identifyFailureOf(new ApiError(400, 'POST {"seconds": 1..120} (default 10)', 'bad_request', {}))).toEqual({
      kind: 'failed',
      status: 400,
      message: 'POST {"seconds": 1..120} (default 10)',
    });
    expect(identifyFailureOf(new ApiError(0, 'Failed to fetch', 'unreachable', undefined))).toEqual({ kind: 'failed', status: 0, message: 'Failed to fetch' });
  });
});
