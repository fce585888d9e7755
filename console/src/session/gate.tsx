/** Who may see what: the session gate, the admin gate, and the API client's page-wide reactions. */
import { Button, Center, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError, installApiHooks, setCsrfToken } from '../api/client';
import { useMe, useSession } from '../api/queries';
import { queryKeys } from '../api/query-keys';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';
import { useStepUp } from './step-up';

export interface SignInState {
  reason?: 'expired' | 'signed-out' | 'password-reset';
  from?: string;
}

export function ApiHooksInstaller() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const stepUp = useStepUp();
  const location = useLocation();
  const here = useRef('');
  here.current = `${location.pathname}${location.search}`;

  useEffect(() => {
    installApiHooks({
      sessionEnded: (error: ApiError) => {
        const hadSession = client.getQueryData(queryKeys.me) !== undefined;
        setCsrfToken(null);
        // The sign-in page empties the cache once the signed-in pages are gone (they read it).
        if (here.current.startsWith('/sign-in')) return;
        const state: SignInState = { from: here.current, ...((hadSession || error.code === 'SESSION_EXPIRED') && { reason: 'expired' as const }) };
        void navigate('/sign-in', { replace: true, state });
      },
      passwordChangeRequired: () => {
        if (!here.current.startsWith('/change-password')) void navigate('/change-password', { replace: true });
      },
      stepUp,
    });
    return () => installApiHooks(null);
  }, [client, navigate, stepUp]);
  return null;
}

/** Pages behind sign-in: /v1/me decides; a one-time password must be changed first. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Loading your session…" />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      const state: SignInState = { from: `${location.pathname}${location.search}`, ...(me.error.code === 'SESSION_EXPIRED' && { reason: 'expired' as const }) };
      return <Navigate to="/sign-in" replace state={state} />;
    }
    return (
      <Center p="xl">
        <Stack maw={520}>
          <Title order={2}>The console could not load</Title>
          <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
        </Stack>
      </Center>
    );
  }
  if (me.data.user.mustChangePassword && location.pathname !== '/change-password') return <Navigate to="/change-password" replace />;
  return <Outlet />;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useSession();
  const navigate = useNavigate();
  if (me.user.role !== 'admin') {
    return (
      <Stack maw={560} p="md">
        <Title order={2}>Administrators only</Title>
        <ErrorAlert error={new Error('This page is for tenant administrators. Your keys are under Personal Settings → Access Keys.')} title="Not available" />
        <Button variant="light" onClick={() => navigate('/settings/access-keys')}>
          Go to my access keys
        </Button>
      </Stack>
    );
  }
  return children;
}
