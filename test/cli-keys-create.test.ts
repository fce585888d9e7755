/** `latchkey keys create`: what it prints once, validity options, and the rules it enforces. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessCli, initTenant, type CliWorld, type InitResult } from './support/cli.js';

const DAY = 86_400_000;
const KEY_FIELDS = [
  'accessKeyId',
  'createdAt',
  'creatorId',
  'deletedAt',
  'expired',
  'expiresAt',
  'groupIds',
  'lastUsedAt',
  'lastUsedIp',
  'leak',
  'name',
  'ownerId',
  'previousSecretExpiresAt',
  'roleIds',
  'state',
  'tenantId',
  'type',
  'updatedAt',
  'verifier',
  'ratelimits',
  'ipAllowlist',
  'meta',
  'externalId',
  'credits',
];

describe('latchkey keys create', () => {
  let world: CliWorld;
  let admin: InitResult;
  const t = ['--tenant', 'acme'];

  beforeAll(async () => {
    world = await createInProcessCli('sqlite');
    admin = await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('--json gives the API create answer: the key, its secret, bearer token and copy text', async () => {
    const before = Date.now();
    const key = await world.json(['keys', 'create', ...t, '--name', 'ci']);
    expect(Object.keys(key).sort()).toEqual([...KEY_FIELDS, 'copyText', 'secret', 'token'].sort());
    expect(key).toMatchObject({ name: 'ci', type: 'api', state: 'enabled', expired: false, ownerId: admin.userId, creatorId: admin.userId, tenantId: admin.tenantId });
    expect(key.accessKeyId).toMatch(/^LK[A-Z2-7]{18}$/);
    expect(key.secret).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(key.token.startsWith(`lk_${key.accessKeyId}_${key.secret}`)).toBe(true);
    expect(key.copyText).toBe(`key:${key.accessKeyId}::${key.secret},tenant id: ${admin.tenantId}`);
    // The policy default: 365 days.
    const expires = Date.parse(key.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 365 * DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + 365 * DAY);
  });

  it('prints the secret for a person with a warning that it is shown only now', async () => {
    const result = await world.run(['keys', 'create', ...t, '--name', 'laptop', '--type', 'access', '--days', '30']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created access key "laptop" for admin@example\.com; it expires \d{4}-/);
    expect(result.stdout).toContain('shown only now');
    const secret = /^secret:\s+(\S+)$/m.exec(result.stdout)?.[1];
    const token = /^bearer token:\s+(\S+)$/m.exec(result.stdout)?.[1];
    expect(secret).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(token).toContain(secret);
    expect(result.stdout).toMatch(new RegExp(`^copy text:\\s+key:LK[A-Z2-7]{18}::${secret},tenant id: ${admin.tenantId}$`, 'm'));
  });

  it('takes the validity as days, a date, or never; one at a time', async () => {
    const now = Date.now();
    const days = await world.json(['keys', 'create', ...t, '--days', '30']);
    expect(Math.abs(Date.parse(days.expiresAt) - (now + 30 * DAY))).toBeLessThan(60_000);
    const at = new Date(now + 10 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await world.json(['keys', 'create', ...t, '--expires-at', at])).expiresAt).toBe(at.replace('Z', '.000Z'));
    expect((await world.json(['keys', 'create', ...t, '--never'])).expiresAt).toBeNull();
  });

  it('refuses two validities at once, a past date and bad values, with a clear message', async () => {
    expect(await world.fails(['keys', 'create', ...t, '--days', '30', '--never'])).toMatch(/option '--days <n>' cannot be used with option '--never'/);
    expect(await world.fails(['keys', 'create', ...t, '--days', 'soon'])).toMatch(/option '--days <n>' argument 'soon' is invalid/);
    expect(await world.fails(['keys', 'create', ...t, '--expires-at', '2001-01-01T00:00:00Z'])).toBe('latchkey: INVALID_EXPIRY: expiresAt must be in the future.');
    expect(await world.fails(['keys', 'create', ...t, '--type', 'root'])).toMatch(/option '--type <type>' argument 'root' is invalid.*access, api/);
  });

  it('follows the policy on never-expiring keys', async () => {
    await world.json(['policy', 'set', ...t, '--allow-never-expires', 'false']);
    expect(await world.fails(['keys', 'create', ...t, '--never'])).toMatch(/^latchkey: NEVER_EXPIRES_NOT_ALLOWED: /);
    await world.json(['policy', 'set', ...t, '--allow-never-expires', 'true']);
  });

  it('creates keys for another user only once they hold programmatic access', async () => {
    const member = (await world.json(['users', 'create', ...t, '--email', 'dev@example.com'])).user;
    expect(await world.fails(['keys', 'create', ...t, '--user', 'dev@example.com'])).toMatch(/^latchkey: PROGRAMMATIC_ACCESS_REQUIRED: /);
    await world.json(['users', 'grant-access', ...t, member.id]);
    const first = await world.json(['keys', 'create', ...t, '--user', 'dev@example.com', '--name', 'one']);
    expect(first).toMatchObject({ ownerId: member.id, creatorId: admin.userId });
  });

  it('holds a member to the policy limit', async () => {
    const member = await world.json(['users', 'get', ...t, 'dev@example.com']);
    await world.json(['keys', 'create', ...t, '--user', member.id, '--name', 'two']);
    expect(await world.fails(['keys', 'create', ...t, '--user', member.id])).toBe(
      'latchkey: KEY_LIMIT_REACHED: This user already holds 2 access keys, the most the tenant policy allows. Delete one first.',
    );
    expect((await world.json(['policy', 'set', ...t, '--member-key-limit', '3'])).memberKeyLimit).toBe(3);
    await world.json(['keys', 'create', ...t, '--user', member.id, '--name', 'three']);
    const owned = await world.json(['keys', 'list', ...t, '--user', 'dev@example.com']);
    expect(owned.items.map((k: { name: string }) => k.name)).toEqual(['three', 'two', 'one']);
  });

  it('--verifier makes a verifier key: an api key narrowed to the Verifier role, shown as verifier in get and list', async () => {
    const key = await world.json(['keys', 'create', ...t, '--name', 'edge-gateway', '--verifier']);
    expect(key).toMatchObject({ name: 'edge-gateway', type: 'api', verifier: true, roleIds: [expect.stringMatching(/^rol_/)] });
    const roles = await world.json(['roles', 'list', ...t]);
    expect(roles.items.find((r: { id: string }) => r.id === key.roleIds[0])).toMatchObject({ name: 'Verifier', permissions: ['latchkey:verify'] });
    expect(await world.json(['keys', 'get', ...t, key.accessKeyId])).toMatchObject({ verifier: true });
    const table = await world.run(['keys', 'list', ...t]);
    expect(table.stdout).toMatch(new RegExp(`${key.accessKeyId}\\s+edge-gateway\\s+verifier\\s`));
    const text = await world.run(['keys', 'create', ...t, '--name', 'second', '--verifier']);
    expect(text.stdout).toMatch(/^Created verifier key "second"/);
    expect(await world.fails(['keys', 'create', ...t, '--verifier', '--type', 'access'])).toMatch(/option '--verifier' cannot be used with option '--type <type>'/);
  });
});
