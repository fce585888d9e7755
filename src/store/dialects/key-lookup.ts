import type { CreditRefill, RateLimitSpec } from '../../core/usage-controls.js';

/**
 * The one read behind a key-cache miss: the key, its owner's and tenant's facts, and every role
 * and group its permissions come through, in one prepared statement (SQLite) or one query
 * (PostgreSQL). Four Kysely queries cost about a millisecond of event loop on SQLite, most of it
 * building and preparing statements; this costs a few tens of microseconds.
 */
export interface KeyLookupRow {
  id: string;
  tenantId: string;
  ownerId: string;
  type: 'access' | 'api';
  state: 'enabled' | 'disabled' | 'deleted';
  expiresAt: number | null;
  secretDigest: string;
  secretEnvelope: string;
  secretVersion: number;
  previousSecretDigest: string | null;
  previousSecretEnvelope: string | null;
  previousSecretExpiresAt: number | null;
  ownerStatus: 'active' | 'disabled';
  ownerRole: 'admin' | 'member';
  ownerProgrammaticAccess: boolean;
  tenantStatus: 'active' | 'disabled';
  /** The tenant policy as stored (JSON text). */
  policy: string;
  links: KeyLink[];
  /** Usage controls (null: none; see core/key-controls.ts), parsed. */
  controls: StoredControlColumns;
}

/** The key's usage-control columns and its identity's (null when it has no externalId or no identity row yet). */
export interface StoredControlColumns {
  ratelimits: RateLimitSpec[] | null;
  ipAllowlist: string[] | null;
  meta: Record<string, unknown> | null;
  externalId: string | null;
  hasCredits: boolean;
  creditsRefill: CreditRefill | null;
  identity: { ratelimits: RateLimitSpec[] | null; hasCredits: boolean; creditsRefill: CreditRefill | null } | null;
}

/**
 * One way a role reaches the key: `via` 'key' (its own roles and groups) or 'owner' (the
 * owner's roles and groups); `groupId` set when through a group (with `roleId` null for a group
 * holding no role); `permissions` those of the role.
 */
export interface KeyLink {
  via: 'key' | 'owner';
  groupId: string | null;
  roleId: string | null;
  permissions: string[];
}

export interface KeyLookup {
  find(accessKeyId: string): Promise<KeyLookupRow | null>;
  close(): void;
}

/**
 * The links as one JSON array of [via, group_id, role_id, permissions] so the statement stays one
 * row per key. `$id` is the key ID; each dialect spells its JSON functions in.
 */
export function linksSql(jsonArray: (columns: string) => string, keyId: string): string {
  const owner = `(select owner_id from access_keys where id = ${keyId})`;
  return [
    `select ${jsonArray("'key', null, r.id, r.permissions")} as link from access_key_roles x join roles r on r.id = x.role_id where x.access_key_id = ${keyId}`,
    `select ${jsonArray("'key', x.group_id, r.id, r.permissions")} from access_key_groups x left join group_roles gr on gr.group_id = x.group_id left join roles r on r.id = gr.role_id where x.access_key_id = ${keyId}`,
    `select ${jsonArray("'owner', null, r.id, r.permissions")} from user_roles x join roles r on r.id = x.role_id where x.user_id = ${owner}`,
    `select ${jsonArray("'owner', x.group_id, r.id, r.permissions")} from group_members x left join group_roles gr on gr.group_id = x.group_id left join roles r on r.id = gr.role_id where x.user_id = ${owner}`,
  ].join(' union all ');
}

export const KEY_COLUMNS = `k.id, k.tenant_id, k.owner_id, k.type, k.state, k.expires_at, k.secret_digest, k.secret_envelope, k.secret_version,
  k.previous_secret_digest, k.previous_secret_envelope, k.previous_secret_expires_at,
  u.status as owner_status, u.role as owner_role, u.programmatic_access, t.status as tenant_status, t.policy,
  k.ratelimits, k.ip_allowlist, k.meta, k.external_id, case when k.credits_remaining is null then 0 else 1 end as has_credits, k.credits_refill,
  i.external_id as identity_external_id, i.ratelimits as identity_ratelimits,
  case when i.credits_remaining is null then 0 else 1 end as identity_has_credits, i.credits_refill as identity_credits_refill`;

/** The identity by its primary key (tenant, externalId): a key without one joins nothing. */
export const KEY_JOINS = `from access_keys k join users u on u.id = k.owner_id join tenants t on t.id = k.tenant_id
  left join identities i on i.tenant_id = k.tenant_id and i.external_id = k.external_id`;

export interface RawKeyRow {
  id: string;
  tenant_id: string;
  owner_id: string;
  type: 'access' | 'api';
  state: 'enabled' | 'disabled' | 'deleted';
  expires_at: number | string | null;
  secret_digest: string;
  secret_envelope: string;
  secret_version: number;
  previous_secret_digest: string | null;
  previous_secret_envelope: string | null;
  previous_secret_expires_at: number | string | null;
  owner_status: 'active' | 'disabled';
  owner_role: 'admin' | 'member';
  programmatic_access: number | boolean;
  tenant_status: 'active' | 'disabled';
  policy: string;
  ratelimits: string | null;
  ip_allowlist: string | null;
  meta: string | null;
  external_id: string | null;
  has_credits: number | string;
  credits_refill: string | null;
  identity_external_id: string | null;
  identity_ratelimits: string | null;
  identity_has_credits: number | string;
  identity_credits_refill: string | null;
  /** JSON text: an array of [via, groupId, roleId, permissions (JSON text or array)] */
  links: string | null;
}

type RawLink = [via: 'key' | 'owner', groupId: string | null, roleId: string | null, permissions: string | string[] | null];

const msOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function keyLookupRow(raw: RawKeyRow): KeyLookupRow {
  const links = raw.links === null ? [] : (JSON.parse(raw.links) as RawLink[]);
  return {
    id: raw.id,
    tenantId: raw.tenant_id,
    ownerId: raw.owner_id,
    type: raw.type,
    state: raw.state,
    expiresAt: msOrNull(raw.expires_at),
    secretDigest: raw.secret_digest,
    secretEnvelope: raw.secret_envelope,
    secretVersion: Number(raw.secret_version),
    previousSecretDigest: raw.previous_secret_digest,
    previousSecretEnvelope: raw.previous_secret_envelope,
    previousSecretExpiresAt: msOrNull(raw.previous_secret_expires_at),
    ownerStatus: raw.owner_status,
    ownerRole: raw.owner_role,
    ownerProgrammaticAccess: Number(raw.programmatic_access) === 1 || raw.programmatic_access === true,
    tenantStatus: raw.tenant_status,
    policy: raw.policy,
    links: links.map(([via, groupId, roleId, permissions]) => ({
      via,
      groupId,
      roleId,
      permissions: permissions === null ? [] : typeof permissions === 'string' ? (JSON.parse(permissions) as string[]) : permissions,
    })),
    controls: {
      ratelimits: jsonOrNull<RateLimitSpec[]>(raw.ratelimits),
      ipAllowlist: jsonOrNull<string[]>(raw.ip_allowlist),
      meta: jsonOrNull<Record<string, unknown>>(raw.meta),
      externalId: raw.external_id,
      hasCredits: Number(raw.has_credits) === 1,
      creditsRefill: jsonOrNull<CreditRefill>(raw.credits_refill),
      identity:
        raw.identity_external_id === null
          ? null
          : {
              ratelimits: jsonOrNull<RateLimitSpec[]>(raw.identity_ratelimits),
              hasCredits: Number(raw.identity_has_credits) === 1,
              creditsRefill: jsonOrNull<CreditRefill>(raw.identity_credits_refill),
            },
    },
  };
}

function jsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
