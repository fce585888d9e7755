import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, ApiError, setCsrfToken } from '../api/client';
import { fetchMe } from '../api/queries';
import { queryKeys } from '../api/query-keys';
import type { LoginAnswer } from '../api/wire';
import type { SignInState } from '../session/gate';
import { ErrorAlert } from '../ui/error-alert';
import { usePasswordResetOffered } from './password-recovery';

const TENANT_MEMORY = 'latchkey.tenant';

/** The first answer for a user with an authenticator app: ask for its code, not an error. */
const totpRequired = (e: unknown) => e instanceof ApiError && e.code === 'TOTP_REQUIRED';

function rememberedTenant(): string {
  try {
    return localStorage.getItem(TENANT_MEMORY) ?? '';
  } catch {
    return '';
  }
}

export function SignInPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const state = (location.state ?? {}) as SignInState;
  const [tenant, setTenant] = useState(rememberedTenant);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  // A lost phone: one of the recovery codes shown at setup stands in for the app's code.
  const [useRecovery, setUseRecovery] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);
  const resetOffered = usePasswordResetOffered();

  const from = state.from && !state.from.startsWith('/sign-in') ? state.from : '/';
  // Whatever the last session loaded (keys, users) must not show to the next person; someone
  // still signed in (a bookmark, Back) is sent on to the console instead of the form.
  useEffect(() => {
    client.clear();
    let gone = false;
    client
      .fetchQuery({ queryKey: queryKeys.me, queryFn: fetchMe })
      .then((me) => {
        if (!gone) navigate(me.user.mustChangePassword ? '/change-password' : from, { replace: true });
      })
      .catch(() => {
        // Not signed in (401): the form is the page.
      });
    return () => {
      gone = true;
    };
  }, [client, navigate, from]);
  // The authenticator's code field takes the focus as it appears (the Enter that asked for it was
  // pressed in Password; the digits typed next must not go there).
  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);

  const login = useMutation({
    gcTime: 0,
    mutationFn: async () => {
      const answer = await api<LoginAnswer>(
        'POST',
        '/v1/auth/login',
        { tenant: tenant.trim(), email: email.trim(), password, ...(needTotp && (useRecovery ? { recoveryCode: totp.trim() } : { totp: totp.replace(/\s+/g, '') })) },
        { anonymous: true },
      );
      setCsrfToken(answer.csrfToken);
      try {
        localStorage.setItem(TENANT_MEMORY, tenant.trim());
      } catch {
        // Private mode: the tenant is simply not remembered.
      }
      // Queries only: the mutation cache holds this very sign-in.
      client.getQueryCache().clear();
      await client.fetchQuery({ queryKey: queryKeys.me, queryFn: fetchMe });
      return answer;
    },
    onSuccess: (answer) => {
      navigate(answer.user.mustChangePassword ? '/change-password' : from, { replace: true });
    },
    onError: (e) => {
      if (totpRequired(e)) setNeedTotp(true);
      else if (needTotp) setTotp('');
    },
  });

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            login.mutate();
          }}
          aria-labelledby="sign-in-title"
        >
          <Stack gap="md">
            <div>
              <Title order={1} size="h2" id="sign-in-title">
                Sign in to Latchkey
              </Title>
              <Text size="sm" c="dimmed">
                Manage your access keys.
              </Text>
            </div>
            {state.reason === 'expired' && (
              <Alert color="yellow" variant="light" role="status">
                Your session has ended. Sign in again to continue.
              </Alert>
            )}
            {state.reason === 'password-reset' && (
              <Alert color="teal" variant="light" role="status">
                Your new password is set. Sign in with it.
              </Alert>
            )}
            {state.reason === 'signed-out' && (
              <Alert color="blue" variant="light" role="status">
                You signed out.
              </Alert>
            )}
            <TextInput label="Tenant" description="Your organisation's tenant name or ID" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)} required autoComplete="organization" />
            <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoComplete="username" />
            <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="current-password" />
            {needTotp && (
              <TextInput
                ref={totpRef}
                label={useRecovery ? 'Recovery code' : 'Authenticator code'}
                description={
                  useRecovery
                    ? 'One of the recovery codes you saved when you set up the app; each works once.'
                    : 'Two-step verification is on for this account: enter the 6-digit code from your authenticator app.'
                }
                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value)}
                inputMode={useRecovery ? 'text' : 'numeric'}
                autoComplete="one-time-code"
                maxLength={useRecovery ? 40 : 7}
                required
              />
            )}
            {needTotp && (
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setUseRecovery(!useRecovery);
                  setTotp('');
                  // The field stays where it is (its label changes): the code goes into it next.
                  totpRef.current?.focus();
                }}
              >
                {useRecovery ? 'Use a code from the app instead' : 'Lost your phone? Use a recovery code'}
              </Anchor>
            )}
            {login.error !== null && !totpRequired(login.error) && <ErrorAlert error={login.error} title="Not signed in" />}
            <Button type="submit" loading={login.isPending} fullWidth>
              Sign in
            </Button>
            {resetOffered && (
              <Anchor component={Link} to="/forgot-password" size="sm">
                Forgot your password?
              </Anchor>
            )}
            <Text size="xs" c="dimmed">
              Programs do not sign in here: they use access keys. See the{' '}
              <Anchor href="/docs" size="xs">
                API reference
              </Anchor>
              .
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
