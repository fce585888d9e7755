/**
 * The database schema as Kysely sees it (camelCase here, snake_case in SQL via CamelCasePlugin).
 * Times are epoch milliseconds and booleans are 0/1 on every dialect, so rows read the same
 * from SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'disabled';
  policy: string;
  createdAt: number;
}

export interface UsersTable {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  passwordHash: string;
  mustChangePassword: number;
  programmaticAccess: number;
  status: 'active' | 'disabled';
  createdAt: number;
  updatedAt: number;
}

export interface SessionsTable {
  idHash: string;
  userId: string;
  tenantId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  stepUpVerifiedAt: number | null;
  stepUpMethod: 'email' | 'totp' | null;
  stepUpCodeDigest: string | null;
  stepUpCodeExpiresAt: number | null;
  stepUpCodeSentAt: number | null;
  stepUpCodeWrongTries: number;
}

export interface TotpCredentialsTable {
  userId: string;
  tenantId: string;
  secretEnvelope: string;
  confirmedAt: number | null;
  lastCounter: number | null;
  createdAt: number;
}

export interface PasswordResetsTable {
  tokenDigest: string;
  tenantId: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface TotpRecoveryCodesTable {
  userId: string;
  codeDigest: string;
  createdAt: number;
  usedAt: number | null;
}

export interface NotificationsTable {
  id: string;
  tenantId: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: string;
  createdAt: number;
  readAt: number | null;
}

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface MailOutboxTable {
  id: string;
  tenantId: string;
  purpose: string;
  toAddress: string;
  subject: string;
  bodyEnvelope: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  discardAfter: number | null;
  claimToken: string | null;
  claimedUntil: number | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface ExpiryRemindersTable {
  accessKeyId: string;
  expiresAt: number;
  tenantId: string;
  remindedAt: number;
}

/** One row per key and quiet period reminded of before the key is disabled as unused (migration 012). */
export interface UnusedKeyRemindersTable {
  accessKeyId: string;
  idleSince: number;
  tenantId: string;
  remindedAt: number;
}

/** Reports that a key's token was found in the wild (migration 015): where, by whom, and what was done. */
export interface KeyLeaksTable {
  id: string;
  tenantId: string;
  accessKeyId: string;
  reportedAt: number;
  /** 'scanner' (POST /v1/leaks) or 'holder' (POST /v1/access-keys/self-revoke). */
  reportedBy: 'scanner' | 'holder';
  /** The scanner's credential, when it was one. */
  reporterKeyId: string | null;
  tokenType: string | null;
  url: string | null;
  source: string | null;
  /** What the report did to the key: 'disabled', 'flagged' (policy leakResponse flag, or already disabled). */
  action: 'disabled' | 'flagged';
}

export interface LoginFailuresTable {
  subject: string;
  failures: number;
  firstFailedAt: number;
  lockedUntil: number;
}

export interface RolesTable {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  permissions: string;
  createdAt: number;
  updatedAt: number;
}

export interface GroupsTable {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface GroupRolesTable {
  groupId: string;
  roleId: string;
}
export interface GroupMembersTable {
  groupId: string;
  userId: string;
}
export interface UserRolesTable {
  userId: string;
  roleId: string;
}
export interface AccessKeyRolesTable {
  accessKeyId: string;
  roleId: string;
}
export interface AccessKeyGroupsTable {
  accessKeyId: string;
  groupId: string;
}

export interface AccessKeysTable {
  id: string;
  tenantId: string;
  ownerId: string;
  creatorId: string;
  name: string;
  type: 'access' | 'api';
  state: 'enabled' | 'disabled' | 'deleted';
  secretDigest: string;
  secretEnvelope: string;
  secretVersion: number;
  previousSecretDigest: string | null;
  previousSecretEnvelope: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** The source address of the attempt that set lastUsedAt. */
  lastUsedIp: string | null;
  deletedAt: number | null;
  /** When an administrator last re-enabled the key (migration 012); null if never. */
  enabledAt: number | null;
  /** Keys imported with only a SHA-256 (hex) of their whole token: how verification finds them (migration 014); null otherwise. */
  tokenDigest: string | null;
  /** Usage controls (migration 010): JSON text, null for none (see core/usage-controls.ts). */
  ratelimits: string | null;
  ipAllowlist: string | null;
  meta: string | null;
  externalId: string | null;
  /** Null: unlimited. */
  creditsRemaining: number | string | null;
  creditsRefill: string | null;
  creditsLastRefillAt: number | string | null;
}

/** An identity: the tenant's own customer, whose limits and credits every key with its externalId shares. */
export interface IdentitiesTable {
  tenantId: string;
  externalId: string;
  ratelimits: string | null;
  meta: string | null;
  creditsRemaining: number | string | null;
  creditsRefill: string | null;
  creditsLastRefillAt: number | string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A key's latest detailed attempts: per outcome a ring of `accessRecordsPerKey` slots,
 * overwritten in place (slot = sequence number modulo the ring size), so its size is bounded by
 * the key, not by its traffic. The tenant is the key's.
 */
export interface AccessRecordsTable {
  accessKeyId: string;
  outcome: 'success' | 'failure';
  slot: number;
  id: string;
  at: number;
  code: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  scheme: string;
  permission: string | null;
  detail: string | null;
}

/** Each ring's next sequence number (its write position, before the modulo). */
export interface AccessRecordCursorsTable {
  accessKeyId: string;
  outcome: 'success' | 'failure';
  nextSeq: number;
}

/**
 * Attempt counters of one key and outcome code (`OK` for successes): a minute row holds one hour
 * (`start`) as 60 minute counts, an hour row one UTC day as 24 hour counts. `counts` is a JSON
 * array of numbers; `total` is their sum.
 */
export interface UsageCountersTable {
  accessKeyId: string;
  start: number;
  code: string;
  total: number;
  counts: string;
}

export interface AuditEventsTable {
  id: string;
  tenantId: string;
  actorId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  result: 'success' | 'failure';
  ip: string | null;
  at: number;
  details: string | null;
  via: 'console' | 'api' | 'cli' | null;
}

export interface ChangesTable {
  seq: Generated<number>;
  tenantId: string;
  accessKeyId: string | null;
  userId: string | null;
  roleId: string | null;
  groupId: string | null;
  externalId: string | null;
  at: number;
}

export interface SeenSignaturesTable {
  accessKeyId: string;
  signature: string;
  tenantId: string;
  expiresAt: number;
}

export interface RatelimitWindowsTable {
  counter: string;
  windowStart: number;
  count: number;
  expiresAt: number;
}

export interface LatchkeyMetaTable {
  name: string;
  value: string;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  sessions: SessionsTable;
  loginFailures: LoginFailuresTable;
  roles: RolesTable;
  groups: GroupsTable;
  groupRoles: GroupRolesTable;
  groupMembers: GroupMembersTable;
  userRoles: UserRolesTable;
  accessKeys: AccessKeysTable;
  accessKeyRoles: AccessKeyRolesTable;
  accessKeyGroups: AccessKeyGroupsTable;
  accessRecords: AccessRecordsTable;
  accessRecordCursors: AccessRecordCursorsTable;
  usageMinutes: UsageCountersTable;
  usageHours: UsageCountersTable;
  auditEvents: AuditEventsTable;
  changes: ChangesTable;
  latchkeyMeta: LatchkeyMetaTable;
  totpCredentials: TotpCredentialsTable;
  passwordResets: PasswordResetsTable;
  totpRecoveryCodes: TotpRecoveryCodesTable;
  notifications: NotificationsTable;
  mailOutbox: MailOutboxTable;
  expiryReminders: ExpiryRemindersTable;
  unusedKeyReminders: UnusedKeyRemindersTable;
  seenSignatures: SeenSignaturesTable;
  identities: IdentitiesTable;
  ratelimitWindows: RatelimitWindowsTable;
  keyLeaks: KeyLeaksTable;
}
