/** The domain objects as services and routes see them (never holding a secret in clear). */
import type { KeyUsageFields } from './key-controls.js';
import type { KeyState } from './key-state.js';
import type { TenantPolicy } from './policy.js';

export type UserRole = 'admin' | 'member';
export type ActiveStatus = 'active' | 'disabled';
export type KeyType = 'access' | 'api';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: ActiveStatus;
  policy: TenantPolicy;
  createdAt: Date;
}

export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: UserRole;
  programmaticAccess: boolean;
  status: ActiveStatus;
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Role {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Group {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  roleIds: string[];
  userIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessKey {
  accessKeyId: string;
  tenantId: string;
  ownerId: string;
  creatorId: string;
  name: string;
  type: KeyType;
  state: KeyState;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** Source address of the attempt that set lastUsedAt (absent where a key is built before its first use). */
  lastUsedIp?: string | null;
  deletedAt: Date | null;
  /** When the secret that a rotation replaced stops working (null when none is live). */
  previousSecretExpiresAt: Date | null;
  roleIds: string[];
  groupIds: string[];
  /** Usage controls (issue 11), read from the store; absent where a key is built before it is stored: none. */
  usage?: KeyUsageFields;
  /** Narrowed to the tenant's Verifier role (set by the keys service when it answers; absent: not known to be). */
  verifier?: boolean;
  /** The latest report that its token leaked (set by the keys service when it answers; absent or null: none). */
  leak?: KeyLeak | null;
}

/** A report that a key's token was found in the wild: where (never the token), by whom, and what it did. */
export interface KeyLeak {
  id: string;
  tenantId: string;
  accessKeyId: string;
  reportedAt: Date;
  reportedBy: 'scanner' | 'holder';
  reporterKeyId: string | null;
  tokenType: string | null;
  url: string | null;
  source: string | null;
  action: 'disabled' | 'flagged';
}

/** The stored secret material of a key: digests for bearer checks, envelopes for signatures. */
export interface KeySecrets {
  secretDigest: string;
  secretEnvelope: string;
  secretVersion: number;
  previousSecretDigest: string | null;
  previousSecretEnvelope: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface AccessRecord {
  id: string;
  tenantId: string;
  accessKeyId: string;
  at: Date;
  outcome: 'success' | 'failure';
  code: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  scheme: string;
  permission: string | null;
  detail: Record<string, string> | null;
}

export interface AuditEvent {
  id: string;
  tenantId: string;
  actorId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  result: 'success' | 'failure';
  ip: string | null;
  at: Date;
  details: Record<string, unknown> | null;
  /** How the action came: a console session, an access key (api) or the CLI; null for events before it was recorded. */
  via: AuditVia | null;
}

export type AuditVia = 'console' | 'api' | 'cli';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A message to one user: shown in the console bell (and, for some kinds, also mailed). */
export interface Notification {
  id: string;
  tenantId: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}
