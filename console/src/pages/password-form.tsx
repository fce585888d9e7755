import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client';
import { ErrorAlert } from '../ui/error-alert';

export const MIN_PASSWORD = 12;

/** PUT /v1/me/password. Other sessions of the user end when it succeeds. */
export function PasswordForm({ currentLabel, submitLabel, onChanged }: { currentLabel: string; submitLabel: string; onChanged: () => void | Promise<void> }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = again !== '' && again !== next;
  const short = next !== '' && next.length < MIN_PASSWORD;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/v1/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setAgain('');
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!mismatch && !short) void submit();
      }}
    >
      <Stack gap="sm" maw={440}>
        <PasswordInput label={currentLabel} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required autoComplete="current-password" />
        <PasswordInput
          label="New password"
          description={`At least ${MIN_PASSWORD} characters. A long passphrase is easiest to remember.`}
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={short ? `Use at least ${MIN_PASSWORD} characters.` : undefined}
          required
          autoComplete="new-password"
        />
        <PasswordInput
          label="Repeat the new password"
          value={again}
          onChange={(e) => setAgain(e.currentTarget.value)}
          error={mismatch ? 'The two passwords differ.' : undefined}
          required
          autoComplete="new-password"
        />
        {error !== null && <ErrorAlert error={error} title="The password was not changed" />}
        <Group>
          <Button type="submit" loading={busy} disabled={current === '' || next === '' || again === '' || mismatch || short}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
