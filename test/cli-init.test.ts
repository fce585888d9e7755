/** `latchkey init` and `latchkey migrate` as an operator runs them, on SQLite and PostgreSQL. */
import { afterEach, describe, expect, it } from 'vitest';
import { createCliWorld, PASSWORD, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';

describe.each(DATABASE_KINDS)('latchkey init and migrate on %s', (kind) => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await world?.cleanup();
    world = null;
  });

  it('migrate applies the schema to a fresh database once, and is a no-op the second time', async () => {
    world = await createCliWorld(kind);
    expect(await world.json(['migrate'])).toEqual({ database: kind, applied: ['001-initial', '002-meta', '003-step-up-notifications', '004-seen-signatures', '005-derived-csrf'] });
    expect(await world.json(['migrate'])).toEqual({ database: kind, applied: [] });
    const human = await world.run(['migrate']);
    expect(human.code).toBe(0);
    expect(human.stdout.trim()).toBe(`The ${kind} database is up to date.`);
  });

  it('init prints the new IDs as JSON; the same tenant again fails clearly and changes nothing', async () => {
    world = await createCliWorld(kind);
    const first = await world.run(['init', '--tenant', 'acme', '--email', 'Admin@Example.com', '--password-stdin'], `${PASSWORD}\n`);
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout);
    expect(created).toEqual({ tenantId: expect.stringMatching(/^tnt_/), tenant: 'acme', userId: expect.stringMatching(/^usr_/), email: 'admin@example.com' });

    const again = await world.fails(['init', '--tenant', 'acme', '--email', 'other@example.com', '--password-stdin'], PASSWORD);
    expect(again).toBe('latchkey: TENANT_EXISTS: A tenant with this name already exists.');

    const users = await world.json(['users', 'list', '--tenant', 'acme']);
    expect(users.items.map((u: { email: string }) => u.email)).toEqual(['admin@example.com']);
    expect(users.items[0]).toMatchObject({ id: created.userId, tenantId: created.tenantId, role: 'admin', mustChangePassword: false });
  });

  it('init refuses a weak password and creates no tenant', async () => {
    world = await createCliWorld(kind);
    const line = await world.fails(['init', '--tenant', 'acme', '--email', 'admin@example.com', '--password-stdin'], 'short');
    expect(line).toMatch(/^latchkey: WEAK_PASSWORD: .*12/);
    expect(line.split('\n')).toHaveLength(1);
    expect(await world.fails(['users', 'list', '--tenant', 'acme'])).toBe('latchkey: NOT_FOUND: No tenant "acme".');
  });

  it('init refuses an address that is not one, by the same rule as users get, and creates no tenant', async () => {
    world = await createCliWorld(kind);
    for (const email of ['admin@localhost', 'admin', 'ad min@example.com']) {
      const line = await world.fails(['init', '--tenant', 'acme', '--email', email, '--password-stdin'], PASSWORD);
      expect(line).toBe('latchkey: VALIDATION_FAILED: The email address is not valid: it needs a name, an @ and a domain with a dot (like dana@example.com).');
    }
    expect(await world.fails(['users', 'list', '--tenant', 'acme'])).toBe('latchkey: NOT_FOUND: No tenant "acme".');
  });

  it('init without --password-stdin generates a one-time password that must be changed', async () => {
    world = await createCliWorld(kind);
    const result = await world.run(['init', '--tenant', 'acme', '--email', 'admin@example.com']);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created.oneTimePassword).toMatch(/^\S{12,}$/);
    const admin = await world.json(['users', 'get', '--tenant', 'acme', created.userId]);
    expect(admin.mustChangePassword).toBe(true);
  });
});
