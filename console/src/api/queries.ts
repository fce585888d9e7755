/** Server state through React Query: one fetcher per resource, keyed by ./query-keys. */
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, query, setCsrfToken } from './client';
import { queryKeys, type AuditFilters, type KeyFilters } from './query-keys';
import type { AccessKey, AccessRecord, AuditEvent, Group, KeyPermissions, KeyQuota, KeyUsage, Me, NotificationPage, Page, Policy, PolicyRule, Role, TenantUsage, UsageRange, User } from './wire';

export type { AuditFilters, KeyFilters } from './query-keys';

export const PAGE_SIZE = 20;

export async function fetchMe(): Promise<Me> {
  const me = await api<Me>('GET', '/v1/me');
  setCsrfToken(me.csrfToken);
  return me;
}

/**
 * Who I am and what I may do. What an administrator changes (programmatic access, role, policy)
 * shows without a reload: asked again whenever the page is shown again (back to the tab or
 * window, however fresh), and once a minute while it stays open.
 */
export const ME_POLL_MS = 60_000;

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: fetchMe, staleTime: 15_000, refetchOnWindowFocus: 'always', refetchInterval: ME_POLL_MS });
}

/** The signed-in user's data; only used under the session gate, where it has loaded. */
export function useSession(): Me {
  const me = useMe();
  if (!me.data) throw new Error('useSession outside the session gate');
  return me.data;
}

export function useKeyList(filters: KeyFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.accessKeys.list(filters),
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<AccessKey>>('GET', `/v1/access-keys${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useKey(accessKeyId: string | null) {
  return useQuery({
    queryKey: queryKeys.accessKeys.detail(accessKeyId),
    enabled: accessKeyId !== null,
    queryFn: () => api<AccessKey>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId!)}`),
  });
}

export function useKeyPermissions(accessKeyId: string) {
  return useQuery({ queryKey: queryKeys.accessKeys.permissions(accessKeyId), queryFn: () => api<KeyPermissions>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId)}/permissions`) });
}

export function useAccessRecords(accessKeyId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.accessKeys.accessRecords(accessKeyId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<AccessRecord>>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId)}/access-records${query({ limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Usage moves with traffic: an open chart or Usage page reads it again every minute. */
const USAGE_REFRESH_MS = 60_000;

/** A key's verifications over `range`, counted by the server per time bucket and outcome. */
export function useKeyUsage(accessKeyId: string, range: UsageRange) {
  return useQuery({
    queryKey: queryKeys.accessKeys.usage(accessKeyId, range),
    queryFn: () => api<KeyUsage>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId)}/usage${query({ range })}`),
    refetchInterval: USAGE_REFRESH_MS,
  });
}

/** The tenant's verifications over `range` (administrators). */
export function useTenantUsage(range: UsageRange) {
  return useQuery({ queryKey: queryKeys.usage.tenant(range), queryFn: () => api<TenantUsage>('GET', `/v1/usage${query({ range })}`), refetchInterval: USAGE_REFRESH_MS });
}

/** How many unused recovery codes the signed-in user has. */
export function useRecoveryCodesLeft(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.recoveryCodes,
    enabled,
    queryFn: () => api<{ remaining: number }>('GET', '/v1/me/totp/recovery-codes'),
  });
}

export function useUser(userId: string | null) {
  return useQuery({
    queryKey: queryKeys.users.detail(userId),
    enabled: userId !== null,
    staleTime: 60_000,
    queryFn: () => api<User>('GET', `/v1/users/${encodeURIComponent(userId!)}`),
  });
}

export function useUserList(search: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.users.list(search),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<User>>('GET', `/v1/users${query({ q: search.trim(), limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Roles and groups are few per tenant; pickers read every page (100 at a time). */
async function readAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api<Page<T>>('GET', `${path}${query({ limit: 100, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

export function useRoles() {
  return useQuery({ queryKey: queryKeys.roles.all, queryFn: () => readAll<Role>('/v1/roles'), staleTime: 30_000 });
}

export function useGroups() {
  return useQuery({ queryKey: queryKeys.groups.all, queryFn: () => readAll<Group>('/v1/groups'), staleTime: 30_000 });
}

export function usePolicy() {
  return useQuery({ queryKey: queryKeys.policy.current(), queryFn: () => api<Policy>('GET', '/v1/policy') });
}

/** What each policy rule accepts (kind, bounds, choices, default): the same for every tenant, so read once. */
export function usePolicyRules() {
  return useQuery({
    queryKey: queryKeys.policy.rules(),
    queryFn: async () => (await api<{ rules: PolicyRule[] }>('GET', '/v1/policy/rules')).rules,
    staleTime: Infinity,
  });
}

/** How many keys a user holds (not deleted) and may hold, counted by the server. */
export function useKeyQuota(userId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.accessKeys.quota(userId),
    enabled,
    queryFn: () => api<KeyQuota>('GET', `/v1/users/${encodeURIComponent(userId)}/key-quota`),
  });
}

export function useAuditPage(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: queryKeys.audit.page(filters, cursor),
    queryFn: () => api<Page<AuditEvent>>('GET', `/v1/audit-events${query({ ...filters, limit: PAGE_SIZE, cursor })}`),
    placeholderData: (previous) => previous,
  });
}

/** Every action the audit log records, with its label (the filter's choices). */
export function useAuditActions() {
  return useQuery({
    queryKey: [...queryKeys.audit.all, 'actions'] as const,
    queryFn: () => api<{ items: { action: string; label: string }[] }>('GET', '/v1/audit-events/actions'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Where the filtered audit events download as CSV (a plain link: the session cookie goes with it). */
export const auditExportUrl = (filters: AuditFilters): string => `/v1/audit-events/export${query({ ...filters })}`;

export function useNotifications(limit: number) {
  return useQuery({
    queryKey: queryKeys.notifications.latest(limit),
    queryFn: () => api<NotificationPage>('GET', `/v1/notifications${query({ limit })}`),
    refetchInterval: 30_000,
    retry: false,
  });
}

export function useNotificationList() {
  return useInfiniteQuery({
    queryKey: queryKeys.notifications.list(),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<NotificationPage>('GET', `/v1/notifications${query({ limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** After a key changes: every list, the quotas (here and on /v1/me), and the key itself with its permissions and records. */
export function invalidateKeys(client: QueryClient, accessKeyId?: string): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.accessKeys.lists() }),
    client.invalidateQueries({ queryKey: queryKeys.accessKeys.quotas() }),
    client.invalidateQueries({ queryKey: queryKeys.me }),
    ...(accessKeyId ? [client.invalidateQueries({ queryKey: queryKeys.accessKeys.detail(accessKeyId) })] : []),
  ]).then(() => undefined);
}
