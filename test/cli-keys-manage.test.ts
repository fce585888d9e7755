/** `latchkey keys …` after creation: listing, changes, state, rotation; never a secret outside create/rotate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessCli, initTenant, type CliWorld, type InitResult } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';

describe.each(DATABASE_KINDS)('latchkey keys on %s', (kind) => {
  let world: CliWorld;
  let admin: InitResult;
  const t = ['--tenant', 'acme'];
  const secrets: string[] = [];
  /** Everything printed by commands other than create and rotate. */
  const printed: string[] = [];
  let keys: { accessKeyId: string; secret: string; token: string }[] = [];

  const out = async (args: string[]) => {
    const result = await world.run([...args, ...t]);
    printed.push(result.stdout, result.stderr);
    if (result.code !== 0) throw new Error(`latchkey ${args.join(' ')}: ${result.stderr}`);
    return args.includes('--json') ? JSON.parse(result.stdout) : result.stdout;
  };

  beforeAll(async () => {
    world = await createInProcessCli(kind);
    admin = await initTenant(world);
    for (const name of ['alpha', 'beta', 'gamma']) keys.push(await world.json(['keys', 'create', ...t, '--name', name]));
    keys = keys.reverse(); // newest first, as listed
    secrets.push(...keys.flatMap((k) => [k.secret, k.token]));
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('lists page by page with --limit and --cursor, and filters by state', async () => {
    const first = await out(['keys', 'list', '--limit', '2', '--json']);
    expect(first.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual(keys.slice(0, 2).map((k) => k.accessKeyId));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await out(['keys', 'list', '--limit', '2', '--cursor', first.nextCursor, '--json']);
    expect(second).toMatchObject({ items: [{ accessKeyId: keys[2]!.accessKeyId, name: 'alpha' }], nextCursor: null });
    const human = await out(['keys', 'list', '--limit', '2']);
    expect(human).toContain(`More: repeat with --cursor ${first.nextCursor}`);
    expect(human).toMatch(new RegExp(`${keys[0]!.accessKeyId}\\s+gamma\\s+api\\s+enabled\\s+admin@example\\.com`));

    await out(['keys', 'disable', keys[1]!.accessKeyId]);
    const disabled = await out(['keys', 'list', '--state', 'disabled', '--json']);
    expect(disabled.items.map((k: { name: string }) => k.name)).toEqual(['beta']);
    expect(await world.fails(['keys', 'list', ...t, '--limit', '1000'])).toMatch(/option '--limit <n>' argument '1000' is invalid/);
    expect(await world.fails(['keys', 'list', ...t, '--cursor', 'not-a-cursor'])).toBe('latchkey: INVALID_CURSOR: The pagination cursor is not valid.');
  });

  it('gets, renames and changes the expiry of a key', async () => {
    const id = keys[0]!.accessKeyId;
    const got = await out(['keys', 'get', id, '--json']);
    expect(got).toMatchObject({ accessKeyId: id, name: 'gamma', state: 'enabled' });
    expect(got).not.toHaveProperty('secret');
    expect((await out(['keys', 'rename', id, 'gamma-prod', '--json'])).name).toBe('gamma-prod');
    const updated = await out(['keys', 'update', id, '--days', '7', '--json']);
    expect(Math.abs(Date.parse(updated.expiresAt) - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
    expect((await out(['keys', 'update', id, '--never', '--json'])).expiresAt).toBeNull();
    expect(await out(['keys', 'get', id])).toMatch(/^name:\s+gamma-prod$/m);
    expect(await world.fails(['keys', 'get', ...t, 'LK-not-a-key'])).toMatch(/argument 'accessKeyId'.*not an access key ID/);
    expect(await world.fails(['keys', 'get', ...t, 'LKAAAAAAAAAAAAAAAAAA'])).toBe('latchkey: NOT_FOUND: No such access key.');
  });

  it('disables, enables and deletes by the state rules; a deleted key stays deleted', async () => {
    const id = keys[2]!.accessKeyId;
    expect(await world.fails(['keys', 'delete', ...t, id])).toMatch(/^latchkey: KEY_NOT_DISABLED: /);
    expect((await out(['keys', 'disable', id, '--json'])).state).toBe('disabled');
    expect((await out(['keys', 'enable', id, '--json'])).state).toBe('enabled');
    expect(await out(['keys', 'disable', id])).toBe(`Access key ${id} is disabled (state: disabled).\n`);
    const deleted = await out(['keys', 'delete', id, '--json']);
    expect(deleted.state).toBe('deleted');
    expect(deleted.deletedAt).toEqual(expect.any(String));
    expect(await world.fails(['keys', 'enable', ...t, id])).toMatch(/^latchkey: KEY_ALREADY_DELETED: /);
  });

  it('rotates: a new secret once, and the old one kept only for the overlap asked', async () => {
    const id = keys[0]!.accessKeyId;
    const now = Date.now();
    const rotated = await world.json(['keys', 'rotate', ...t, id, '--overlap-seconds', '600']);
    secrets.push(rotated.secret, rotated.token);
    expect(rotated.accessKeyId).toBe(id);
    expect(rotated.secret).not.toBe(keys[0]!.secret);
    expect(rotated.copyText).toBe(`key:${id}::${rotated.secret},tenant id: ${admin.tenantId}`);
    expect(Math.abs(Date.parse(rotated.previousSecretExpiresAt) - (now + 600_000))).toBeLessThan(60_000);
    const human = await world.run(['keys', 'rotate', ...t, id]);
    expect(human.stdout).toMatch(/^Rotated access key \S+\. The old secret has stopped working\./);
    secrets.push(/^secret:\s+(\S+)$/m.exec(human.stdout)![1]!);
    expect(await world.fails(['keys', 'rotate', ...t, id, '--overlap-seconds', '90000'])).toMatch(/^latchkey: VALIDATION_FAILED: .*86400/);
  });

  it('ends an overlap now, and replaces a key by a new one (the old disabled), printing the new secret once', async () => {
    const id = keys[1]!.accessKeyId;
    const rotated = await world.json(['keys', 'rotate', ...t, id, '--overlap-seconds', '600']);
    secrets.push(rotated.secret, rotated.token);
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    expect(await out(['keys', 'end-overlap', id])).toBe(`Ended the overlap of access key ${id}: its old secret has stopped working.\n`);
    expect(await world.fails(['keys', 'end-overlap', ...t, id])).toMatch(/^latchkey: CONFLICT: .*no overlap/);

    const replaced = await world.json(['keys', 'replace', ...t, id]);
    secrets.push(replaced.secret, replaced.token);
    expect(replaced).toMatchObject({ replacedKeyId: id, name: 'beta', state: 'enabled' });
    expect(replaced.accessKeyId).not.toBe(id);
    expect(replaced.copyText).toBe(`key:${replaced.accessKeyId}::${replaced.secret},tenant id: ${admin.tenantId}`);
    expect((await out(['keys', 'get', id, '--json'])).state).toBe('disabled');
    const human = await world.run(['keys', 'replace', ...t, replaced.accessKeyId]);
    expect(human.stdout).toMatch(new RegExp(`^Replaced access key ${replaced.accessKeyId} with LK\\w+; ${replaced.accessKeyId} is now disabled\\.`));
    secrets.push(/^secret:\s+(\S+)$/m.exec(human.stdout)![1]!);
    expect(await world.fails(['keys', 'replace', ...t, 'LKnope'])).toMatch(/not an access key ID/);
  });

  it('shows effective permissions and access records in the API shapes', async () => {
    const id = keys[0]!.accessKeyId;
    expect(await out(['keys', 'permissions', id, '--json'])).toEqual({ permissions: ['*'], ownerPermissions: ['*'], keyGrants: null, actsAsOwner: true });
    expect(await out(['keys', 'access-records', id, '--json'])).toEqual({ items: [], nextCursor: null });
    expect(await out(['keys', 'access-records', id])).toBe('(none)\n');
  });

  it('never printed a secret outside create and rotate, and the audit log names the administrator', async () => {
    await out(['audit', 'list', '--json']);
    await out(['audit', 'list']);
    for (const text of printed) for (const secret of secrets) expect(text).not.toContain(secret);
    const events = await out(['audit', 'list', '--target', keys[0]!.accessKeyId, '--json']);
    expect(events.items.length).toBeGreaterThanOrEqual(6);
    for (const event of events.items) expect(event.actorId).toBe(admin.userId);
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['access_key.create', 'access_key.update', 'access_key.rotate']));
    expect(JSON.stringify(events)).not.toMatch(/secret"|token"/i);
  });
});
