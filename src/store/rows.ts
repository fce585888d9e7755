/** Row ↔ domain conversions shared by the repositories. */
import type { Selectable } from 'kysely';
import { DEFAULT_POLICY, type TenantPolicy } from '../core/policy.js';
import type { AccessKey, AccessRecord, AuditEvent, KeySecrets, Role, Tenant, User } from '../core/model.js';
import type { Identity, KeyUsageFields } from '../core/key-controls.js';
import type { CreditRefill, CreditsSpec, RateLimitSpec } from '../core/usage-controls.js';
import type { AccessKeysTable, AccessRecordsTable, AuditEventsTable, IdentitiesTable, RolesTable, TenantsTable, UsersTable } from './schema.js';

export const toDate = (ms: number): Date => new Date(Number(ms));
export const toDateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

export function tenantFromRow(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    // Rules added in later versions take their default until an admin sets them.
    policy: { ...DEFAULT_POLICY, ...(JSON.parse(row.policy) as Partial<TenantPolicy>) },
    createdAt: toDate(row.createdAt),
  };
}

export function userFromRow(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenantId: row.tenantId,
    email: row.email,
    name: row.name,
    role: row.role,
    programmaticAccess: Number(row.programmaticAccess) === 1,
    status: row.status,
    mustChangePassword: Number(row.mustChangePassword) === 1,
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
  };
}

export function roleFromRow(row: Selectable<RolesTable>): Role {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    description: row.description,
    permissions: JSON.parse(row.permissions) as string[],
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
  };
}

export function accessKeyFromRow(row: Selectable<AccessKeysTable>, roleIds: string[], groupIds: string[]): AccessKey {
  return {
    accessKeyId: row.id,
    tenantId: row.tenantId,
    ownerId: row.ownerId,
    creatorId: row.creatorId,
    name: row.name,
    type: row.type,
    state: row.state,
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
    expiresAt: toDateOrNull(row.expiresAt),
    lastUsedAt: toDateOrNull(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp ?? null,
    deletedAt: toDateOrNull(row.deletedAt),
    previousSecretExpiresAt: toDateOrNull(row.previousSecretExpiresAt),
    roleIds,
    groupIds,
    usage: usageFieldsFromRow(row),
  };
}

function usageFieldsFromRow(row: Selectable<AccessKeysTable>): KeyUsageFields {
  return {
    ratelimits: parseOrNull<RateLimitSpec[]>(row.ratelimits),
    ipAllowlist: parseOrNull<string[]>(row.ipAllowlist),
    meta: parseOrNull<Record<string, unknown>>(row.meta),
    externalId: row.externalId ?? null,
    credits: creditsFromColumns(row.creditsRemaining, row.creditsRefill, row.creditsLastRefillAt),
  };
}

export function creditsFromColumns(remaining: number | string | null, refill: string | null, lastRefillAt: number | string | null): CreditsSpec | null {
  if (remaining === null || remaining === undefined) return null;
  return { remaining: Number(remaining), refill: parseOrNull<CreditRefill>(refill), lastRefillAt: lastRefillAt === null || lastRefillAt === undefined ? null : toDate(Number(lastRefillAt)) };
}

export function identityFromRow(row: Selectable<IdentitiesTable>): Identity {
  return {
    tenantId: row.tenantId,
    externalId: row.externalId,
    ratelimits: parseOrNull<RateLimitSpec[]>(row.ratelimits),
    meta: parseOrNull<Record<string, unknown>>(row.meta),
    credits: creditsFromColumns(row.creditsRemaining, row.creditsRefill, row.creditsLastRefillAt),
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
  };
}

function parseOrNull<T>(text: string | null | undefined): T | null {
  return text === null || text === undefined ? null : (JSON.parse(text) as T);
}

export function keySecretsFromRow(row: Selectable<AccessKeysTable>): KeySecrets {
  return {
    secretDigest: row.secretDigest,
    secretEnvelope: row.secretEnvelope,
    secretVersion: Number(row.secretVersion),
    previousSecretDigest: row.previousSecretDigest,
    previousSecretEnvelope: row.previousSecretEnvelope,
    previousSecretExpiresAt: toDateOrNull(row.previousSecretExpiresAt),
  };
}

/** A ring row as a record; the tenant is its key's (rows do not repeat it). */
export function accessRecordFromRow(tenantId: string, row: Selectable<AccessRecordsTable>): AccessRecord {
  return {
    id: row.id,
    tenantId,
    accessKeyId: row.accessKeyId,
    at: toDate(row.at),
    outcome: row.outcome,
    code: row.code,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
    scheme: row.scheme,
    permission: row.permission,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, string>),
  };
}

export function auditEventFromRow(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenantId,
    actorId: row.actorId,
    actorKeyId: row.actorKeyId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    result: row.result,
    ip: row.ip,
    at: toDate(row.at),
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    via: row.via,
  };
}
