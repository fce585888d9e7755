/**
 * Request times: AWS's ISO 8601 basic form (20150830T123600Z), the HTTP Date header's
 * IMF-fixdate (Sun, 30 Aug 2015 12:36:00 GMT; the obsolete RFC 850 and asctime forms are
 * refused), and Tencent's Unix seconds. Impossible calendar dates are refused, not rolled over.
 */

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HTTP_DATE_RE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHORT_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DASHED_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UNIX_SECONDS_RE = /^[1-9]\d{0,11}$/;

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date : null;
}

export function parseAmzDate(value: string): Date | null {
  const m = AMZ_DATE_RE.exec(value);
  if (!m) return null;
  return utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export function parseHttpDate(value: string): Date | null {
  const m = HTTP_DATE_RE.exec(value);
  if (!m) return null;
  return utc(+m[3]!, MONTHS.indexOf(m[2]!) + 1, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
}

/** 20150830T123600Z */
export function formatAmzDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** A real calendar date written yyyymmdd (AWS scope). */
export function isShortDate(value: string): boolean {
  const m = SHORT_DATE_RE.exec(value);
  return m !== null && utc(+m[1]!, +m[2]!, +m[3]!) !== null;
}

/** A real calendar date written yyyy-mm-dd (Tencent scope). */
export function isDashedDate(value: string): boolean {
  const m = DASHED_DATE_RE.exec(value);
  return m !== null && utc(+m[1]!, +m[2]!, +m[3]!) !== null;
}

export function parseUnixSeconds(value: string): Date | null {
  if (!UNIX_SECONDS_RE.test(value)) return null;
  const date = new Date(Number(value) * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** yyyy-mm-dd of the UTC day. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function withinSkew(requestTime: Date, now: Date, maxSkewSeconds: number): boolean {
  return Math.abs(now.getTime() - requestTime.getTime()) <= maxSkewSeconds * 1000;
}

/** A missing clock is a bug in the caller (so it throws); letting NaN through would disable every time check. */
export function assertNow(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.now must be a valid Date');
}
