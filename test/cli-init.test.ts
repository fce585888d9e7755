/**
 * `latchkey init` and `latchkey migrate` as an operator runs them, on SQLite and PostgreSQL: the
 * real process for the first start of a database, exit codes and output to a pipe; the program
 * in this process for the rules init enforces.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCliWorld, createInProcessCli, initTenant, PASSWORD, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';

describe.each(DATABASE_KINDS)('latchkey init and migrate on %s', (kind) => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await world?.cleanup();
    world = null;
  });

  it('migrate applies the schema to a fresh database once, and is a no-op the second time', async () => {
    world = await createCliWorld(kind);
    expect(await world.json(['migrate'])).toEqual({
      database: kind,
      applied: [
        '001-initial',
        '002-meta',
        '003-step-up-notifications',
        '004-seen-signatures',
        '005-derived-csrf',
        '006-change-subjects',
        '007-audit-via',
        '008-usage-rings',
        '009-recovery',
        '010-usage-controls',
        '012-unused-keys',
        '013-ratelimit-windows',
        '014-imported-keys',
        '015-leaks',
        '016-hours-from-minutes',
      ],
    });
    expect(await world.json(['migrate'])).toEqual({ database: kind, applied: [] });
    const human = await world.run(['migrate']);
    expect(human.code).toBe(0);
    expect(human.stdout.trim()).toBe(`The ${kind} database is up to date.`);
  });

  it('init prints the new IDs as JSON; the same tenant again fails clearly and changes nothing', async () => {
    world = await createCliWorld(kind);
    const first = await world.run(['init', '--tenant', 'acme', '--email', 'Admin@Example.com', '--password-stdin'], `${PASSWORD}\n`);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const created = JSON.parse(first.stdout);
    expect(created).toEqual({ tenantId: expect.stringMatching(/^tnt_/), tenant: 'acme', userId: expect.stringMatching(/^usr_/), email: 'admin@example.com' });

    const again = await world.run(['init', '--tenant', 'acme', '--email', 'other@example.com', '--password-stdin'], PASSWORD);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('latchkey: TENANT_EXISTS: A tenant with this name already exists.\n');

    const users = await world.json(['users', 'list', '--tenant', 'acme']);
    expect(users.items.map((u: { email: string }) => u.email)).toEqual(['admin@example.com']);
    expect(users.items[0]).toMatchObject({ id: created.userId, tenantId: created.tenantId, role: 'admin', mustChangePassword: false });
  });
});

describe('latchkey as a process, its output read through pipes', () => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await world?.cleanup();
    world = null;
  });

  it('a change names its administrator on stderr only: stdout is the answer alone; a refusal exits 1', async () => {
    world = await createCliWorld('sqlite');
    await initTenant(world);
    const created = await world.run(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--json']);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('acting as admin@example.com (cli)\n');
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'ci', state: 'enabled' });

    const listed = await world.run(['keys', 'list', '--tenant', 'acme', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout).items).toHaveLength(1);

    const refused = await world.run(['keys', 'delete', '--tenant', 'acme', JSON.parse(created.stdout).accessKeyId]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^acting as admin@example\.com \(cli\)\nlatchkey: KEY_NOT_DISABLED: [^\n]+\n$/);
  });
});

describe.each(DATABASE_KINDS)('latchkey init rules on %s', (kind) => {
  // One database for the rules: each refusal must leave it without the tenant it tried.
  let world: CliWorld;
  beforeAll(async () => {
    world = await createInProcessCli(kind);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('init refuses a weak password and creates no tenant', async () => {
    const result = await world.run(['init', '--tenant', 'weak', '--email', 'admin@example.com', '--password-stdin'], 'short');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^latchkey: WEAK_PASSWORD: [^\n]*12[^\n]*\n$/);
    expect(await world.fails(['users', 'list', '--tenant', 'weak'])).toBe('latchkey: NOT_FOUND: No tenant "weak".');
  });

  it('init refuses an address that is not one, by the same rule as users get, and creates no tenant', async () => {
    for (const email of ['admin@localhost', 'admin', 'ad min@example.com']) {
      const line = await world.fails(['init', '--tenant', 'bad-email', '--email', email, '--password-stdin'], PASSWORD);
      expect(line).toBe('latchkey: VALIDATION_FAILED: The email address is not valid: it needs a name, an @ and a domain with a dot (like dana@example.com).');
    }
    expect(await world.fails(['users', 'list', '--tenant', 'bad-email'])).toBe('latchkey: NOT_FOUND: No tenant "bad-email".');
  });

  it('init without --password-stdin generates a one-time password that must be changed', async () => {
    const result = await world.run(['init', '--tenant', 'acme', '--email', 'admin@example.com']);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created.oneTimePassword).toMatch(/^\S{12,}$/);
    const admin = await world.json(['users', 'get', '--tenant', 'acme', created.userId]);
    expect(admin.mustChangePassword).toBe(true);
  });
});
