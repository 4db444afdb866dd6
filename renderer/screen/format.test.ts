// Numbers, spans and clock text as the wall shows them.
import { describe, expect, it } from 'vitest';
import {
  bilingual,
  decimalsFor,
  formatAge,
  formatAxisTime,
  formatClockDate,
  formatClockTime,
  formatNumber,
  formatSpan,
  languagesOf,
} from './format.ts';

describe('numbers', () => {
  it('uses the series decimals, else 0 for whole numbers and 1 otherwise', () => {
    expect(decimalsFor(12, undefined)).toBe(0);
    expect(decimalsFor(12.34, undefined)).toBe(1);
    expect(decimalsFor(12, 2)).toBe(2);
  });

  it('writes Vietnamese separators and a real minus sign', () => {
    expect(formatNumber(5480.46, 1, 'vi')).toBe('5.480,5');
    expect(formatNumber(5480.46, 1, 'en')).toBe('5,480.5');
    expect(formatNumber(-2.5, 1, 'vi')).toBe('−2,5');
  });
});

describe('languages', () => {
  it('takes the primary and secondary language from the wall', () => {
    expect(languagesOf(['vi', 'en'])).toEqual({ primary: 'vi', secondary: 'en' });
    expect(languagesOf(['en'])).toEqual({ primary: 'en', secondary: undefined });
    expect(bilingual({ vi: 'mô phỏng', en: 'simulated' }, languagesOf(['vi', 'en']))).toBe('mô phỏng / simulated');
    expect(bilingual({ vi: 'mô phỏng', en: 'simulated' }, languagesOf(['en']))).toBe('simulated');
  });
});

describe('time', () => {
  const time = Date.UTC(2025, 10, 27, 1, 2, 3); // 08:02:03 in Hanoi, Thursday 27 November 2025

  it('shows the clock in the wall time zone', () => {
    expect(formatClockTime(time, 'Asia/Ho_Chi_Minh', true)).toBe('08:02:03');
    expect(formatClockTime(time, 'Asia/Ho_Chi_Minh', false)).toBe('08:02');
    expect(formatClockTime(time, 'UTC', true)).toBe('01:02:03');
    expect(formatClockDate(time, 'Asia/Ho_Chi_Minh', 'vi')).toMatch(/^Thứ Năm, 27\/11\/2025$/i);
  });

  it('writes spans, ages and axis times', () => {
    expect(formatSpan(86_400_000, 'vi')).toBe('1 ngày');
    expect(formatSpan(24 * 3_600_000, 'en')).toBe('1 d');
    expect(formatSpan(90 * 60_000, 'en')).toBe('1 h');
    expect(formatAge(3 * 60_000, 'vi')).toBe('3 phút trước');
    expect(formatAge(500, 'en')).toBe('0 s ago');
    expect(formatAxisTime(time, 3_600_000, 'Asia/Ho_Chi_Minh')).toBe('08:02');
    expect(formatAxisTime(time, 30 * 86_400_000, 'Asia/Ho_Chi_Minh')).toBe('27/11');
    expect(formatAxisTime(time, 365 * 86_400_000, 'Asia/Ho_Chi_Minh')).toBe('11/2025');
  });
});
