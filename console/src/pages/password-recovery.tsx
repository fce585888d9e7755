/** Issue 10: "forgot password" by email — ask for a link, then set a new password with it. */
import { Alert, Anchor, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../api/client';
import type { AuthOptions } from '../api/wire';
import type { SignInState } from '../session/gate';
import { ErrorAlert } from '../ui/error-alert';
import { NewPasswordFields, newPasswordProblems } from './password-form';

/** Whether this server offers the link (it can send mail); null while asking. */
export function usePasswordResetOffered(): boolean | null {
  const [offered, setOffered] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    api<AuthOptions>('GET', '/v1/auth/options', undefined, { anonymous: true })
      .then((o) => live && setOffered(o.passwordResetByEmail))
      .catch(() => live && setOffered(false));
    return () => {
      live = false;
    };
  }, []);
  return offered;
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="md">
          <Title order={1} size="h2">
            {title}
          </Title>
          {children}
          <Text size="sm">
            <Anchor component={Link} to="/sign-in">
              Back to sign-in
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}

export function ForgotPasswordPage() {
  const [tenant, setTenant] = useState(() => {
    try {
      return localStorage.getItem('latchkey.tenant') ?? '';
    } catch {
      return '';
    }
  });
  const [email, setEmail] = useState('');
  const ask = useMutation({
    mutationFn: () => api<{ message: string }>('POST', '/v1/auth/password-reset', { tenant: tenant.trim(), email: email.trim() }, { anonymous: true }),
  });
  return (
    <Card title="Reset your password">
      {ask.data ? (
        <Alert color="teal" variant="light" role="status" title="Check your mail">
          {ask.data.message}
        </Alert>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            ask.mutate();
          }}
        >
          <Stack gap="md">
            <Text size="sm">We mail you a link to set a new password. It works once, for 30 minutes.</Text>
            <TextInput label="Tenant" description="Your organisation's tenant name or ID" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)} required autoComplete="organization" />
            <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoComplete="username" />
            {ask.error !== null && <ErrorAlert error={ask.error} title="No link was sent" />}
            <Button type="submit" loading={ask.isPending} fullWidth>
              Send the link
            </Button>
          </Stack>
        </form>
      )}
    </Card>
  );
}

/** The mailed link opens here; its token is in the fragment, which no server ever sees. */
export function ResetPasswordPage() {
  const navigate = useNavigate();
  const [token] = useState(() => window.location.hash.replace(/^#/, ''));
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  // The token leaves the address bar (and the history entry) as soon as it is read.
  useEffect(() => {
    if (window.location.hash !== '') window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  const { mismatch, short } = newPasswordProblems(next, again);
  const set = useMutation({
    mutationFn: () => api<void>('POST', '/v1/auth/password-reset/complete', { token, newPassword: next }, { anonymous: true }),
    onSuccess: () => navigate('/sign-in', { replace: true, state: { reason: 'password-reset' } satisfies SignInState }),
  });
  if (token === '') {
    return (
      <Card title="Set a new password">
        <Alert color="red" variant="light">
          This page opens from the link in a password reset mail.{' '}
          <Anchor component={Link} to="/forgot-password">
            Ask for a new link
          </Anchor>
          .
        </Alert>
      </Card>
    );
  }
  return (
    <Card title="Set a new password">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!mismatch && !short) set.mutate();
        }}
      >
        <Stack gap="md">
          <Text size="sm">You are signed out everywhere once it is set.</Text>
          <NewPasswordFields next={next} again={again} onNext={setNext} onAgain={setAgain} />
          {set.error !== null && <ErrorAlert error={set.error} title="The password was not set" />}
          {set.error instanceof ApiError && set.error.code === 'RESET_LINK_INVALID' && (
            <Anchor component={Link} to="/forgot-password" size="sm">
              Ask for a new link
            </Anchor>
          )}
          <Button type="submit" loading={set.isPending} disabled={next === '' || again === '' || mismatch || short} fullWidth>
            Set password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
