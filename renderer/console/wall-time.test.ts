// Commit and audit times read in the wall's time zone, not the desk computer's.
import { describe, expect, it } from 'vitest';
import { wallClock } from './wall-time.ts';

// 2026-11-26T07:03:22.120Z is 14:03:22.120 in Hanoi (UTC+7, no daylight saving).
const INSTANT = Date.UTC(2026, 10, 26, 7, 3, 22, 120);

describe('wallClock', () => {
  it('writes times in Asia/Ho_Chi_Minh, 24-hour, to the millisecond', () => {
    const clock = wallClock('Asia/Ho_Chi_Minh');
    expect(clock.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(clock.time(INSTANT)).toBe('14:03:22.120');
    expect(clock.dateTime(INSTANT)).toBe('26/11 14:03:22');
  });

  it('turns the date over at local midnight', () => {
    expect(wallClock('Asia/Ho_Chi_Minh').dateTime(Date.UTC(2026, 10, 26, 17, 0, 5))).toBe('27/11 00:00:05');
  });

  it('falls back to the browser zone for a zone it does not know', () => {
    const clock = wallClock('Mars/Olympus_Mons');
    expect(clock.timeZone).not.toBe('Mars/Olympus_Mons');
    expect(clock.time(INSTANT)).toMatch(/^\d\d:03:22\.120$/);
  });
});
