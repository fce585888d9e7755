/**
 * The JSON shapes of what Latchkey shows: users, keys, roles, groups, records, audit events,
 * notifications. HTTP answers and the CLI's --json output both come from here, so a field
 * added or renamed changes both at once (the HTTP schemas in http/schemas.ts describe them).
 */
import type { AccessKey, AccessRecord, Group, KeyLeak, Notification, Page, Role } from '../core/model.js';
import { type Identity, type KeyUsageFields, NO_USAGE_FIELDS } from '../core/key-controls.js';
import type { CreditRefill } from '../core/usage-controls.js';
import type { NamedAuditEvent } from '../services/audit-service.js';
import type { IssuedKey } from '../services/keys-service.js';
import type { ResolvedPermissions } from '../services/permission-resolver.js';
import type { KeyUsage, TenantUsage } from '../services/usage-service.js';
import type { UserView } from '../services/users-service.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** A page of anything, each item in its view. */
export function pageView<T, V>(page: Page<T>, view: (item: T) => V): { items: V[]; nextCursor: string | null } {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

/** An access key, never its secret; `expired` is judged at `now` (expiry is not a state). */
export function accessKeyView(key: AccessKey, now: Date) {
  return {
    accessKeyId: key.accessKeyId,
    name: key.name,
    type: key.type,
    state: key.state,
    expired: key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime(),
    tenantId: key.tenantId,
    ownerId: key.ownerId,
    creatorId: key.creatorId,
    createdAt: key.createdAt.toISOString(),
    updatedAt: key.updatedAt.toISOString(),
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    lastUsedIp: key.lastUsedIp ?? null,
    deletedAt: iso(key.deletedAt),
    previousSecretExpiresAt: iso(key.previousSecretExpiresAt),
    roleIds: key.roleIds,
    groupIds: key.groupIds,
    verifier: key.verifier ?? false,
    leak: key.leak ? leakView(key.leak) : null,
    ...usageFieldsView(key.usage ?? NO_USAGE_FIELDS),
  };
}

/** A key's usage controls (issue 11): null fields mean none (ratelimits, ipAllowlist: the tenant default applies). */
function usageFieldsView(usage: KeyUsageFields) {
  return {
    ratelimits: usage.ratelimits,
    ipAllowlist: usage.ipAllowlist,
    meta: usage.meta,
    externalId: usage.externalId,
    credits: creditsView(usage.credits),
  };
}

type CreditsLike = { remaining: number; refill: CreditRefill | null; lastRefillAt: Date | number | null };

export function creditsView(credits: CreditsLike | null) {
  return credits === null ? null : storedCreditsView(credits);
}

/** Credits as the credits routes answer them (remaining as stored, refill, when it last refilled). */
export function storedCreditsView(credits: CreditsLike) {
  const last = credits.lastRefillAt;
  return { remaining: credits.remaining, refill: credits.refill, lastRefillAt: last === null ? null : new Date(last).toISOString() };
}

export function identityView(identity: Identity) {
  return {
    externalId: identity.externalId,
    ratelimits: identity.ratelimits,
    meta: identity.meta,
    credits: creditsView(identity.credits),
    createdAt: identity.createdAt.toISOString(),
    updatedAt: identity.updatedAt.toISOString(),
  };
}

/** A key's latest leak report: where it was found (never the token) and what it did. */
export function leakView(leak: KeyLeak) {
  return { reportedAt: leak.reportedAt.toISOString(), reportedBy: leak.reportedBy, tokenType: leak.tokenType, url: leak.url, source: leak.source, action: leak.action };
}

export type AccessKeyJson = ReturnType<typeof accessKeyView>;

/** The create and rotate answer: the key with its secret, bearer token and copy text, this once. */
export function issuedKeyView(issued: IssuedKey, now: Date) {
  return { ...accessKeyView(issued.key, now), secret: issued.secret, token: issued.token, copyText: issued.copyText };
}

export type IssuedKeyJson = ReturnType<typeof issuedKeyView>;

/** The reveal answer: the secret again, without the rest of the key. */
export function revealedKeyView(revealed: Omit<IssuedKey, 'key'> & { accessKeyId: string }) {
  return { accessKeyId: revealed.accessKeyId, secret: revealed.secret, token: revealed.token, copyText: revealed.copyText };
}

export function keyPermissionsView(resolved: ResolvedPermissions) {
  return { permissions: resolved.effective, ownerPermissions: resolved.owner, keyGrants: resolved.key, actsAsOwner: resolved.key === null };
}

/** A user, never their password hash or authenticator secret. */
export function userView(user: UserView) {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    name: user.name,
    role: user.role,
    programmaticAccess: user.programmaticAccess,
    status: user.status,
    mustChangePassword: user.mustChangePassword,
    totpEnabled: user.totpEnabled,
    roleIds: user.roleIds,
    groupIds: user.groupIds,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export type UserJson = ReturnType<typeof userView>;

/** The create-user answer: the user, and the one-time password when none was given (shown this once). */
export function createdUserView(created: { user: UserView; oneTimePassword: string | null }) {
  return { user: userView(created.user), oneTimePassword: created.oneTimePassword };
}

export const roleView = (r: Role) => ({ ...r, tenantId: undefined, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });
export const groupView = (g: Group) => ({ ...g, tenantId: undefined, createdAt: g.createdAt.toISOString(), updatedAt: g.updatedAt.toISOString() });
export const keyUsageView = (u: KeyUsage) => ({
  range: u.range,
  bucketSeconds: u.bucketMs / 1000,
  buckets: u.buckets.map((b) => ({ start: new Date(b.start).toISOString(), success: b.success, failure: b.failure })),
  totals: u.totals,
  failuresByCode: u.failuresByCode,
  lastUsedAt: iso(u.lastUsedAt),
  lastUsedIp: u.lastUsedIp,
});

export const tenantUsageView = (u: TenantUsage) => ({
  range: u.range,
  totals: u.totals,
  failuresByCode: u.failuresByCode,
  busiestKeys: u.busiestKeys,
  underAttack: u.underAttack.map((k) => ({ ...k, lastAlertAt: k.lastAlertAt.toISOString() })),
});

export const accessRecordView = (r: AccessRecord) => ({ ...r, tenantId: undefined, at: r.at.toISOString() });
export const auditEventView = (e: NamedAuditEvent) => ({ ...e, tenantId: undefined, at: e.at.toISOString() });
export const notificationView = (n: Notification) => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  data: n.data,
  createdAt: n.createdAt.toISOString(),
  readAt: iso(n.readAt),
});

export type RoleJson = ReturnType<typeof roleView>;
export type GroupJson = ReturnType<typeof groupView>;
