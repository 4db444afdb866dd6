// The login code is taken out of the address so it cannot be bookmarked, shared or replayed from history.
import { describe, expect, it } from 'vitest';
import { readLoginFragment } from './login-fragment.ts';

describe('readLoginFragment', () => {
  it('takes the code and leaves an empty fragment', () => {
    expect(readLoginFragment('#login=AbC-123_x')).toEqual({ code: 'AbC-123_x', rest: '' });
  });

  it('keeps whatever else the fragment says', () => {
    expect(readLoginFragment('#login=abc&screen=S01')).toEqual({ code: 'abc', rest: '#screen=S01' });
  });

  it('finds no code in an empty, unrelated or blank fragment', () => {
    expect(readLoginFragment('')).toEqual({ code: undefined, rest: '' });
    expect(readLoginFragment('#audit')).toEqual({ code: undefined, rest: '#audit' });
    expect(readLoginFragment('#login=')).toEqual({ code: undefined, rest: '' });
  });
});
