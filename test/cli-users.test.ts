/** `latchkey users …` end to end on the built CLI: what an administrator sees and what the audit log says. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessCli, initTenant, PASSWORD, type CliWorld, type InitResult } from './support/cli.js';

const USER_FIELDS = ['createdAt', 'email', 'groupIds', 'id', 'mustChangePassword', 'name', 'programmaticAccess', 'role', 'roleIds', 'status', 'tenantId', 'totpEnabled', 'updatedAt'];

describe('latchkey users', () => {
  let world: CliWorld;
  let admin: InitResult;
  const t = ['--tenant', 'acme'];
  const printed: string[] = [];

  beforeAll(async () => {
    world = await createInProcessCli('sqlite');
    admin = await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('create prints a one-time password once; list and get show the user with the API field names and no password', async () => {
    const created = await world.json(['users', 'create', ...t, '--email', 'Dev@Example.com', '--name', 'Dev One']);
    expect(Object.keys(created).sort()).toEqual(['oneTimePassword', 'user']);
    expect(created.oneTimePassword).toMatch(/^\S{12,}$/);
    expect(Object.keys(created.user).sort()).toEqual(USER_FIELDS);
    expect(created.user).toMatchObject({ email: 'dev@example.com', name: 'Dev One', role: 'member', programmaticAccess: false, status: 'active', mustChangePassword: true });

    const list = await world.run(['users', 'list', ...t, '--json']);
    const byEmail = await world.run(['users', 'get', ...t, 'dev@example.com', '--json']);
    const human = await world.run(['users', 'list', ...t]);
    printed.push(list.stdout, byEmail.stdout, human.stdout);
    expect(JSON.parse(list.stdout).items.map((u: { email: string }) => u.email)).toEqual(['dev@example.com', 'admin@example.com']);
    expect(JSON.parse(byEmail.stdout)).toEqual(created.user);
    expect(human.stdout).toMatch(/^ID\s+EMAIL\s+ROLE\s+STATUS/);
    expect(human.stdout).toMatch(new RegExp(`${created.user.id}\\s+dev@example\\.com\\s+member\\s+active\\s+no`));
    for (const out of printed) {
      expect(out).not.toContain(created.oneTimePassword);
      expect(out).not.toMatch(/argon2|passwordHash/);
    }
  });

  it('create with --password-stdin sets that password and prints none; a taken email is refused', async () => {
    const created = await world.json(['users', 'create', ...t, '--email', 'ops@example.com', '--role', 'admin', '--password-stdin'], PASSWORD);
    expect(created.oneTimePassword).toBeNull();
    expect(created.user).toMatchObject({ role: 'admin', programmaticAccess: true, mustChangePassword: false });
    expect(JSON.stringify(created)).not.toContain(PASSWORD);
    expect(await world.fails(['users', 'create', ...t, '--email', 'OPS@example.com'])).toMatch(/^latchkey: EMAIL_TAKEN: /);
    expect(await world.fails(['users', 'create', ...t, '--email', 'weak@example.com', '--password-stdin'], 'too short')).toMatch(/^latchkey: WEAK_PASSWORD: /);
  });

  it('grant-access, revoke-access, disable, enable and set-role change the user', async () => {
    const dev = (args: string[]) => world.json(['users', ...args.slice(0, 1), ...t, 'dev@example.com', ...args.slice(1)]);
    expect((await dev(['grant-access'])).programmaticAccess).toBe(true);
    expect((await dev(['revoke-access'])).programmaticAccess).toBe(false);
    expect((await dev(['disable'])).status).toBe('disabled');
    expect((await dev(['enable'])).status).toBe('active');
    expect((await dev(['set-role', 'admin'])).role).toBe('admin');
    expect((await dev(['set-role', 'member'])).role).toBe('member');
    const human = await world.run(['users', 'disable', ...t, 'dev@example.com']);
    expect(human.stdout.trim()).toBe('dev@example.com is disabled.');
  });

  it('update --email changes the address a user signs in with; a taken or malformed one is refused', async () => {
    const created = await world.json(['users', 'create', ...t, '--email', 'mover@example.com']);
    const moved = await world.json(['users', 'update', ...t, 'mover@example.com', '--email', 'Moved@Example.org', '--json']);
    expect(moved).toMatchObject({ id: created.user.id, email: 'moved@example.org' });
    expect((await world.json(['users', 'get', ...t, 'moved@example.org', '--json'])).id).toBe(created.user.id);
    expect(await world.fails(['users', 'get', ...t, 'mover@example.com'])).toMatch(/^latchkey: NOT_FOUND: /);
    expect(await world.fails(['users', 'update', ...t, 'moved@example.org', '--email', 'ops@example.com'])).toMatch(/^latchkey: EMAIL_TAKEN: /);
    expect(await world.fails(['users', 'update', ...t, 'moved@example.org', '--email', 'moved@localhost'])).toMatch(/^latchkey: VALIDATION_FAILED: The email address is not valid/);
    expect((await world.json(['users', 'get', ...t, created.user.id, '--json'])).email).toBe('moved@example.org');
  });

  it('refuses what would leave the tenant without an active administrator, and names unknown users', async () => {
    const ops = await world.json(['users', 'get', ...t, 'ops@example.com']);
    await world.json(['users', 'disable', ...t, ops.id]);
    expect(await world.fails(['users', 'set-role', ...t, 'admin@example.com', 'member'])).toMatch(/^latchkey: LAST_ADMIN: /);
    expect(await world.fails(['users', 'get', ...t, 'nobody@example.com'])).toBe('latchkey: NOT_FOUND: No user "nobody@example.com" in this tenant.');
    expect(await world.fails(['users', 'get', ...t, 'usr_aaaaaaaaaaaaaaaa'])).toBe('latchkey: NOT_FOUND: No such user.');
    expect(await world.fails(['users', 'set-role', ...t, 'admin@example.com', 'boss'])).toMatch(/argument 'role'.*admin, member/);
    await world.json(['users', 'enable', ...t, ops.id]);
  });

  it('acts as the administrator named by --as, says so on stderr, and the audit log names that person', async () => {
    const ops = await world.json(['users', 'get', ...t, 'ops@example.com']);
    const asOps = await world.run(['users', 'create', ...t, '--as', 'ops@example.com', '--email', 'qa@example.com', '--json']);
    expect(asOps.code).toBe(0);
    expect(asOps.stderr).toBe('acting as ops@example.com (cli)\n');
    const created = JSON.parse(asOps.stdout);
    const asOldest = await world.run(['users', 'grant-access', ...t, 'qa@example.com']);
    expect(asOldest.stderr).toBe('acting as admin@example.com (cli)\n');
    expect(asOldest.stdout).toBe('qa@example.com now has programmatic access.\n');
    // Reads change nothing and name no one.
    expect((await world.run(['users', 'get', ...t, 'qa@example.com'])).stderr).toBe('');
    const events = await world.json(['audit', 'list', ...t, '--target', created.user.id]);
    expect(events.items.map((e: { action: string; actorId: string }) => [e.action, e.actorId])).toEqual([
      ['user.update', admin.userId],
      ['user.create', ops.id],
    ]);
    expect(await world.fails(['users', 'list', ...t, '--as', 'qa@example.com'])).toBe('latchkey: NOT_FOUND: No active administrator "qa@example.com" in tenant acme.');
  });

  it('needs --tenant, and explains itself', async () => {
    const missing = await world.run(['users', 'list']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--tenant <tenant>' not specified");
    const help = await world.run(['users', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--password-stdin');
    expect(help.stdout).toContain('--programmatic-access');
  });
});
