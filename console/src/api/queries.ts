/** Server state through React Query: one key scheme, one fetcher per resource. */
import { useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, query, setCsrfToken } from './client';
import type {
  AccessKey,
  AccessRecord,
  AuditEvent,
  Group,
  KeyPermissions,
  KeyState,
  KeyType,
  Me,
  NotificationPage,
  Page,
  Policy,
  Role,
  User,
} from './types';

export const PAGE_SIZE = 20;

export async function fetchMe(): Promise<Me> {
  const me = await api<Me>('GET', '/v1/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: fetchMe, staleTime: 15_000 });
}

/** The signed-in user's data; only used under the session gate, where it has loaded. */
export function useSession(): Me {
  const me = useMe();
  if (!me.data) throw new Error('useSession outside the session gate');
  return me.data;
}

export interface KeyFilters {
  userId?: string | undefined;
  state?: KeyState | undefined;
  type?: KeyType | undefined;
  expiringWithinDays?: number | undefined;
}

export function useKeyList(filters: KeyFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['keys', filters],
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<AccessKey>>('GET', `/v1/access-keys${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useKey(accessKeyId: string | null) {
  return useQuery({
    queryKey: ['key', accessKeyId],
    enabled: accessKeyId !== null,
    queryFn: () => api<AccessKey>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId!)}`),
  });
}

export function useKeyPermissions(accessKeyId: string) {
  return useQuery({ queryKey: ['key-permissions', accessKeyId], queryFn: () => api<KeyPermissions>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId)}/permissions`) });
}

export function useAccessRecords(accessKeyId: string) {
  return useInfiniteQuery({
    queryKey: ['access-records', accessKeyId],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<AccessRecord>>('GET', `/v1/access-keys/${encodeURIComponent(accessKeyId)}/access-records${query({ limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useUser(userId: string | null) {
  return useQuery({
    queryKey: ['user', userId],
    enabled: userId !== null,
    staleTime: 60_000,
    queryFn: () => api<User>('GET', `/v1/users/${encodeURIComponent(userId!)}`),
  });
}

export function useUserList(search: string) {
  return useInfiniteQuery({
    queryKey: ['users', search],
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
  return useQuery({ queryKey: ['roles'], queryFn: () => readAll<Role>('/v1/roles'), staleTime: 30_000 });
}

export function useGroups() {
  return useQuery({ queryKey: ['groups'], queryFn: () => readAll<Group>('/v1/groups'), staleTime: 30_000 });
}

export function usePolicy() {
  return useQuery({ queryKey: ['policy'], queryFn: () => api<Policy>('GET', '/v1/policy') });
}

export interface AuditFilters {
  actorId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function useAuditPage(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: () => api<Page<AuditEvent>>('GET', `/v1/audit-events${query({ ...filters, limit: PAGE_SIZE, cursor })}`),
    placeholderData: (previous) => previous,
  });
}

export function useNotifications(limit: number) {
  return useQuery({
    queryKey: ['notifications', 'latest', limit],
    queryFn: () => api<NotificationPage>('GET', `/v1/notifications${query({ limit })}`),
    refetchInterval: 30_000,
    retry: false,
  });
}

export function useNotificationList() {
  return useInfiniteQuery({
    queryKey: ['notifications', 'all'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<NotificationPage>('GET', `/v1/notifications${query({ limit: PAGE_SIZE, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** After a key changes: every list, the key itself, and the quota count on /v1/me. */
export function invalidateKeys(client: QueryClient, accessKeyId?: string): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: ['keys'] }),
    client.invalidateQueries({ queryKey: ['me'] }),
    client.invalidateQueries({ queryKey: ['user-key-count'] }),
    ...(accessKeyId
      ? [
          client.invalidateQueries({ queryKey: ['key', accessKeyId] }),
          client.invalidateQueries({ queryKey: ['key-permissions', accessKeyId] }),
          client.invalidateQueries({ queryKey: ['access-records', accessKeyId] }),
        ]
      : []),
  ]).then(() => undefined);
}

export function useInvalidateKeys() {
  const client = useQueryClient();
  return (accessKeyId?: string) => invalidateKeys(client, accessKeyId);
}
