/**
 * Every change the console makes to server state, as React Query mutations: each one sends its
 * request and refreshes what it changed (by the keys of ./query-keys). Pages read `isPending` and
 * `error` from the mutation instead of keeping their own busy and error state.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from './client';
import { invalidateKeys } from './queries';
import { queryKeys } from './query-keys';
import type { AccessKey, BodyOf, IssuedAccessKey, IssuedKey, Policy, ResponseOf, Role, StepUpStart, TotpEnrollment, User, Group } from './wire';

/**
 * For answers that hold a secret (a key's secret, a one-time password, a TOTP seed): the
 * mutation is dropped from the cache as soon as no page shows it, so the secret lives no longer
 * than the dialog that shows it.
 */
const SECRET = { gcTime: 0 } as const;

const keyPath = (accessKeyId: string, action?: string) => `/v1/access-keys/${encodeURIComponent(accessKeyId)}${action ? `/${action}` : ''}`;

/** Roles and groups decide what keys may do: their permissions follow. */
const invalidateAssignments = (client: QueryClient) =>
  Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.roles.all }),
    client.invalidateQueries({ queryKey: queryKeys.groups.all }),
    client.invalidateQueries({ queryKey: queryKeys.users.all }),
    client.invalidateQueries({ queryKey: queryKeys.accessKeys.all }),
  ]);

// Access keys

export function useCreateKey() {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: (body: BodyOf<'/v1/access-keys', 'post'>) => api<IssuedAccessKey>('POST', '/v1/access-keys', body),
    onSuccess: () => invalidateKeys(client),
    // Someone else may have used up the quota meanwhile: the page's count must catch up.
    onError: (error) => (error instanceof ApiError && error.code === 'KEY_LIMIT_REACHED' ? invalidateKeys(client) : undefined),
  });
}

export function useUpdateKey(accessKeyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: BodyOf<'/v1/access-keys/{accessKeyId}', 'patch'>) => api<AccessKey>('PATCH', keyPath(accessKeyId), patch),
    onSuccess: () => invalidateKeys(client, accessKeyId),
  });
}

export type KeyStateAction = 'disable' | 'enable' | 'delete';

export function useChangeKeyState() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ accessKeyId, action }: { accessKeyId: string; action: KeyStateAction }) =>
      api<AccessKey>(action === 'delete' ? 'DELETE' : 'POST', keyPath(accessKeyId, action === 'delete' ? undefined : action)),
    onSuccess: (_key, { accessKeyId }) => invalidateKeys(client, accessKeyId),
  });
}

export function useRotateKey(accessKeyId: string) {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: (body: BodyOf<'/v1/access-keys/{accessKeyId}/rotate', 'post'>) => api<IssuedAccessKey>('POST', keyPath(accessKeyId, 'rotate'), body),
    onSuccess: () => invalidateKeys(client, accessKeyId),
  });
}

/** Regenerate (seed 004): a new key with a new ID and secret; the old key is disabled. */
export function useReplaceKey(accessKeyId: string) {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: () => api<ResponseOf<'/v1/access-keys/{accessKeyId}/replace', 'post', 201>>('POST', keyPath(accessKeyId, 'replace')),
    onSuccess: () => invalidateKeys(client, accessKeyId),
  });
}

/** Ends a rotation's overlap now: the old secret stops working at once. */
export function useEndOverlap(accessKeyId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<AccessKey>('POST', keyPath(accessKeyId, 'end-overlap')),
    onSuccess: () => invalidateKeys(client, accessKeyId),
  });
}

/** The secret again, after step-up: nothing is cached, the answer lives only in the page that asked. */
export function useRevealKey() {
  return useMutation({ ...SECRET, mutationFn: (accessKeyId: string) => api<IssuedKey>('POST', keyPath(accessKeyId, 'reveal')) });
}

// Users

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: (body: BodyOf<'/v1/users', 'post'>) => api<ResponseOf<'/v1/users', 'post', 201>>('POST', '/v1/users', body),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.users.lists() }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ user, patch }: { user: User; patch: BodyOf<'/v1/users/{userId}', 'patch'> }) => api<User>('PATCH', `/v1/users/${encodeURIComponent(user.id)}`, patch),
    onSuccess: async (next) => {
      client.setQueryData(queryKeys.users.detail(next.id), next);
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.users.lists() }),
        client.invalidateQueries({ queryKey: queryKeys.accessKeys.all }),
        client.invalidateQueries({ queryKey: queryKeys.me }),
      ]);
    },
  });
}

/** An admin resets a user's password: the answer holds the one-time password, shown once. */
export function useResetUserPassword() {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: (userId: string) => api<ResponseOf<'/v1/users/{userId}/password-reset', 'post'>>('POST', `/v1/users/${encodeURIComponent(userId)}/password-reset`),
    onSuccess: (_answer, userId) => client.invalidateQueries({ queryKey: queryKeys.users.detail(userId) }),
  });
}

export function useResetUserTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api<void>('DELETE', `/v1/users/${encodeURIComponent(userId)}/totp`),
    onSuccess: (_answer, userId) => client.invalidateQueries({ queryKey: queryKeys.users.detail(userId) }),
  });
}

// Roles and groups

export function useSaveRole(role: Role | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/v1/roles', 'post'>) => (role ? api<Role>('PATCH', `/v1/roles/${encodeURIComponent(role.id)}`, body) : api<Role>('POST', '/v1/roles', body)),
    onSuccess: () => invalidateAssignments(client),
  });
}

export function useDeleteRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => api<void>('DELETE', `/v1/roles/${encodeURIComponent(role.id)}`),
    onSuccess: () => invalidateAssignments(client),
  });
}

export function useSaveGroup(group: Group | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/v1/groups', 'post'>) => (group ? api<Group>('PATCH', `/v1/groups/${encodeURIComponent(group.id)}`, body) : api<Group>('POST', '/v1/groups', body)),
    onSuccess: () => invalidateAssignments(client),
  });
}

export function useDeleteGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (group: Group) => api<void>('DELETE', `/v1/groups/${encodeURIComponent(group.id)}`),
    onSuccess: () => invalidateAssignments(client),
  });
}

// Policy

export function useSavePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (policy: Policy) => api<Policy>('PUT', '/v1/policy', policy),
    onSuccess: async (saved) => {
      client.setQueryData(queryKeys.policy.current(), saved);
      await client.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

// Notifications

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (notificationId: string) => api<void>('POST', `/v1/notifications/${encodeURIComponent(notificationId)}/read`),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.notifications.all }), client.invalidateQueries({ queryKey: queryKeys.me })]),
  });
}

export function useMarkAllNotificationsRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('POST', '/v1/notifications/read-all'),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.notifications.all }), client.invalidateQueries({ queryKey: queryKeys.me })]),
  });
}

// The signed-in user: signing out, password, authenticator app, step-up

/** Ends the session; the page leaves for sign-in whatever the server answered. */
export function useSignOut() {
  return useMutation({ mutationFn: () => api<void>('POST', '/v1/auth/logout'), onSettled: () => setCsrfToken(null) });
}

export function useChangePassword() {
  return useMutation({ ...SECRET, mutationFn: (body: BodyOf<'/v1/me/password', 'put'>) => api<void>('PUT', '/v1/me/password', body) });
}

export function useStartTotp() {
  return useMutation({ ...SECRET, mutationFn: () => api<TotpEnrollment>('POST', '/v1/me/totp') });
}

export function useConfirmTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api<void>('POST', '/v1/me/totp/confirm', { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

/** New recovery codes (with a current app code): the answer holds them, shown once. */
export function useRegenerateRecoveryCodes() {
  const client = useQueryClient();
  return useMutation({
    ...SECRET,
    mutationFn: (code: string) => api<ResponseOf<'/v1/me/totp/recovery-codes', 'post'>>('POST', '/v1/me/totp/recovery-codes', { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.recoveryCodes }),
  });
}

export function useRemoveTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api<void>('DELETE', '/v1/me/totp', { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export function useStartStepUp() {
  return useMutation({ mutationFn: () => api<StepUpStart>('POST', '/v1/auth/step-up/start') });
}

export function useVerifyStepUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api<void>('POST', '/v1/auth/step-up/verify', { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
