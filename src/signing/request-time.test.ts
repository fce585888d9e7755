import { describe, expect, it } from 'vitest';
import { assertNow, formatAmzDate, isDashedDate, isShortDate, parseAmzDate, parseHttpDate, parseUnixSeconds, utcDay } from './request-time.js';

describe('request times', () => {
  it('reads X-Amz-Date and writes it back', () => {
    const date = parseAmzDate('20150830T123600Z');
    expect(date?.toISOString()).toBe('2015-08-30T12:36:00.000Z');
    expect(formatAmzDate(date!)).toBe('20150830T123600Z');
  });

  it('refuses impossible or differently written times instead of rolling them over', () => {
    for (const bad of ['20150230T123600Z', '20150830T243600Z', '20150830T123660Z', '2015-08-30T12:36:00Z', '20150830T123600', ' 20150830T123600Z']) {
      expect(parseAmzDate(bad)).toBeNull();
    }
  });

  it('reads the Date header in IMF-fixdate only', () => {
    expect(parseHttpDate('Sun, 30 Aug 2015 12:36:00 GMT')?.toISOString()).toBe('2015-08-30T12:36:00.000Z');
    expect(parseHttpDate('Sunday, 30-Aug-15 12:36:00 GMT')).toBeNull();
    expect(parseHttpDate('Sun Aug 30 12:36:00 2015')).toBeNull();
    expect(parseHttpDate('Sun, 31 Feb 2015 12:36:00 GMT')).toBeNull();
  });

  it('checks scope dates as calendar dates', () => {
    expect(isShortDate('20240229')).toBe(true);
    expect(isShortDate('20230229')).toBe(false);
    expect(isDashedDate('2024-02-29')).toBe(true);
    expect(isDashedDate('2024-2-29')).toBe(false);
  });

  it('reads Tencent timestamps as whole Unix seconds and gives their UTC day', () => {
    expect(utcDay(parseUnixSeconds('1551113065')!)).toBe('2019-02-25');
    for (const bad of ['', '0', '01551113065', '1551113065.5', '-1', '1e9', '1234567890123']) expect(parseUnixSeconds(bad)).toBeNull();
  });

  it('treats a missing or invalid clock as a bug in the caller', () => {
    expect(() => assertNow(new Date(Number.NaN))).toThrow(TypeError);
    expect(() => assertNow(undefined as unknown as Date)).toThrow(TypeError);
    expect(() => assertNow(new Date())).not.toThrow();
  });
});
