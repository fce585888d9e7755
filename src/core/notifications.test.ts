import { describe, expect, it } from 'vitest';
import {
  assignmentsChangedRecipients,
  changedByAdminRecipients,
  expiringRecipients,
  keyAssignmentsChanged,
  keyChangedByAdmin,
  keyExpiryChangedByAdmin,
  keyConsolePath,
  keyExpiring,
  membershipChanges,
  notificationMail,
  reminderDue,
  sameSet,
  underAttackRecipients,
  keyUnderAttack,
  userRolesChanged,
} from './notifications.js';

const DAY = 86_400_000;
const now = new Date(Date.UTC(2031, 2, 10, 9, 30));
const key = { accessKeyId: 'LKAAAAAAAAAAAAAAAAAA', name: 'billing-sync' };
const ann = { id: 'usr_ann', name: 'Ann Admin', role: 'admin' as const };
const mo = { id: 'usr_mo', name: 'Mo Member', role: 'member' as const };

describe('recipients', () => {
  it('tells the owner when an administrator other than the owner acts on the key, and nobody otherwise', () => {
    expect(changedByAdminRecipients(ann, mo.id)).toEqual([mo.id]);
    expect(changedByAdminRecipients(ann, ann.id)).toEqual([]);
    expect(changedByAdminRecipients(mo, mo.id)).toEqual([]);
  });

  it('tells the owner when someone else changes the key roles or groups', () => {
    expect(assignmentsChangedRecipients(ann, mo.id)).toEqual([mo.id]);
    expect(assignmentsChangedRecipients(mo, mo.id)).toEqual([]);
  });

  it('reminds every active admin, the creator and the owner, each once', () => {
    expect(expiringRecipients(['usr_b', 'usr_a'], 'usr_a', 'usr_c')).toEqual(['usr_a', 'usr_b', 'usr_c']);
    expect(expiringRecipients([], 'usr_c', 'usr_c')).toEqual(['usr_c']);
  });
});

describe('reminderDue', () => {
  it('is due within the reminder days before expiry, not before, not after, and never when off', () => {
    expect(reminderDue(new Date(now.getTime() + 2 * DAY), 2, now)).toBe(true);
    expect(reminderDue(new Date(now.getTime() + 1), 2, now)).toBe(true);
    expect(reminderDue(new Date(now.getTime() + 2 * DAY + 1), 2, now)).toBe(false);
    expect(reminderDue(now, 2, now)).toBe(false);
    expect(reminderDue(new Date(now.getTime() + DAY), 0, now)).toBe(false);
  });
});

describe('texts', () => {
  it('say which key, who acted and what it means for requests', () => {
    const disabled = keyChangedByAdmin('disable', key, ann);
    expect(disabled).toEqual({
      kind: 'key.changed_by_admin',
      title: 'An administrator disabled your access key “billing-sync”',
      body: 'Ann Admin disabled the access key LKAAAAAAAAAAAAAAAAAA (“billing-sync”). Requests that use it now fail.',
      data: { accessKeyId: key.accessKeyId, action: 'disable', actorId: ann.id },
    });
    for (const action of ['create', 'enable', 'rotate', 'delete'] as const) {
      const n = keyChangedByAdmin(action, key, ann);
      expect(n.body).toContain(key.accessKeyId);
      expect(n.data.action).toBe(action);
    }
    const moved = keyExpiryChangedByAdmin(key, ann, new Date('2027-03-01T23:59:59.000Z'));
    expect(moved).toEqual({
      kind: 'key.changed_by_admin',
      title: 'An administrator changed the expiry of your access key “billing-sync”',
      body: 'Ann Admin changed the expiry of the access key LKAAAAAAAAAAAAAAAAAA (“billing-sync”). It now expires on 2027-03-01 23:59:59 UTC; requests that use it fail from then on.',
      data: { accessKeyId: key.accessKeyId, action: 'expiry', actorId: ann.id, expiresAt: '2027-03-01T23:59:59.000Z' },
    });
    expect(keyExpiryChangedByAdmin(key, ann, null).body).toContain('It now never expires.');
    expect(keyExpiryChangedByAdmin(key, ann, null).data.expiresAt).toBeNull();
    const assigned = keyAssignmentsChanged(key, ann, { roleIds: ['rol_a'], groupIds: [] });
    expect(assigned.kind).toBe('key.assignments_changed');
    expect(assigned.data).toEqual({ accessKeyId: key.accessKeyId, roleIds: ['rol_a'], groupIds: [], actorId: ann.id });
  });

  it('name the group a user joined or left', () => {
    const group = { id: 'grp_a', name: 'reporting' };
    expect(userRolesChanged({ kind: 'added-to-group', group }, ann).title).toBe('You were added to the group “reporting”');
    expect(userRolesChanged({ kind: 'removed-from-group', group }, ann).title).toBe('You were removed from the group “reporting”');
    expect(userRolesChanged({ kind: 'group-roles', group }, ann).body).toContain('“reporting”');
    expect(userRolesChanged({ kind: 'roles' }, ann)).toMatchObject({ kind: 'user.roles_changed', title: 'Your roles changed' });
    expect(userRolesChanged({ kind: 'role-deleted', role: { id: 'rol_x', name: 'ops' } }, ann).data).toEqual({ roleId: 'rol_x', actorId: ann.id });
  });

  it('tell how long a key has left, its owner and its expiry time in UTC', () => {
    const expiring = keyExpiring({ ...key, expiresAt: new Date(now.getTime() + 2 * DAY), owner: { name: 'Mo Member', email: 'mo@example.com' } }, now);
    expect(expiring.title).toBe('Access key “billing-sync” expires in 2 days');
    expect(expiring.body).toContain('owned by Mo Member <mo@example.com>, expires on 2031-03-12 09:30:00 UTC');
    expect(expiring.data).toEqual({ accessKeyId: key.accessKeyId, expiresAt: '2031-03-12T09:30:00.000Z' });
    expect(keyExpiring({ ...key, expiresAt: new Date(now.getTime() + DAY + 1000), owner: { name: 'x', email: 'x@y.z' } }, now).title).toMatch(/in 2 days$/);
    expect(keyExpiring({ ...key, expiresAt: new Date(now.getTime() + 3_600_000), owner: { name: 'x', email: 'x@y.z' } }, now).title).toMatch(/within a day$/);
  });

  it('put the notification and a console link in the mail', () => {
    const content = keyChangedByAdmin('delete', key, ann);
    const mail = notificationMail(content, 'https://latchkey.example/settings/access-keys?key=LKAAAAAAAAAAAAAAAAAA');
    expect(mail.subject).toBe(content.title);
    expect(mail.text).toContain(content.body);
    expect(mail.text).toContain('https://latchkey.example/settings/access-keys?key=LKAAAAAAAAAAAAAAAAAA');
  });

  it('links admins to the tenant key list and members to their own keys', () => {
    expect(keyConsolePath(key.accessKeyId, 'admin')).toBe('/access/users-and-keys/access-keys?key=LKAAAAAAAAAAAAAAAAAA');
    expect(keyConsolePath(key.accessKeyId, 'member')).toBe('/settings/access-keys?key=LKAAAAAAAAAAAAAAAAAA');
  });
});

describe('set helpers', () => {
  it('find who joined and who left', () => {
    expect(membershipChanges(['a', 'b'], ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
    expect(sameSet(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
  });
});

describe('key.under_attack', () => {
  it('goes to the owner and the active admins once each', () => {
    expect(underAttackRecipients([ann.id, 'usr_zed'], mo.id)).toEqual([ann.id, mo.id, 'usr_zed']);
    expect(underAttackRecipients([ann.id], ann.id)).toEqual([ann.id]);
  });

  it('says how many failures, in what window and from where, and what to do', () => {
    const content = keyUnderAttack(key, { failures: 100, windowMs: 600_000, topSourceIp: '192.0.2.1', topSourceFailures: 97 });
    expect(content.kind).toBe('key.under_attack');
    expect(content.title).toBe('Access key “billing-sync” is under attack');
    expect(content.body).toContain('100 failed verifications named the access key LKAAAAAAAAAAAAAAAAAA (“billing-sync”) within 10 minutes.');
    expect(content.body).toContain('Most came from 192.0.2.1 (97).');
    expect(content.body).toContain('rotate the key');
    expect(content.data).toEqual({ accessKeyId: key.accessKeyId, failures: '100', windowSeconds: '600', topSourceIp: '192.0.2.1' });
    expect(keyUnderAttack(key, { failures: 5, windowMs: 90_000, topSourceIp: null, topSourceFailures: 0 }).body).toContain('within 90 seconds. Further');
  });
});
