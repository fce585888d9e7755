import { Text, type TextProps } from '@mantine/core';

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const LOCAL_DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "2025-06-01 08:30:00 UTC": the exact value, shown on hover next to the local time. */
export function utcText(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function localText(iso: string, dateOnly = false): string {
  return (dateOnly ? LOCAL_DATE : LOCAL).format(new Date(iso));
}

/** A time in the browser's time zone; hovering shows it in UTC. `empty` stands in for null. */
export function DateTime({ value, empty = '—', dateOnly = false, ...props }: { value: string | null; empty?: string; dateOnly?: boolean } & TextProps) {
  if (value === null) {
    return (
      <Text span inherit {...props}>
        {empty}
      </Text>
    );
  }
  return (
    <Text span inherit {...props}>
      <time dateTime={value} title={utcText(value)}>
        {localText(value, dateOnly)}
      </time>
    </Text>
  );
}
