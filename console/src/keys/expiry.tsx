/** Key validity (seeds 001, 004): 30/90/180/365 days, a custom date, or never where policy allows. */
import { Alert, Select, Stack, TextInput } from '@mantine/core';
import type { Policy } from '../api/wire';

export type ExpiryChoice = { kind: 'days'; days: number } | { kind: 'date'; date: string } | { kind: 'never' };

const PRESETS = [30, 90, 180, 365];

export function defaultExpiry(policy: Policy): ExpiryChoice {
  if (policy.defaultValidityDays === null) return { kind: 'never' };
  return { kind: 'days', days: policy.defaultValidityDays };
}

/** The request fields for a choice; a custom date means the end of that day in the browser's zone. */
export function expiryFields(choice: ExpiryChoice): { expiresInDays: number } | { expiresAt: string } | { neverExpires: true } {
  if (choice.kind === 'days') return { expiresInDays: choice.days };
  if (choice.kind === 'never') return { neverExpires: true };
  return { expiresAt: new Date(`${choice.date}T23:59:59`).toISOString() };
}

export function isExpiryComplete(choice: ExpiryChoice): boolean {
  return choice.kind !== 'date' || /^\d{4}-\d{2}-\d{2}$/.test(choice.date);
}

function toValue(choice: ExpiryChoice): string {
  return choice.kind === 'days' ? String(choice.days) : choice.kind;
}

function localDate(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function ExpiryInput({ value, onChange, policy, label = 'Validity' }: { value: ExpiryChoice; onChange: (next: ExpiryChoice) => void; policy: Policy; label?: string }) {
  const days = new Set(PRESETS);
  if (policy.defaultValidityDays !== null) days.add(policy.defaultValidityDays);
  if (value.kind === 'days') days.add(value.days);
  const data = [
    ...[...days].sort((a, b) => a - b).map((d) => ({ value: String(d), label: `${d} days${d === policy.defaultValidityDays ? ' (tenant default)' : ''}` })),
    { value: 'date', label: 'Custom date' },
    { value: 'never', label: policy.allowNeverExpires ? 'Never expires' : 'Never expires (not allowed by the tenant policy)', disabled: !policy.allowNeverExpires },
  ];
  return (
    <Stack gap="xs">
      <Select
        label={label}
        description="How long the key works. After it expires you can extend it by editing the key."
        data={data}
        value={toValue(value)}
        allowDeselect={false}
        onChange={(v) => {
          if (v === 'never') onChange({ kind: 'never' });
          else if (v === 'date') onChange({ kind: 'date', date: value.kind === 'date' ? value.date : localDate(30) });
          else if (v) onChange({ kind: 'days', days: Number(v) });
        }}
      />
      {value.kind === 'date' && (
        <TextInput
          type="date"
          label="Expiry date"
          description="The key stops working at the end of this day (your time zone)."
          value={value.date}
          min={localDate(1)}
          max={localDate(3650)}
          onChange={(e) => onChange({ kind: 'date', date: e.currentTarget.value })}
          required
        />
      )}
      {value.kind === 'never' && (
        <Alert color="yellow" variant="light">
          A key that never expires works until someone disables or deletes it. For safety, prefer a definite expiry date; you can extend it later.
        </Alert>
      )}
    </Stack>
  );
}
