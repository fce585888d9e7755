import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useChangePassword } from '../api/mutations';
import { ErrorAlert } from '../ui/error-alert';

export const MIN_PASSWORD = 12;

/** PUT /v1/me/password. Other sessions of the user end when it succeeds. */
export function PasswordForm({ currentLabel, submitLabel, onChanged }: { currentLabel: string; submitLabel: string; onChanged: () => void | Promise<void> }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const change = useChangePassword();
  const mismatch = again !== '' && again !== next;
  const short = next !== '' && next.length < MIN_PASSWORD;
  const submit = () =>
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: async () => {
          setCurrent('');
          setNext('');
          setAgain('');
          await onChanged();
        },
      },
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!mismatch && !short) submit();
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
        {change.error !== null && <ErrorAlert error={change.error} title="The password was not changed" />}
        <Group>
          <Button type="submit" loading={change.isPending} disabled={current === '' || next === '' || again === '' || mismatch || short}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
