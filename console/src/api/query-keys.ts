/**
 * Every React Query key the console uses, made here and nowhere else. Keys nest, so invalidating
 * a prefix reaches everything under it: `accessKeys.detail(id)` also covers that key's
 * permissions and access records, `accessKeys.all` every list, detail and quota.
 */
import type { KeyState, KeyType, UsageRange } from './wire';

export interface KeyFilters {
  userId?: string | undefined;
  state?: KeyState | undefined;
  type?: KeyType | undefined;
  expiringWithinDays?: number | undefined;
  /** A search box's text: key ID (or its start) or part of the name. */
  q?: string | undefined;
  sort?: 'name' | 'created' | 'lastUsed' | 'expires' | undefined;
  order?: 'asc' | 'desc' | undefined;
}

export interface AuditFilters {
  actorId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const queryKeys = {
  me: ['me'] as const,
  /** Under `me`, so signing in or out (which resets `me`) refreshes it too. */
  recoveryCodes: ['me', 'recovery-codes'] as const,
  accessKeys: {
    all: ['access-keys'] as const,
    lists: () => [...queryKeys.accessKeys.all, 'list'] as const,
    list: (filters: KeyFilters) => [...queryKeys.accessKeys.lists(), filters] as const,
    detail: (accessKeyId: string | null) => [...queryKeys.accessKeys.all, 'detail', accessKeyId] as const,
    permissions: (accessKeyId: string) => [...queryKeys.accessKeys.detail(accessKeyId), 'permissions'] as const,
    accessRecords: (accessKeyId: string) => [...queryKeys.accessKeys.detail(accessKeyId), 'access-records'] as const,
    usage: (accessKeyId: string, range: UsageRange) => [...queryKeys.accessKeys.detail(accessKeyId), 'usage', range] as const,
    /** Every key's permissions: they follow roles and groups too. */
    allPermissions: () => [...queryKeys.accessKeys.all, 'detail'] as const,
    quotas: () => [...queryKeys.accessKeys.all, 'quota'] as const,
    quota: (userId: string) => [...queryKeys.accessKeys.quotas(), userId] as const,
  },
  users: {
    all: ['users'] as const,
    lists: () => [...queryKeys.users.all, 'list'] as const,
    list: (search: string) => [...queryKeys.users.lists(), search] as const,
    detail: (userId: string | null) => [...queryKeys.users.all, 'detail', userId] as const,
  },
  roles: { all: ['roles'] as const },
  identities: {
    all: ['identities'] as const,
    list: (q = '') => [...queryKeys.identities.all, 'list', q] as const,
  },
  groups: { all: ['groups'] as const },
  policy: {
    all: ['policy'] as const,
    current: () => [...queryKeys.policy.all, 'current'] as const,
    rules: () => [...queryKeys.policy.all, 'rules'] as const,
  },
  audit: {
    all: ['audit'] as const,
    page: (filters: AuditFilters, cursor: string | null) => [...queryKeys.audit.all, filters, cursor] as const,
  },
  usage: {
    all: ['usage'] as const,
    tenant: (range: UsageRange) => [...queryKeys.usage.all, 'tenant', range] as const,
  },
  notifications: {
    all: ['notifications'] as const,
    latest: (limit: number) => [...queryKeys.notifications.all, 'latest', limit] as const,
    list: () => [...queryKeys.notifications.all, 'all'] as const,
  },
};
