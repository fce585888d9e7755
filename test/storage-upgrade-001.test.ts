/**
 * Issue 13 item 6, upgrades: a database of the first released schema (migration 001 only, run
 * through the migrator) holding what a user of that version had — a tenant with its first
 * policy (six rules), an admin and members (one disabled), roles, a group, keys in every state
 * (enabled, disabled, deleted, expired, one rotated with its previous secret still in its
 * overlap), access records and audit events — written as 001's code stored them (the rows of
 * b43362a's repositories; sealing, digests, password hashes and IDs in the formats of that
 * version, which today's crypto writes unchanged: envelope v1 AES-256-GCM bound to tenant and
 * key, hex SHA-256, argon2id, `prefix_` IDs). Then today's migrations run, and every key, user,
 * record and audit event is there and the keys verify, as bearer tokens and as SigV4 requests
 * signed by the AWS SDK's signer, through today's HTTP app. On both databases.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildToken } from '../src/core/key-format.js';
import { sha256Hex } from '../src/crypto/digest.js';
import { sealSecret } from '../src/crypto/envelope.js';
import { hashPassword } from '../src/crypto/password.js';
import { generateAccessKeyId, generateId, generateSecret } from '../src/crypto/random.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, type Runtime } from '../src/main.js';
import { createStore, latchkeyMigrator, MIGRATION_NAMES } from '../src/store/store.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';
import { DATABASE_KINDS, emptyDatabase } from './support/databases.js';
import { apiClient, PASSWORD, verifierFor } from './support/http.js';
import { verifyJson } from './support/signed.js';

const DAY = 86_400_000;

interface OldKey {
  accessKeyId: string;
  secret: string;
  token: string;
  name: string;
  state: 'enabled' | 'disabled' | 'deleted';
  ownerId: string;
  expiresAt: number | null;
  /** What verification answers today: valid, or the refusal code. */
  expect: true | string;
  previous?: { secret: string; token: string; until: number };
}

describe.each(DATABASE_KINDS)('upgrading a database of the first schema (001) to today (%s)', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps every key, user, role, group, access record and audit event, and the keys verify (bearer and SigV4)', async () => {
    const { dataDir, databaseUrl, remove } = await emptyDatabase(kind, 'latchkey-upgrade-');
    cleanups.push(remove);
    const masterKey = randomBytes(32);
    const now = Date.now();

    // --- The first version: migration 001 only, through the migrator as that version ran it.
    const old = createStore({ databaseUrl, dataDir });
    const first = await latchkeyMigrator(old.db, old.dialect, '001-initial').migrateToLatest();
    expect(first.error).toBeUndefined();
    expect(first.results?.map((r) => r.migrationName)).toEqual(['001-initial']);
    const db = old.db as unknown as Kysely<any>;

    const tenantId = generateId('tenant');
    // 001's policy had six rules.
    const oldPolicy = { memberKeyLimit: 3, adminKeyLimit: null, defaultValidityDays: 90, allowNeverExpires: true, deleteRequiresDisabled: true, accessRecordRetentionDays: 60 };
    await db
      .insertInto('tenants')
      .values({ id: tenantId, slug: 'acme', name: 'Acme', status: 'active', policy: JSON.stringify(oldPolicy), createdAt: now - 60 * DAY })
      .execute();
    const passwordHash = await hashPassword(PASSWORD);
    const user = (id: string, email: string, name: string, role: 'admin' | 'member', status: 'active' | 'disabled') => ({
      id,
      tenantId,
      email,
      name,
      role,
      passwordHash,
      mustChangePassword: 0,
      programmaticAccess: role === 'admin' ? 1 : 1,
      status,
      createdAt: now - 60 * DAY,
      updatedAt: now - 50 * DAY,
    });
    const adminId = generateId('user');
    const memberId = generateId('user');
    const leaverId = generateId('user');
    await db
      .insertInto('users')
      .values([
        user(adminId, 'admin@acme.example', 'Ada Admin', 'admin', 'active'),
        user(memberId, 'mo@acme.example', 'Mo Member', 'member', 'active'),
        user(leaverId, 'lee@acme.example', 'Lee Leaver', 'member', 'disabled'),
      ])
      .execute();
    const readerRole = generateId('role');
    const billingRole = generateId('role');
    await db
      .insertInto('roles')
      .values([
        { id: readerRole, tenantId, name: 'storage-reader', description: 'Reads storage', permissions: JSON.stringify(['storage:read']), createdAt: now - 55 * DAY, updatedAt: now - 55 * DAY },
        { id: billingRole, tenantId, name: 'billing', description: '', permissions: JSON.stringify(['billing:*']), createdAt: now - 55 * DAY, updatedAt: now - 55 * DAY },
      ])
      .execute();
    const opsGroup = generateId('group');
    await db
      .insertInto('groups')
      .values({ id: opsGroup, tenantId, name: 'ops', description: 'Operations', createdAt: now - 54 * DAY, updatedAt: now - 54 * DAY })
      .execute();
    await db.insertInto('groupRoles').values({ groupId: opsGroup, roleId: billingRole }).execute();
    await db.insertInto('groupMembers').values({ groupId: opsGroup, userId: memberId }).execute();
    await db.insertInto('userRoles').values({ userId: memberId, roleId: readerRole }).execute();

    const keys: OldKey[] = [];
    const insertKey = async (input: { name: string; ownerId: string; state: OldKey['state']; expiresAt: number | null; expect: true | string; roleIds?: string[]; rotated?: boolean }) => {
      const accessKeyId = generateAccessKeyId();
      const secret = generateSecret();
      const previous = input.rotated ? { secret: generateSecret(), until: now + DAY } : undefined;
      await db
        .insertInto('accessKeys')
        .values({
          id: accessKeyId,
          tenantId,
          ownerId: input.ownerId,
          creatorId: adminId,
          name: input.name,
          type: 'api',
          state: input.state,
          secretDigest: sha256Hex(secret),
          secretEnvelope: sealSecret(masterKey, secret, { tenantId, accessKeyId }),
          secretVersion: previous ? 2 : 1,
          previousSecretDigest: previous ? sha256Hex(previous.secret) : null,
          previousSecretEnvelope: previous ? sealSecret(masterKey, previous.secret, { tenantId, accessKeyId }) : null,
          previousSecretExpiresAt: previous?.until ?? null,
          createdAt: now - 40 * DAY,
          updatedAt: now - 10 * DAY,
          expiresAt: input.expiresAt,
          lastUsedAt: now - 2 * DAY,
          deletedAt: input.state === 'deleted' ? now - 5 * DAY : null,
        })
        .execute();
      if (input.roleIds?.length)
        await db
          .insertInto('accessKeyRoles')
          .values(input.roleIds.map((roleId) => ({ accessKeyId, roleId })))
          .execute();
      await db
        .insertInto('changes')
        .values({ tenantId, accessKeyId, at: now - 10 * DAY })
        .execute();
      const key: OldKey = {
        accessKeyId,
        secret,
        token: buildToken(accessKeyId, secret),
        name: input.name,
        state: input.state,
        ownerId: input.ownerId,
        expiresAt: input.expiresAt,
        expect: input.expect,
        ...(previous && { previous: { ...previous, token: buildToken(accessKeyId, previous.secret) } }),
      };
      keys.push(key);
      return key;
    };
    const adminKey = await insertKey({ name: 'deploy', ownerId: adminId, state: 'enabled', expiresAt: now + 50 * DAY, expect: true });
    const memberKey = await insertKey({ name: 'reader', ownerId: memberId, state: 'enabled', expiresAt: now + 50 * DAY, expect: true, roleIds: [readerRole] });
    const rotated = await insertKey({ name: 'rotated', ownerId: adminId, state: 'enabled', expiresAt: now + 50 * DAY, expect: true, rotated: true });
    await insertKey({ name: 'paused', ownerId: memberId, state: 'disabled', expiresAt: now + 50 * DAY, expect: 'KEY_DISABLED' });
    await insertKey({ name: 'gone', ownerId: adminId, state: 'deleted', expiresAt: now + 50 * DAY, expect: 'KEY_DELETED' });
    await insertKey({ name: 'lapsed', ownerId: adminId, state: 'enabled', expiresAt: now - DAY, expect: 'KEY_EXPIRED' });
    await insertKey({ name: 'leaver', ownerId: leaverId, state: 'enabled', expiresAt: now + 50 * DAY, expect: 'USER_DISABLED' });

    // Access records as 001 kept them: one row per attempt.
    const records = [
      { key: adminKey, outcome: 'success', code: null, scheme: 'bearer', permission: null, detail: null, at: now - 3 * DAY },
      { key: adminKey, outcome: 'failure', code: 'SECRET_MISMATCH', scheme: 'bearer', permission: null, detail: null, at: now - 3 * DAY + 1000 },
      { key: memberKey, outcome: 'success', code: null, scheme: 'sigv4', permission: 'storage:read', detail: { region: 'eu-west-3', service: 'orders' }, at: now - 2 * DAY },
      { key: memberKey, outcome: 'failure', code: 'PERMISSION_DENIED', scheme: 'bearer', permission: 'billing:write', detail: null, at: now - 2 * DAY + 1000 },
    ];
    await db
      .insertInto('accessRecords')
      .values(
        records.map((r) => ({
          id: generateId('accessRecord'),
          tenantId,
          accessKeyId: r.key.accessKeyId,
          at: r.at,
          outcome: r.outcome,
          code: r.code,
          sourceIp: '198.51.100.7',
          userAgent: 'orders-service/1.4',
          scheme: r.scheme,
          permission: r.permission,
          detail: r.detail === null ? null : JSON.stringify(r.detail),
        })),
      )
      .execute();
    const events = [
      { action: 'tenant.create', targetType: 'tenant', targetId: tenantId, actorId: null, details: null },
      { action: 'user.create', targetType: 'user', targetId: memberId, actorId: adminId, details: { role: 'member' } },
      { action: 'access_key.create', targetType: 'access_key', targetId: adminKey.accessKeyId, actorId: adminId, details: { name: 'deploy', ownerId: adminId } },
      { action: 'access_key.disable', targetType: 'access_key', targetId: keys[3]!.accessKeyId, actorId: adminId, details: null },
      { action: 'policy.update', targetType: 'policy', targetId: tenantId, actorId: adminId, details: { after: oldPolicy } },
    ].map((e, i) => ({ id: generateId('auditEvent'), tenantId, actorKeyId: null, result: 'success', ip: '203.0.113.4', at: now - 30 * DAY + i * 1000, ...e }));
    await db
      .insertInto('auditEvents')
      .values(events.map((e) => ({ ...e, details: e.details === null ? null : JSON.stringify(e.details) })))
      .execute();
    await old.close();

    // --- Today's build on that database: its migrations, its services, its HTTP app.
    const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_MASTER_KEY: masterKey.toString('base64'), ...(databaseUrl && { LATCHKEY_DATABASE_URL: databaseUrl }) });
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const runtime: Runtime = await openRuntime(config, logger, { background: false });
    cleanups.push(() => runtime.close());
    const migrated = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'migrations applied');
    expect(migrated?.migrations).toEqual(MIGRATION_NAMES.slice(1));
    const app = await buildApp({ services: runtime.services, config, logger });
    cleanups.push(() => app.close());
    const { request, login } = apiClient(app);

    // Users sign in with the password their 001-era hash holds; the policy keeps its six rules.
    const admin = await login('acme', 'admin@acme.example');
    expect(admin.userId).toBe(adminId);
    const policy = (await request({ method: 'GET', url: '/v1/policy', as: admin })).body;
    expect(policy).toMatchObject(oldPolicy);
    const users = (await request({ method: 'GET', url: '/v1/users?limit=100', as: admin })).body.items;
    expect(users.map((u: any) => ({ id: u.id, email: u.email, role: u.role, status: u.status })).sort((a: any, b: any) => a.email.localeCompare(b.email))).toEqual([
      { id: adminId, email: 'admin@acme.example', role: 'admin', status: 'active' },
      { id: leaverId, email: 'lee@acme.example', role: 'member', status: 'disabled' },
      { id: memberId, email: 'mo@acme.example', role: 'member', status: 'active' },
    ]);
    const member = await login('acme', 'mo@acme.example');
    expect(member.userId).toBe(memberId);
    const group = (await request({ method: 'GET', url: `/v1/groups/${opsGroup}`, as: admin })).body;
    expect(group).toMatchObject({ name: 'ops', roleIds: [billingRole], userIds: [memberId] });
    expect((await request({ method: 'GET', url: `/v1/roles/${readerRole}`, as: admin })).body).toMatchObject({ name: 'storage-reader', permissions: ['storage:read'] });

    // Every key, in its state, and each verifies as it did (bearer, and SigV4 for the live ones).
    const verifier = await verifierFor(runtime.services, tenantId);
    const verify = async (body: Record<string, unknown>) => {
      const res = await request({ method: 'POST', url: '/v1/verify', as: verifier, body });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const sigv4 = async (accessKeyId: string, secret: string) => {
      const signer = awsSigner({ accessKeyId, secretAccessKey: secret, region: 'eu-west-3', service: 'orders' });
      const signed = await awsSign(signer, { method: 'GET', hostname: 'api.example.com', path: '/v2/orders', headers: { 'user-agent': 'aws-sdk-js/3' } }, new Date());
      return verifyJson(signed);
    };
    for (const key of keys) {
      const got = await request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}`, as: admin });
      expect(got.status, key.name).toBe(200);
      expect(got.body, key.name).toMatchObject({ name: key.name, state: key.state, ownerId: key.ownerId, expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString() });
      const bearer = await verify({ token: key.token });
      const signed = await verify({ request: await sigv4(key.accessKeyId, key.secret) });
      if (key.expect === true) {
        expect(bearer, key.name).toMatchObject({ valid: true, accessKeyId: key.accessKeyId, tenantId, userId: key.ownerId });
        expect(signed, key.name).toMatchObject({ valid: true, accessKeyId: key.accessKeyId });
      } else {
        expect(bearer, key.name).toMatchObject({ valid: false, code: key.expect });
        expect(signed, key.name).toMatchObject({ valid: false, code: key.expect });
      }
    }
    // The rotated key's previous secret still works inside its overlap, bearer and signed.
    expect(await verify({ token: rotated.previous!.token })).toMatchObject({ valid: true, accessKeyId: rotated.accessKeyId });
    expect(await verify({ request: await sigv4(rotated.accessKeyId, rotated.previous!.secret) })).toMatchObject({ valid: true });
    // The member's key keeps its role, and the group's role reaches the member's keys.
    expect(await verify({ token: memberKey.token, permission: 'storage:read' })).toMatchObject({ valid: true });
    expect(await verify({ token: memberKey.token, permission: 'billing:read' })).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
    expect((await request({ method: 'GET', url: `/v1/access-keys/${memberKey.accessKeyId}/permissions`, as: admin })).body).toMatchObject({ permissions: ['storage:read'] });
    // A key with a wrong secret is still refused.
    expect(await verify({ token: buildToken(adminKey.accessKeyId, generateSecret()) })).toMatchObject({ valid: false });

    // Every 001 access record, with what it said (the newer records of today's checks come on top).
    await runtime.services.recorder.flush();
    for (const key of [adminKey, memberKey]) {
      const items = (await request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}/access-records?limit=100`, as: admin })).body.items;
      for (const r of records.filter((x) => x.key === key)) {
        expect(items, `${key.name} ${r.outcome} ${r.code}`).toContainEqual(
          expect.objectContaining({
            at: new Date(r.at).toISOString(),
            outcome: r.outcome,
            code: r.code,
            scheme: r.scheme,
            permission: r.permission,
            sourceIp: '198.51.100.7',
            userAgent: 'orders-service/1.4',
            detail: r.detail,
          }),
        );
      }
    }
    // Every 001 audit event.
    const audit = (await request({ method: 'GET', url: '/v1/audit-events?limit=100', as: admin })).body.items;
    for (const e of events) {
      expect(audit, e.action).toContainEqual(
        expect.objectContaining({
          id: e.id,
          action: e.action,
          targetType: e.targetType,
          targetId: e.targetId,
          actorId: e.actorId,
          ip: '203.0.113.4',
          at: new Date(e.at).toISOString(),
          details: e.details,
        }),
      );
    }
    // A second start migrates nothing.
    expect((await runtime.store.migrate()).length).toBe(0);
  });
});
