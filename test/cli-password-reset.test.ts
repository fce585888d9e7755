/** `latchkey users reset-password`: an admin gives a user who forgot their password a one-time one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessCli, initTenant, PASSWORD, type InProcessCliWorld } from './support/cli.js';

describe('latchkey users reset-password', () => {
  let world: InProcessCliWorld;
  const t = ['--tenant', 'acme'];
  beforeAll(async () => {
    world = await createInProcessCli('sqlite');
    await initTenant(world);
    await world.json(['users', 'create', ...t, '--email', 'dev@example.com', '--password-stdin'], PASSWORD);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  const signIn = (password: string) => world.runtime.services.auth.login({ tenant: 'acme', email: 'dev@example.com', password, ip: null, userAgent: null });

  it('prints a one-time password once; it replaces the old one and must be changed; audited without it', async () => {
    const printed = await world.run(['users', 'reset-password', ...t, 'dev@example.com']);
    expect(printed.code, printed.stderr).toBe(0);
    const oneTimePassword = /One-time password: (\S+)/.exec(printed.stdout)?.[1];
    expect(oneTimePassword).toBeDefined();
    expect(printed.stdout).toContain('must change it at next sign-in');
    await expect(signIn(PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await signIn(oneTimePassword!)).user.mustChangePassword).toBe(true);

    // With --json: the same, as the API answers it.
    const again = await world.json(['users', 'reset-password', ...t, 'dev@example.com']);
    expect(again).toMatchObject({ user: { email: 'dev@example.com', mustChangePassword: true } });
    expect(again.oneTimePassword).not.toBe(oneTimePassword);
    await expect(signIn(oneTimePassword!)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });

    const events = await world.json(['audit', 'list', ...t, '--action', 'user.password.reset']);
    expect(events.items).toHaveLength(2);
    expect(events.items[0]).toMatchObject({ targetId: again.user.id, result: 'success', via: 'cli' });
    expect(JSON.stringify(events)).not.toContain(again.oneTimePassword);
  });

  it('refuses an unknown user and the acting admin themselves', async () => {
    expect(await world.fails(['users', 'reset-password', ...t, 'nobody@example.com'])).toMatch(/^latchkey: NOT_FOUND: /);
    expect(await world.fails(['users', 'reset-password', ...t, 'admin@example.com'])).toMatch(/^latchkey: FORBIDDEN: Change your own password/);
  });
});
