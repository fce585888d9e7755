/** Wire shapes of the Latchkey API (src/http/schemas.ts and the issue-3 contract). */

export type KeyState = 'enabled' | 'disabled' | 'deleted';
export type KeyType = 'access' | 'api';

export interface AccessKey {
  accessKeyId: string;
  name: string;
  type: KeyType;
  state: KeyState;
  expired: boolean;
  tenantId: string;
  ownerId: string;
  creatorId: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  deletedAt: string | null;
  previousSecretExpiresAt: string | null;
  roleIds: string[];
  groupIds: string[];
}

/** The answer to create, rotate and reveal: the only places a secret appears. */
export interface IssuedKey {
  accessKeyId: string;
  secret: string;
  token: string;
  copyText: string;
}

export type IssuedAccessKey = AccessKey & IssuedKey;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type StepUpMethod = 'none' | 'email' | 'totp';

export interface Policy {
  memberKeyLimit: number | null;
  adminKeyLimit: number | null;
  defaultValidityDays: number | null;
  allowNeverExpires: boolean;
  deleteRequiresDisabled: boolean;
  accessRecordRetentionDays: number;
  secretReveal?: 'never' | 'after-step-up';
  stepUp?: StepUpMethod;
  stepUpMinutes?: number;
  expiryReminderDays?: number;
  [field: string]: unknown;
}

export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  programmaticAccess: boolean;
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  roleIds: string[];
  groupIds: string[];
  createdAt: string;
  updatedAt: string;
  totpEnabled?: boolean;
}

export interface Me {
  user: User;
  tenant: { id: string; name: string; slug: string };
  policy: Policy;
  via: string;
  accessKeyId: string | null;
  csrfToken: string | null;
  keyCount: number;
  keyLimit: number | null;
  unreadNotifications?: number;
  totpEnabled?: boolean;
  stepUp?: { method: StepUpMethod; verifiedUntil: string | null };
}

export interface LoginAnswer {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  roleIds: string[];
  userIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AccessRecord {
  id: string;
  accessKeyId: string;
  at: string;
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
  actorId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  result: 'success' | 'failure';
  ip: string | null;
  at: string;
  details: Record<string, unknown> | null;
}

export interface KeyPermissions {
  permissions: string[];
  ownerPermissions: string[];
  keyGrants: string[] | null;
  actsAsOwner: boolean;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: { accessKeyId?: string; [field: string]: unknown };
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage extends Page<Notification> {
  unreadCount: number;
}

export interface StepUpStatus {
  method: StepUpMethod;
  verifiedUntil: string | null;
  required: boolean;
}

export interface StepUpStart {
  method: StepUpMethod;
  sentTo?: string;
  expiresAt?: string;
}

export interface TotpEnrollment {
  secret: string;
  otpauthUrl: string;
}
