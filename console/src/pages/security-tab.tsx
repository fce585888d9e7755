/** Personal Settings → Security: password, authenticator app (TOTP), step-up status. */
import { Alert, Badge, Button, Divider, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirmTotp, useRegenerateRecoveryCodes, useRemoveTotp, useStartTotp } from '../api/mutations';
import { useRecoveryCodesLeft, useSession } from '../api/queries';
import { queryKeys } from '../api/query-keys';
import { CopyField } from '../ui/copy-field';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { PasswordForm } from './password-form';
import { OtpauthQrCode, RecoveryCodeList, RecoveryCodesLeft } from './recovery-codes';

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP": easier to type into a phone. */
export const groupSecret = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

function CodeForm({ label, submitLabel, color, onSubmit }: { label: string; submitLabel: string; color?: string; onSubmit: (code: string) => Promise<void> }) {
  const [code, setCode] = useState('');
  const submit = useMutation({ mutationFn: onSubmit, onSuccess: () => setCode('') });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate(code.replace(/\s+/g, ''));
      }}
    >
      <Stack gap="xs" maw={440}>
        <Group align="flex-end" gap="sm">
          <TextInput label={label} value={code} onChange={(e) => setCode(e.currentTarget.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={7} required w={200} />
          <Button type="submit" loading={submit.isPending} disabled={!/^\d{6}$/.test(code.replace(/\s+/g, ''))} color={color}>
            {submitLabel}
          </Button>
        </Group>
        {submit.error !== null && <ErrorAlert error={submit.error} title="That code did not work" />}
      </Stack>
    </form>
  );
}

function TotpSection() {
  const me = useSession();
  const enabled = me.totpEnabled ?? me.user.totpEnabled ?? false;
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const remove = useRemoveTotp();
  const regenerate = useRegenerateRecoveryCodes();
  const left = useRecoveryCodesLeft(enabled);
  // The enrollment lives in the mutation that started it, until the code confirms it.
  const enrollment = start.data ?? null;
  return (
    <Stack gap="sm">
      <Group gap="sm">
        <Title order={3} size="h4">
          Authenticator app
        </Title>
        <Badge color={enabled ? 'teal' : 'gray'} variant="light">
          {enabled ? 'On' : 'Off'}
        </Badge>
      </Group>
      <Text size="sm">With an authenticator app (a time-based one-time password, TOTP), signing in also asks for the 6-digit code the app shows, and so can sensitive actions on your keys.</Text>
      {enabled ? (
        <Stack gap="md">
          <CodeForm
            label="Current code"
            submitLabel="Turn off"
            color="red"
            onSubmit={async (code) => {
              await remove.mutateAsync(code);
              regenerate.reset();
              notifications.show({ message: 'The authenticator app is turned off.' });
            }}
          />
          <Title order={4} size="h5">
            Recovery codes
          </Title>
          <RecoveryCodesLeft remaining={left.data?.remaining} />
          {regenerate.data ? (
            <Stack gap="xs">
              <RecoveryCodeList codes={regenerate.data.recoveryCodes} />
              <Group>
                <Button size="xs" variant="default" onClick={() => regenerate.reset()}>
                  I saved them
                </Button>
              </Group>
            </Stack>
          ) : (
            <CodeForm
              label="Current code for new recovery codes"
              submitLabel="Make new recovery codes"
              onSubmit={async (code) => {
                await regenerate.mutateAsync(code);
              }}
            />
          )}
        </Stack>
      ) : enrollment ? (
        <Stack gap="sm">
          <List type="ordered" size="sm" spacing={4}>
            <List.Item>In your authenticator app, add an account and scan the QR code (or enter the secret key below).</List.Item>
            <List.Item>Save the recovery codes somewhere safe.</List.Item>
            <List.Item>Enter the 6-digit code the app now shows, to confirm.</List.Item>
          </List>
          <Group align="flex-start" gap="lg">
            <OtpauthQrCode url={enrollment.otpauthUrl} />
            <Stack gap="sm" style={{ flex: 1, minWidth: 240 }}>
              <CopyField label="Secret key" value={groupSecret(enrollment.secret)} description="Time-based, 6 digits, every 30 seconds (SHA-1)." />
              <CopyField label="otpauth link" value={enrollment.otpauthUrl} />
            </Stack>
          </Group>
          <RecoveryCodeList codes={enrollment.recoveryCodes} />
          <CodeForm
            label="Code from the app"
            submitLabel="Confirm"
            onSubmit={async (code) => {
              await confirm.mutateAsync(code);
              start.reset();
              notifications.show({ message: 'The authenticator app is on. Sign-in now asks for its code.', color: 'teal' });
            }}
          />
        </Stack>
      ) : (
        <Group>
          <Button variant="light" onClick={() => start.mutate()} loading={start.isPending}>
            Set up an authenticator app
          </Button>
        </Group>
      )}
      {start.error !== null && <ErrorAlert error={start.error} title="Set-up could not start" />}
    </Stack>
  );
}

function StepUpSection() {
  const me = useSession();
  const method = me.policy.stepUp ?? 'none';
  if (method === 'none') return null;
  const until = me.stepUp?.verifiedUntil ?? null;
  const verified = until !== null && new Date(until).getTime() > Date.now();
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        Verification for sensitive actions
      </Title>
      <Text size="sm">
        Your tenant asks you to confirm it is you — with {method === 'email' ? 'a code sent to your email' : 'a code from your authenticator app'} — before creating a key, showing a secret,
        regenerating or re-enabling a key. One verification lasts {me.policy.stepUpMinutes ?? 20} minutes.
      </Text>
      <Text size="sm">
        {verified ? (
          <>
            Verified until <DateTime value={until} />.
          </>
        ) : (
          'Not verified at the moment: you will be asked when needed.'
        )}
      </Text>
      {method === 'totp' && !(me.totpEnabled ?? me.user.totpEnabled) && (
        <Alert color="orange" variant="light">
          Set up an authenticator app below: without it you cannot complete these verifications.
        </Alert>
      )}
    </Stack>
  );
}

export function SecurityTab() {
  const client = useQueryClient();
  return (
    <Stack gap="lg" maw={720}>
      <Stack gap="sm">
        <Title order={2} size="h3">
          Password
        </Title>
        <Text size="sm">Changing your password signs you out everywhere else.</Text>
        <PasswordForm
          currentLabel="Current password"
          submitLabel="Change password"
          onChanged={async () => {
            await client.invalidateQueries({ queryKey: queryKeys.me });
            notifications.show({ message: 'Your password is changed.', color: 'teal' });
          }}
        />
      </Stack>
      <Divider />
      <StepUpSection />
      <TotpSection />
    </Stack>
  );
}
