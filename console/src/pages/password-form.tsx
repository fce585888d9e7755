import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useChangePassword } from '../api/mutations';
import { ErrorAlert } from '../ui/error-alert';

export const MIN_PASSWORD = 12;

/** A new password typed twice: the two fields of every page that sets a password, with their checks. */
export function NewPasswordFields({
  next,
  again,
  onNext,
  onAgain,
  hint = '',
}: {
  next: string;
  again: string;
  onNext: (value: string) => void;
  onAgain: (value: string) => void;
  /** Said after the length rule. */
  hint?: string;
}) {
  return (
    <>
      <PasswordInput
        label="New password"
        description={`At least ${MIN_PASSWORD} characters.${hint}`}
        value={next}
        onChange={(e) => onNext(e.currentTarget.value)}
        error={newPasswordProblems(next, again).short ? `Use at least ${MIN_PASSWORD} characters.` : undefined}
        required
        autoComplete="new-password"
      />
      <PasswordInput
        label="Repeat the new password"
        value={again}
        onChange={(e) => onAgain(e.currentTarget.value)}
        error={newPasswordProblems(next, again).mismatch ? 'The two passwords differ.' : undefined}
        required
        autoComplete="new-password"
      />
    </>
  );
}

/** What keeps a new password from being sent: too short, or the repeat differs. */
export function newPasswordProblems(next: string, again: string): { short: boolean; mismatch: boolean } {
  return { short: next !== '' && next.length < MIN_PASSWORD, mismatch: again !== '' && again !== next };
}

/** PUT /v1/me/password. Other sessions of the user end when it succeeds. */
export function PasswordForm({ currentLabel, submitLabel, onChanged }: { currentLabel: string; submitLabel: string; onChanged: () => void | Promise<void> }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const change = useChangePassword();
  const { mismatch, short } = newPasswordProblems(next, again);
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
        <NewPasswordFields next={next} again={again} onNext={setNext} onAgain={setAgain} hint=" A long passphrase is easiest to remember." />
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
