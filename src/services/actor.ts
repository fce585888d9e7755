import { AppError } from '../core/errors.js';
import type { AuditVia, User } from '../core/model.js';
import { allows } from '../core/permissions.js';

/** Who is acting, and through what: a console session, an access key, or the CLI acting as a named admin. */
export interface Actor {
  tenantId: string;
  user: User;
  via: 'session' | 'key' | 'cli';
  /** The key used, when via = key. */
  accessKeyId: string | null;
  /** The key's effective permissions when it has roles of its own; null = acts as its owner. */
  keyPermissions: string[] | null;
  ip: string | null;
  userAgent: string | null;
  /**
   * The session row behind a console request (its digest), where step-up verification is kept.
   * Set by the routes that need it; a session actor without it counts as not verified.
   */
  sessionIdHash?: string | null;
}

/** How audit events name the way an action came: console (cookie session), api (access key) or cli. */
export function auditVia(via: Actor['via']): AuditVia {
  return via === 'session' ? 'console' : via === 'key' ? 'api' : 'cli';
}

export type ManagementPermission =
  | 'latchkey:keys:read'
  | 'latchkey:keys:write'
  | 'latchkey:users:read'
  | 'latchkey:users:write'
  | 'latchkey:roles:read'
  | 'latchkey:roles:write'
  | 'latchkey:policy:read'
  | 'latchkey:policy:write'
  | 'latchkey:identities:read'
  | 'latchkey:identities:write'
  | 'latchkey:audit:read'
  | 'latchkey:notifications:read'
  | 'latchkey:notifications:write';

/** A key narrowed by roles may only do what those roles allow, on top of its owner's rights. */
export function requireKeyScope(actor: Actor, permission: ManagementPermission): void {
  if (actor.keyPermissions !== null && !allows(actor.keyPermissions, permission)) {
    throw new AppError('FORBIDDEN', `This access key does not hold the permission ${permission}.`);
  }
}

export function requireAdmin(actor: Actor, permission: ManagementPermission): void {
  if (actor.user.role !== 'admin') throw new AppError('FORBIDDEN', 'Only tenant administrators can do this.');
  requireKeyScope(actor, permission);
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
