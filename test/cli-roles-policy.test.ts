/** `latchkey roles`, `groups` and `policy`: what narrows a key, and the tenant's rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { createInProcessCli, initTenant, type CliWorld } from './support/cli.js';

describe('latchkey roles, groups and policy', () => {
  let world: CliWorld;
  const t = ['--tenant', 'acme'];

  beforeAll(async () => {
    world = await createInProcessCli('sqlite');
    await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('a role narrows a key to its permissions, never beyond what the owner holds', async () => {
    const reader = await world.json(['roles', 'create', ...t, '--name', 'reader', '--permission', 'storage:read,billing:read']);
    expect(reader).toMatchObject({ name: 'reader', permissions: ['billing:read', 'storage:read'] });
    expect(reader).not.toHaveProperty('tenantId');
    const writer = await world.json(['roles', 'create', ...t, '--name', 'writer', '--permission', 'storage:*']);
    expect(await world.fails(['roles', 'create', ...t, '--name', 'reader', '--permission', 'x:y'])).toMatch(/^latchkey: NAME_TAKEN: /);
    expect(await world.fails(['roles', 'create', ...t, '--name', 'bad', '--permission', 'Not A Permission'])).toMatch(/^latchkey: INVALID_PERMISSION: /);

    await world.json(['users', 'create', ...t, '--email', 'dev@example.com', '--programmatic-access', '--tenant-role', reader.id]);
    const key = await world.json(['keys', 'create', ...t, '--user', 'dev@example.com', '--role', writer.id]);
    // The member holds only the reader role: a key with storage:* is narrowed to storage:read.
    expect(await world.json(['keys', 'permissions', ...t, key.accessKeyId])).toEqual({
      permissions: ['storage:read'],
      ownerPermissions: ['billing:read', 'storage:read'],
      keyGrants: ['storage:*'],
      actsAsOwner: false,
    });
    const listed = await world.json(['roles', 'list', ...t]);
    expect(listed.items.map((r: { name: string }) => r.name).sort()).toEqual(['reader', 'writer']);
    expect((await world.json(['roles', 'update', ...t, writer.id, '--permission', 'storage:write'])).permissions).toEqual(['storage:write']);
    expect((await world.json(['keys', 'permissions', ...t, key.accessKeyId])).permissions).toEqual([]);
  });

  it('groups carry roles for their members', async () => {
    const roles = await world.json(['roles', 'list', ...t]);
    const reader = roles.items.find((r: { name: string }) => r.name === 'reader');
    const group = await world.json(['groups', 'create', ...t, '--name', 'ops', '--role', reader.id, '--user', 'dev@example.com']);
    const dev = await world.json(['users', 'get', ...t, 'dev@example.com']);
    expect(group).toMatchObject({ name: 'ops', roleIds: [reader.id], userIds: [dev.id] });
    expect((await world.json(['users', 'get', ...t, dev.id])).groupIds).toEqual([group.id]);
    expect((await world.json(['groups', 'update', ...t, group.id, '--user', ''])).userIds).toEqual([]);
    expect(await world.json(['groups', 'delete', ...t, group.id])).toEqual({ id: group.id, deleted: true });
    expect(await world.fails(['groups', 'get', ...t, group.id])).toBe('latchkey: NOT_FOUND: No such group.');
  });

  it('policy get shows the defaults; policy set changes only the rules given and refuses invalid ones', async () => {
    expect(await world.json(['policy', 'get', ...t])).toEqual(DEFAULT_POLICY);
    const human = await world.run(['policy', 'get', ...t]);
    expect(human.stdout).toMatch(/^keys a member may hold:\s+2$/m);
    expect(human.stdout).toMatch(/^default validity:\s+365 days$/m);

    const changed = await world.json(['policy', 'set', ...t, '--member-key-limit', 'any', '--default-validity-days', '90', '--delete-requires-disabled', 'false']);
    expect(changed).toEqual({ ...DEFAULT_POLICY, memberKeyLimit: null, defaultValidityDays: 90, deleteRequiresDisabled: false });
    expect(await world.json(['policy', 'get', ...t])).toEqual(changed);

    expect(await world.fails(['policy', 'set', ...t, '--default-validity-days', 'never', '--allow-never-expires', 'false'])).toMatch(/^latchkey: INVALID_POLICY: .*allowNeverExpires/);
    expect(await world.fails(['policy', 'set', ...t, '--member-key-limit', 'lots'])).toMatch(/option '--member-key-limit <n\|any>' argument 'lots' is invalid/);
    expect(await world.fails(['policy', 'set', ...t])).toMatch(/^latchkey: BAD_REQUEST: Nothing to change/);
    expect(await world.json(['policy', 'get', ...t])).toEqual(changed);

    const events = await world.json(['audit', 'list', ...t, '--action', 'policy.update']);
    expect(events.items).toHaveLength(1);
    expect(events.items[0].details.after).toEqual(changed);
  });

  it('policy set changes the reveal, step-up and reminder rules, and refuses values outside their choices', async () => {
    const before = await world.json(['policy', 'get', ...t]);
    const changed = await world.json(['policy', 'set', ...t, '--step-up', 'totp', '--secret-reveal', 'after-step-up', '--step-up-minutes', '15', '--expiry-reminder-days', '0']);
    expect(changed).toEqual({ ...before, stepUp: 'totp', secretReveal: 'after-step-up', stepUpMinutes: 15, expiryReminderDays: 0 });
    const human = await world.run(['policy', 'get', ...t]);
    expect(human.stdout).toMatch(/^step-up verification:\s+authenticator app \(TOTP\)$/m);
    expect(human.stdout).toMatch(/^secret shown again:\s+after step-up verification$/m);
    expect(human.stdout).toMatch(/^expiry reminder:\s+off$/m);

    expect(await world.fails(['policy', 'set', ...t, '--step-up', 'sms'])).toMatch(/option '--step-up <none\|email\|totp>' argument 'sms' is invalid.*one of none, email, totp/);
    // No SMTP server is configured here, so email codes cannot be chosen.
    expect(await world.fails(['policy', 'set', ...t, '--step-up', 'email'])).toMatch(/^latchkey: SMTP_NOT_CONFIGURED: .*LATCHKEY_SMTP_URL/);
    // Revealing needs a step-up method.
    expect(await world.fails(['policy', 'set', ...t, '--step-up', 'none'])).toMatch(/^latchkey: INVALID_POLICY: .*secretReveal/);
    expect(await world.json(['policy', 'get', ...t])).toEqual(changed);
    await world.json(['policy', 'set', ...t, '--secret-reveal', 'never', '--step-up', 'none', '--step-up-minutes', '20', '--expiry-reminder-days', '2']);
  });

  it('policy set turns the unused-key rule on and off, and refuses days outside 7 to 3650', async () => {
    expect(await world.json(['policy', 'set', ...t, '--disable-unused-after-days', '180'])).toMatchObject({ disableUnusedAfterDays: 180 });
    expect((await world.run(['policy', 'get', ...t])).stdout).toContain('disabled after 180 days unused (reminder 7 days before)');
    expect(await world.fails(['policy', 'set', ...t, '--disable-unused-after-days', '6'])).toMatch(
      /^latchkey: INVALID_POLICY: disableUnusedAfterDays must be null \(never\) or an integer from 7 to 3650$/,
    );
    expect(await world.fails(['policy', 'set', ...t, '--disable-unused-after-days', 'soon'])).toMatch(/option '--disable-unused-after-days <n\|never>' argument 'soon' is invalid/);
    expect(await world.json(['policy', 'get', ...t])).toMatchObject({ disableUnusedAfterDays: 180 });
    expect(await world.json(['policy', 'set', ...t, '--disable-unused-after-days', 'never'])).toMatchObject({ disableUnusedAfterDays: null });
    expect((await world.run(['policy', 'get', ...t])).stdout).toMatch(/unused keys:\s+kept/);
  });
});
