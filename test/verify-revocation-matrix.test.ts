/**
 * The revocation guarantee for every service method that writes what verification reads (keys,
 * users, roles, groups, their links, tenants, policy, usage controls and identities): two Latchkey runtimes share one PostgreSQL
 * database with the production poll interval; B holds the key in its cache; the write goes
 * through A; B gives the new answer within 1 s.
 *
 * The list of methods is taken from the service prototypes, so a method added later fails this
 * suite until it is given a case here (or is placed, with its reason, among those that cannot
 * change an answer).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import type { Actor } from '../src/services/actor.js';
import type { VerifyOutcome } from '../src/services/verification-service.js';
import { eventually, PASSWORD, type Runtime, openPostgresPair, type PostgresPair } from './support/verify-cluster.js';

const REVOCATION_BOUND_MS = 1_000;
const context = { sourceIp: '203.0.113.9', userAgent: 'revocation-matrix' };
const leakCaller = { ip: context.sourceIp, userAgent: context.userAgent };

/** What a case sets up through A: the token B verifies and the permission it asks for. */
interface Subject {
  token: string;
  permission?: string;
  [more: string]: unknown;
}

interface Case {
  /** Makes the key (and what it depends on); B caches it before the write. Absent: the write makes the key. */
  setup?(): Promise<Subject>;
  // biome-ignore lint/suspicious/noConfusingVoidType: most writes make nothing and return void; those that make the key return it
  write(subject: Subject | null): Promise<Subject | void>;
  /** The answer B must give after the write (and, with a setup, did not give before it). */
  after(outcome: VerifyOutcome, subject: Subject): boolean;
}

/** Methods of these services are enumerated; every one is a case, cannot change an answer, or is internal. */
const ENUMERATED = [
  'keys',
  'users',
  'roles',
  'tenants',
  'auth',
  'totp',
  'stepUp',
  'notifications',
  'audit',
  'reminders',
  'unusedKeys',
  'recovery',
  'usageControls',
  'leaks',
  'keyImport',
] as const;

/** Writes that cannot change any verification answer of an existing key, and why. */
const NO_ANSWER_CHANGES: Record<string, string> = {
  'users.create': 'a new user holds no key yet',
  'tenants.create': 'a new tenant has no key yet',
  'roles.createRole': 'a new role is in no grant yet',
  'auth.changePassword': 'a password is not what keys are checked against (and evicts nothing)',
  'users.resetPassword': 'a password is not what keys are checked against (and evicts nothing)',
  'recovery.complete': 'a password is not what keys are checked against (and evicts nothing)',
};

/** Methods that only read, or write only tables verification never reads (sessions, TOTP, notifications, audit, mail). */
const OTHER_TABLES = new Set([
  'keys.list',
  'usageControls.listIdentities',
  'usageControls.getIdentity',
  'keys.get',
  'keys.countHeld',
  'keys.quota',
  'keys.reveal',
  'keys.permissions',
  'keys.accessRecords',
  'users.list',
  'users.get',
  'users.findById',
  'users.findByEmail',
  'users.oldestActiveAdmin',
  'roles.listRoles',
  'roles.getRole',
  'roles.listGroups',
  'roles.getGroup',
  'tenants.count',
  'tenants.findByIdOrSlug',
  'tenants.get',
  'tenants.getPolicy',
  'auth.login',
  'auth.resolveSession',
  'auth.checkCsrf',
  'auth.logout',
  'totp.isEnabled',
  'totp.enabledAmong',
  'totp.enroll',
  'totp.confirm',
  'totp.remove',
  'totp.reset',
  'totp.check',
  'totp.throttle',
  'totp.clearThrottle',
  'totp.useRecoveryCode',
  'totp.recoveryCodesLeft',
  'totp.regenerateRecoveryCodes',
  'totp.recoveryCodeKeys',
  'stepUp.status',
  'stepUp.require',
  'stepUp.start',
  'stepUp.verify',
  'notifications.notify',
  'notifications.mailQueued',
  'notifications.list',
  'notifications.unreadCount',
  'notifications.markRead',
  'notifications.markAllRead',
  'audit.record',
  'audit.recordBySystem',
  'audit.refusable',
  'audit.list',
  'audit.all',
  'reminders.run',
  'recovery.request',
  'recovery.settled',
]);

/**
 * Private helpers (TypeScript's `private` is gone at run time, so they are on the prototype
 * too). They are reached only through the public methods above, whose cases cover their writes.
 */
const INTERNAL = new Set([
  'audit.insert',
  'audit.filterOf',
  'audit.named',
  'keys.createKey',
  'keys.updateKey',
  'keys.rotateKey',
  'keys.replaceKey',
  'keys.endKeyOverlap',
  'keys.revealKey',
  'keys.changeState',
  'keys.applyState',
  'keys.requireWithinActorKey',
  'keys.transition',
  'keys.guarded',
  'keys.tellOwner',
  'keys.policyOf',
  'keys.load',
  'keys.ownerFor',
  'keys.seal',
  'keys.issued',
  'keys.checkRefs',
  'keys.narrowedRoleFor',
  'keys.markVerifiers',
  'keys.usageOf',
  'usageControls.writeIdentity',
  'usageControls.removeIdentity',
  'usageControls.changeCredits',
  'keys.markLeaks',
  'leaks.reporter',
  'leaks.reportOne',
  'leaks.apply',
  'keyImport.run',
  'keyImport.owners',
  'keyImport.keyOf',
  'users.createUser',
  'users.updateUser',
  'users.checkRoles',
  'users.views',
  'users.resetPasswordOf',
  'recovery.send',
  'roles.write',
  'roles.tell',
  'roles.checkRefs',
  'tenants.replacePolicy',
  'totp.resetFor',
  'totp.wrongCode',
  'totp.secretOf',
  'totp.storeRecoveryCodes',
  'stepUp.verified',
  'stepUp.failed',
  'stepUp.sessionOf',
  'stepUp.policyOf',
  'notifications.linkFor',
]);

describe('revocation across two processes sharing PostgreSQL, for every writing service method', () => {
  let pair: PostgresPair;
  let a: Runtime;
  let b: Runtime;
  let admin: Actor;
  const unique = () => randomBytes(4).toString('hex');

  beforeAll(async () => {
    pair = await openPostgresPair();
    ({ a, b, admin } = pair);
  });

  afterAll(async () => {
    await pair?.close();
  });

  const verifyOnB = async (subject: Subject): Promise<VerifyOutcome> => b.services.verification.verify({ kind: 'token', token: subject.token }, { ...context, permission: subject.permission });
  const role = (permissions: string[]) => a.services.roles.createRole(admin, { name: `r-${unique()}`, permissions });
  const member = async (roleIds: string[] = []) => (await a.services.users.create(admin, { email: `m${unique()}@example.test`, password: PASSWORD, programmaticAccess: true, roleIds })).user;
  /** A key of a member holding storage:read directly, acting as its owner. */
  const memberKey = async (): Promise<Subject> => {
    const storage = await role(['storage:read']);
    const owner = await member([storage.id]);
    const issued = await a.services.keys.create(admin, { name: 'member key', userId: owner.id });
    return { token: issued.token, permission: 'storage:read', keyId: issued.key.accessKeyId, ownerId: owner.id, roleId: storage.id };
  };
  const adminKey = async (input: { roleIds?: string[] } = {}): Promise<Subject> => {
    const issued = await a.services.keys.create(admin, { name: 'admin key', ...input });
    return { token: issued.token, keyId: issued.key.accessKeyId };
  };
  const refused = (code: string) => (o: VerifyOutcome) => !o.valid && o.code === code;
  const denied = (o: VerifyOutcome) => !o.valid;
  const id = (subject: Subject | null, field: string) => subject![field] as string;

  const CASES: Record<string, Case> = {
    'keys.create': {
      write: async () => adminKey(),
      after: (o) => o.valid,
    },
    'keys.update': {
      setup: async () => ({ ...(await adminKey({ roleIds: [(await role(['storage:read'])).id] })), permission: 'storage:read' }),
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { roleIds: [(await role(['billing:read'])).id] })),
      after: denied,
    },
    'keys.enable': {
      setup: async () => {
        const s = await adminKey();
        await a.services.keys.disable(admin, id(s, 'keyId'));
        return s;
      },
      write: async (s) => void (await a.services.keys.enable(admin, id(s, 'keyId'))),
      after: (o) => o.valid,
    },
    'keyImport.importKeys': {
      // B has answered KEY_NOT_FOUND for the token (and cached the key ID as unknown) before the import.
      setup: async () => {
        const keyId = generateAccessKeyId();
        return { token: buildToken(keyId, generateSecret()), keyId };
      },
      write: async (s) =>
        void (await a.services.keyImport.importKeys(admin, [{ line: 1, value: { owner: admin.user.id, name: 'imported', state: 'enabled', expiresAt: null, secret: s!.token } }])),
      after: (o) => o.valid,
    },
    'leaks.report': {
      setup: () => adminKey(),
      write: async (s) => {
        const reporter = await a.services.keys.create(admin, { name: 'leak reporter' });
        await a.services.leaks.report({ tenantId: admin.tenantId, accessKeyId: reporter.key.accessKeyId }, [{ token: s!.token, type: 'latchkey', url: 'https://example.test/leak' }], leakCaller);
      },
      after: refused('KEY_DISABLED'),
    },
    'leaks.selfRevoke': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.leaks.selfRevoke(s!.token, leakCaller)),
      after: refused('KEY_DISABLED'),
    },
    'keys.disable': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.disable(admin, id(s, 'keyId'))),
      after: refused('KEY_DISABLED'),
    },
    'keys.delete': {
      setup: async () => {
        const s = await adminKey();
        await a.services.keys.disable(admin, id(s, 'keyId'));
        return s;
      },
      write: async (s) => void (await a.services.keys.delete(admin, id(s, 'keyId'))),
      after: refused('KEY_DELETED'),
    },
    'keys.rotate': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.rotate(admin, id(s, 'keyId'))),
      after: denied,
    },
    'keys.replace': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.replace(admin, id(s, 'keyId'))),
      after: refused('KEY_DISABLED'),
    },
    'keys.endOverlap': {
      // The subject is the old token, still valid during a one-hour overlap.
      setup: async () => {
        const s = await adminKey();
        await a.services.keys.rotate(admin, id(s, 'keyId'), 3600);
        return s;
      },
      write: async (s) => void (await a.services.keys.endOverlap(admin, id(s, 'keyId'))),
      after: denied,
    },
    'users.update: status': {
      setup: memberKey,
      write: async (s) => void (await a.services.users.update(admin, id(s, 'ownerId'), { status: 'disabled' })),
      after: refused('USER_DISABLED'),
    },
    'users.update: programmatic access': {
      setup: memberKey,
      write: async (s) => void (await a.services.users.update(admin, id(s, 'ownerId'), { programmaticAccess: false })),
      after: denied,
    },
    'users.update: roles': {
      setup: memberKey,
      write: async (s) => void (await a.services.users.update(admin, id(s, 'ownerId'), { roleIds: [] })),
      after: denied,
    },
    'roles.updateRole': {
      setup: memberKey,
      write: async (s) => void (await a.services.roles.updateRole(admin, id(s, 'roleId'), { permissions: ['billing:read'] })),
      after: denied,
    },
    'roles.deleteRole': {
      setup: memberKey,
      write: async (s) => void (await a.services.roles.deleteRole(admin, id(s, 'roleId'))),
      after: denied,
    },
    'roles.createGroup': {
      setup: async () => {
        const owner = await member();
        const issued = await a.services.keys.create(admin, { name: 'joins a group', userId: owner.id });
        return { token: issued.token, permission: 'storage:read', keyId: issued.key.accessKeyId, ownerId: owner.id };
      },
      write: async (s) => void (await a.services.roles.createGroup(admin, { name: `g-${unique()}`, roleIds: [(await role(['storage:read'])).id], userIds: [id(s, 'ownerId')] })),
      after: (o) => o.valid,
    },
    'roles.updateGroup': {
      setup: async () => {
        const owner = await member();
        const group = await a.services.roles.createGroup(admin, { name: `g-${unique()}`, roleIds: [(await role(['storage:read'])).id], userIds: [owner.id] });
        const issued = await a.services.keys.create(admin, { name: 'in a group', userId: owner.id });
        return { token: issued.token, permission: 'storage:read', keyId: issued.key.accessKeyId, groupId: group.id };
      },
      write: async (s) => void (await a.services.roles.updateGroup(admin, id(s, 'groupId'), { userIds: [] })),
      after: denied,
    },
    'roles.deleteGroup': {
      setup: async () => {
        const owner = await member();
        const group = await a.services.roles.createGroup(admin, { name: `g-${unique()}`, roleIds: [(await role(['storage:read'])).id], userIds: [owner.id] });
        const issued = await a.services.keys.create(admin, { name: 'in a doomed group', userId: owner.id });
        return { token: issued.token, permission: 'storage:read', keyId: issued.key.accessKeyId, groupId: group.id };
      },
      write: async (s) => void (await a.services.roles.deleteGroup(admin, id(s, 'groupId'))),
      after: denied,
    },
    'tenants.putPolicy': {
      setup: async () => ({ ...(await adminKey()), replayProtection: (await a.services.tenants.getPolicy(admin)).replayProtection }),
      write: async (s) => {
        const policy = await a.services.tenants.getPolicy(admin);
        await a.services.tenants.putPolicy(admin, { ...policy, replayProtection: !s!.replayProtection });
      },
      // The policy travels with the cached key (signed requests read it on the hot path).
      after: (o, s) => o.valid && o.key.policy.replayProtection === !s.replayProtection,
    },
    // Issue 11: a key's usage controls, its identity's and credits are in B's cached key (credits:
    // whether there are any to spend); each change evicts it, and B's next answer follows.
    'keys.update: ratelimits': {
      setup: () => adminKey(),
      // One request an hour: B's first verification after the eviction spends it, the next is refused.
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { ratelimits: [{ name: 'hourly', limit: 1, durationMs: 3_600_000 }] })),
      after: refused('RATE_LIMITED'),
    },
    'keys.update: ipAllowlist': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { ipAllowlist: ['198.51.100.0/24'] })),
      after: refused('IP_NOT_ALLOWED'),
    },
    'keys.update: credits': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { credits: { remaining: 0 } })),
      after: refused('USAGE_EXCEEDED'),
    },
    'keys.update: meta': {
      setup: () => adminKey(),
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { meta: { plan: 'pro' } })),
      after: (o) => o.valid && o.key.controls?.meta?.plan === 'pro',
    },
    'keys.update: externalId': {
      setup: async () => {
        const externalId = `cust-${unique()}`;
        await a.services.usageControls.putIdentity(admin, externalId, { credits: { remaining: 0 } });
        return { ...(await adminKey()), externalId };
      },
      // The key joins an identity whose credits are spent: it shares them.
      write: async (s) => void (await a.services.keys.update(admin, id(s, 'keyId'), { externalId: id(s, 'externalId') })),
      after: refused('USAGE_EXCEEDED'),
    },
    'usageControls.putIdentity': {
      setup: async () => {
        const externalId = `cust-${unique()}`;
        const issued = await a.services.keys.create(admin, { name: 'identity key', externalId });
        return { token: issued.token, keyId: issued.key.accessKeyId, externalId };
      },
      write: async (s) => void (await a.services.usageControls.putIdentity(admin, id(s, 'externalId'), { ratelimits: [{ name: 'shared', limit: 1, durationMs: 3_600_000 }] })),
      after: refused('RATE_LIMITED'),
    },
    'usageControls.deleteIdentity': {
      setup: async () => {
        const externalId = `cust-${unique()}`;
        await a.services.usageControls.putIdentity(admin, externalId, { credits: { remaining: 0 } });
        const issued = await a.services.keys.create(admin, { name: 'identity key', externalId });
        return { token: issued.token, keyId: issued.key.accessKeyId, externalId };
      },
      // Its keys stop sharing the identity's spent credits.
      write: async (s) => void (await a.services.usageControls.deleteIdentity(admin, id(s, 'externalId'))),
      after: (o) => o.valid,
    },
    'usageControls.changeKeyCredits': {
      setup: () => adminKey(),
      // Unlimited until now: setting 0 gives the key credits, all spent.
      write: async (s) => void (await a.services.usageControls.changeKeyCredits(admin, id(s, 'keyId'), { set: 0 })),
      after: refused('USAGE_EXCEEDED'),
    },
    'usageControls.changeIdentityCredits': {
      setup: async () => {
        const externalId = `cust-${unique()}`;
        await a.services.usageControls.putIdentity(admin, externalId, { meta: { tier: 'free' } });
        const issued = await a.services.keys.create(admin, { name: 'identity key', externalId });
        return { token: issued.token, keyId: issued.key.accessKeyId, externalId };
      },
      write: async (s) => void (await a.services.usageControls.changeIdentityCredits(admin, id(s, 'externalId'), { set: 0 })),
      after: refused('USAGE_EXCEEDED'),
    },
    'unusedKeys.run': {
      setup: async () => {
        await a.services.tenants.putPolicy(admin, { ...(await a.services.tenants.getPolicy(admin)), disableUnusedAfterDays: 7 });
        return adminKey();
      },
      write: async (s) => {
        // B's use of the key in the setup is written first; then the key is made 30 days quiet, its reminder 8 days old.
        await b.services.recorder.flush();
        const now = Date.now();
        await a.store.db
          .updateTable('accessKeys')
          .set({ createdAt: now - 30 * 86_400_000, lastUsedAt: null })
          .where('id', '=', id(s, 'keyId'))
          .execute();
        const claim = { accessKeyId: id(s, 'keyId'), tenantId: admin.tenantId, idleSince: new Date(now - 30 * 86_400_000), now: new Date(now - 8 * 86_400_000) };
        expect(await a.store.unusedKeys.claimReminder(claim)).toBe(true);
        expect((await a.services.unusedKeys.run()).disabled).toBeGreaterThanOrEqual(1);
      },
      after: refused('KEY_DISABLED'),
    },
  };

  it('every method of the services is a case here, cannot change an answer, or reads/writes other tables', () => {
    const services = a.services as unknown as Record<(typeof ENUMERATED)[number], object>;
    const found = ENUMERATED.flatMap((name) => {
      const proto = Object.getPrototypeOf(services[name]) as Record<string, unknown>;
      return Object.getOwnPropertyNames(proto)
        .filter((m) => m !== 'constructor' && typeof proto[m] === 'function')
        .map((m) => `${name}.${m}`);
    });
    const cases = new Set(Object.keys(CASES).map((name) => name.split(':')[0]!));
    const unclassified = found.filter((m) => !cases.has(m) && !(m in NO_ANSWER_CHANGES) && !OTHER_TABLES.has(m) && !INTERNAL.has(m));
    expect(unclassified).toEqual([]);
    // And nothing listed here is stale.
    for (const m of [...cases, ...Object.keys(NO_ANSWER_CHANGES), ...OTHER_TABLES, ...INTERNAL]) expect(found).toContain(m);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: B gives the new answer within 1 s`, async () => {
      let subject: Subject | null = null;
      if (c.setup) {
        subject = await c.setup();
        // B has seen the setup's own change rows, so what it caches next stays until the write.
        await b.services.keyCache.poll();
        const before = await verifyOnB(subject);
        expect(c.after(before, subject)).toBe(false);
        expect(b.services.keyCache.peek(id(subject, 'keyId'))).not.toBeUndefined();
      }
      subject = (await c.write(subject)) ?? subject;
      let last: VerifyOutcome | null = null;
      await eventually(
        async () => {
          last = await verifyOnB(subject!);
          return c.after(last, subject!);
        },
        REVOCATION_BOUND_MS,
        `${name}: B still gives the old answer`,
      );
    });
  }
});
