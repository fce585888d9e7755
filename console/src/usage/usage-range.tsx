/** The three periods the usage views cover, the control that picks one, and how their times read. */
import { SegmentedControl } from '@mantine/core';
import type { UsageRange } from '../api/wire';

export const RANGES: { value: UsageRange; label: string; span: string }[] = [
  { value: '24h', label: '24 hours', span: 'the last 24 hours' },
  { value: '7d', label: '7 days', span: 'the last 7 days' },
  { value: '90d', label: '90 days', span: 'the last 90 days' },
];

export function rangeSpan(range: UsageRange): string {
  return RANGES.find((r) => r.value === range)?.span ?? range;
}

export function RangeControl({ value, onChange, label }: { value: UsageRange; onChange: (range: UsageRange) => void; label: string }) {
  return <SegmentedControl size="xs" value={value} onChange={(v) => onChange(v as UsageRange)} aria-label={label} data={RANGES.map(({ value, label }) => ({ value, label }))} />;
}

/** "15 minutes", "hour", "day": what one bar of the chart counts, from the server's bucket size. */
export function bucketName(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`;
  if (seconds % 3_600 === 0) return seconds === 3_600 ? 'hour' : `${seconds / 3_600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

// Axis ticks stay short; the tooltip gives the whole time. Minutes and hours read in the
// browser's time zone; the server counts days as UTC days, so a day bucket is named by its UTC
// date (midnight UTC is the evening before in America, which would name the wrong day).
const TICK: Record<UsageRange, Intl.DateTimeFormat> = {
  '24h': new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }),
  '7d': new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric' }),
  '90d': new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
};
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * A bucket's start as recharts hands it over: the ISO string of the data, but also undefined or
 * an index while it lays out an axis, which must not throw (Intl refuses an invalid Date).
 */
function dateOf(value: unknown): Date | null {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  return date !== null && !Number.isNaN(date.getTime()) ? date : null;
}

export function tickText(range: UsageRange, start: unknown): string {
  const date = dateOf(start);
  return date ? TICK[range].format(date) : '';
}

/** The period one bucket covers, as a person reads it: "Dec 4, 2026, 3:15 PM", or "Dec 4, 2026 (UTC)" for a day. */
export function bucketText(start: unknown, bucketSeconds: number): string {
  const date = dateOf(start);
  if (!date) return '';
  return bucketSeconds >= 86_400 ? `${DAY.format(date)} (UTC)` : FULL.format(date);
}

export const NUMBER = new Intl.NumberFormat();
