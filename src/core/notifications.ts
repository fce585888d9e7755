/**
 * Notification rules: which change tells whom, and what it says. Pure: services read the
 * people and keys involved, these functions decide recipients and words, and the rows are
 * written in the transaction of the change itself.
 *
 * No text built here ever holds a secret or a code: only names, IDs, states and dates.
 */
export type NotificationKind = 'key.expiring' | 'key.assignments_changed' | 'user.roles_changed' | 'key.changed_by_admin' | 'key.under_attack' | 'key.unused' | 'key.leaked';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'key.expiring',
  'key.assignments_changed',
  'user.roles_changed',
  'key.changed_by_admin',
  'key.under_attack',
  'key.unused',
  'key.leaked',
];

export interface NotificationContent {
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, string | string[] | null>;
}

export interface KeyRef {
  accessKeyId: string;
  name: string;
}

export interface PersonRef {
  id: string;
  name: string;
}

export type AdminKeyAction = 'create' | 'disable' | 'enable' | 'rotate' | 'delete';

const DAY_MS = 86_400_000;

/**
 * key.changed_by_admin goes to the key's owner when an administrator other than the owner
 * acted on it; a member only ever acts on their own keys, so never tells anyone.
 */
export function changedByAdminRecipients(actor: PersonRef & { role: 'admin' | 'member' }, ownerId: string): string[] {
  return actor.role === 'admin' && actor.id !== ownerId ? [ownerId] : [];
}

/** key.assignments_changed goes to the owner when someone else changed the key's roles or groups. */
export function assignmentsChangedRecipients(actor: PersonRef, ownerId: string): string[] {
  return actor.id !== ownerId ? [ownerId] : [];
}

/** The reminder goes to the tenant's active admins, the key's creator and its owner, once each. */
export function expiringRecipients(activeAdminIds: readonly string[], creatorId: string, ownerId: string): string[] {
  return [...new Set([...activeAdminIds, creatorId, ownerId])].sort();
}

/** Whether a key expiring at `expiresAt` is inside the reminder window (and not yet expired). */
export function reminderDue(expiresAt: Date, reminderDays: number, now: Date): boolean {
  if (reminderDays <= 0) return false;
  const left = expiresAt.getTime() - now.getTime();
  return left > 0 && left <= reminderDays * DAY_MS;
}

const ACTION_WORDS: Record<AdminKeyAction, { past: string; effect: string }> = {
  create: { past: 'created', effect: 'It was created for you; ask the administrator for its secret if you are to use it.' },
  disable: { past: 'disabled', effect: 'Requests that use it now fail.' },
  enable: { past: 'enabled', effect: 'Requests that use it are accepted again.' },
  rotate: { past: 'generated a new secret for', effect: 'Requests that use the old secret fail (after the overlap, if one was given).' },
  delete: { past: 'deleted', effect: 'Requests that use it now fail, and it cannot be recovered.' },
};

export function keyChangedByAdmin(action: AdminKeyAction, key: KeyRef, actor: PersonRef): NotificationContent {
  const words = ACTION_WORDS[action];
  return {
    kind: 'key.changed_by_admin',
    title: `An administrator ${words.past} your access key “${key.name}”`,
    body: `${actor.name} ${words.past} the access key ${key.accessKeyId} (“${key.name}”). ${words.effect}`,
    data: { accessKeyId: key.accessKeyId, action, actorId: actor.id },
  };
}

/** An administrator moved a key's expiry (later, earlier, or to never): its owner hears the new date. */
export function keyExpiryChangedByAdmin(key: KeyRef, actor: PersonRef, expiresAt: Date | null): NotificationContent {
  const when = expiresAt === null ? 'It now never expires.' : `It now expires on ${utcText(expiresAt)}; requests that use it fail from then on.`;
  return {
    kind: 'key.changed_by_admin',
    title: `An administrator changed the expiry of your access key “${key.name}”`,
    body: `${actor.name} changed the expiry of the access key ${key.accessKeyId} (“${key.name}”). ${when}`,
    data: { accessKeyId: key.accessKeyId, action: 'expiry', actorId: actor.id, expiresAt: expiresAt?.toISOString() ?? null },
  };
}

/** "2026-12-04 23:59:59 UTC": a time as the mails and notifications write it. */
function utcText(at: Date): string {
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function keyAssignmentsChanged(key: KeyRef, actor: PersonRef, assignments: { roleIds: string[]; groupIds: string[] }): NotificationContent {
  return {
    kind: 'key.assignments_changed',
    title: `The roles and groups of your access key “${key.name}” changed`,
    body: `${actor.name} changed the roles and groups assigned to the access key ${key.accessKeyId} (“${key.name}”), so what it may do may have changed. See its permissions in the key details.`,
    data: { accessKeyId: key.accessKeyId, roleIds: assignments.roleIds, groupIds: assignments.groupIds, actorId: actor.id },
  };
}

export type RolesChange =
  | { kind: 'roles' }
  | { kind: 'added-to-group' | 'removed-from-group' | 'group-roles'; group: { id: string; name: string } }
  | { kind: 'role-deleted'; role: { id: string; name: string } };

export function userRolesChanged(change: RolesChange, actor: PersonRef): NotificationContent {
  const base = { kind: 'user.roles_changed' as const, title: 'Your roles changed' };
  const tail = 'What you and your access keys may do may have changed.';
  switch (change.kind) {
    case 'roles':
      return { ...base, body: `${actor.name} changed the roles assigned to you. ${tail}`, data: { actorId: actor.id } };
    case 'added-to-group':
      return {
        ...base,
        title: `You were added to the group “${change.group.name}”`,
        body: `${actor.name} added you to the group “${change.group.name}”. ${tail}`,
        data: { groupId: change.group.id, actorId: actor.id },
      };
    case 'removed-from-group':
      return {
        ...base,
        title: `You were removed from the group “${change.group.name}”`,
        body: `${actor.name} removed you from the group “${change.group.name}”. ${tail}`,
        data: { groupId: change.group.id, actorId: actor.id },
      };
    case 'group-roles':
      return { ...base, body: `${actor.name} changed the roles of the group “${change.group.name}”, which you belong to. ${tail}`, data: { groupId: change.group.id, actorId: actor.id } };
    case 'role-deleted':
      return { ...base, body: `${actor.name} deleted the role “${change.role.name}”, which you held. ${tail}`, data: { roleId: change.role.id, actorId: actor.id } };
  }
}

/** "in 2 days", "in 1 day", "within a day": the time left, rounded up to whole days. */
function timeLeft(expiresAt: Date, now: Date): string {
  const days = Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS);
  return days <= 1 ? (expiresAt.getTime() - now.getTime() < DAY_MS ? 'within a day' : 'in 1 day') : `in ${days} days`;
}

export function keyExpiring(key: KeyRef & { expiresAt: Date; owner: { name: string; email: string } }, now: Date): NotificationContent {
  const at = utcText(key.expiresAt);
  return {
    kind: 'key.expiring',
    title: `Access key “${key.name}” expires ${timeLeft(key.expiresAt, now)}`,
    body:
      `The access key ${key.accessKeyId} (“${key.name}”), owned by ${key.owner.name} <${key.owner.email}>, expires on ${at}. ` +
      'Requests that use it will fail from then on: extend its expiry, or create a new key and move to it before then.',
    data: { accessKeyId: key.accessKeyId, expiresAt: key.expiresAt.toISOString() },
  };
}

/**
 * A key unused for a while that the tenant policy will disable (disableUnusedAfterDays): says
 * since when, on which day, and how to keep it (use it, or an admin re-enables it afterwards).
 */
export function keyUnused(key: KeyRef & { idleSince: Date; disablesAt: Date; owner: { name: string; email: string } }, now: Date): NotificationContent {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    kind: 'key.unused',
    title: `Access key “${key.name}” will be disabled ${timeLeft(key.disablesAt, now)} as unused`,
    body:
      `The access key ${key.accessKeyId} (“${key.name}”), owned by ${key.owner.name} <${key.owner.email}>, has not been used since ${day(key.idleSince)}. ` +
      `The tenant policy disables keys unused that long: it will be disabled on ${day(key.disablesAt)} (UTC) unless it is used before then. ` +
      'If it is no longer needed, delete it; once disabled, an administrator can enable it again.',
    data: { accessKeyId: key.accessKeyId, idleSince: key.idleSince.toISOString(), disablesAt: key.disablesAt.toISOString() },
  };
}

/** key.under_attack goes to the key's owner and the tenant's active admins, once each. */
export function underAttackRecipients(activeAdminIds: readonly string[], ownerId: string): string[] {
  return [...new Set([...activeAdminIds, ownerId])].sort();
}

/** "10 minutes", "1 minute", "90 seconds": a window as people say it. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 60 !== 0) return `${seconds} seconds`;
  const minutes = seconds / 60;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * A burst of failed verifications against one key. Says how many, in what window, and where most
 * came from; never what was tried (no secret or token is ever known here).
 */
export function keyUnderAttack(key: KeyRef, attack: { failures: number; windowMs: number; topSourceIp: string | null; topSourceFailures: number }): NotificationContent {
  const source = attack.topSourceIp === null ? '' : ` Most came from ${attack.topSourceIp} (${attack.topSourceFailures}).`;
  return {
    kind: 'key.under_attack',
    title: `Access key “${key.name}” is under attack`,
    body:
      `${attack.failures} failed verifications named the access key ${key.accessKeyId} (“${key.name}”) within ${duration(attack.windowMs)}.${source} ` +
      'Further failures are answered RATE_LIMITED; requests with the right secret keep working. If the secret may have leaked, rotate the key.',
    data: { accessKeyId: key.accessKeyId, failures: String(attack.failures), windowSeconds: String(Math.round(attack.windowMs / 1000)), topSourceIp: attack.topSourceIp },
  };
}

/** The mail that carries a notification: its words and a link to where it can be acted on. */
export function notificationMail(content: NotificationContent, link: string): { subject: string; text: string } {
  return {
    subject: content.title,
    text: `${content.body}\n\nOpen it in Latchkey: ${link}\n\nYou receive this mail because of your role in your Latchkey tenant.\n`,
  };
}

/** Where a person manages a key in the console: admins on the tenant's key list, members in their settings. */
export function keyConsolePath(accessKeyId: string, role: 'admin' | 'member'): string {
  const key = encodeURIComponent(accessKeyId);
  return role === 'admin' ? `/access/users-and-keys/access-keys?key=${key}` : `/settings/access-keys?key=${key}`;
}

/** Users in `after` and not in `before`, and the other way round. */
export function membershipChanges(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return { added: [...is].filter((id) => !was.has(id)).sort(), removed: [...was].filter((id) => !is.has(id)).sort() };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((x) => left.has(x));
}
