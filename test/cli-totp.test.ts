/** `latchkey users totp-reset`: an admin removes a user's authenticator app (a lost phone). */
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/cli/context.js';
import { createInProcessCli, initTenant, PASSWORD, type InProcessCliWorld } from './support/cli.js';

describe('latchkey users totp-reset', () => {
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

  /** The user sets up an authenticator app, as the console's Security tab does it. */
  async function enrolTotp(email: string): Promise<void> {
    const { services } = world.runtime;
    const admin = await cliActor(world.runtime, 'acme');
    const user = await services.users.get(admin, (await world.json(['users', 'get', ...t, email])).id);
    const actor = { tenantId: user.tenantId, user, via: 'session' as const, accessKeyId: null, keyPermissions: null, ip: null, userAgent: null };
    const { secret } = await services.totp.enroll(actor);
    await services.totp.confirm(actor, generateSync({ secret }));
  }

  it('removes the authenticator, is audited, and says so when there is none', async () => {
    await enrolTotp('dev@example.com');
    expect((await world.json(['users', 'get', ...t, 'dev@example.com'])).totpEnabled).toBe(true);

    const reset = await world.json(['users', 'totp-reset', ...t, 'dev@example.com']);
    expect(reset).toMatchObject({ email: 'dev@example.com', totpEnabled: false });
    expect(await world.fails(['users', 'totp-reset', ...t, 'dev@example.com'])).toMatch(/^latchkey: TOTP_NOT_ENROLLED: /);
    expect(await world.fails(['users', 'totp-reset', ...t, 'nobody@example.com'])).toMatch(/^latchkey: NOT_FOUND: /);

    // The refusal through the CLI is audited too (newest first), as it is over HTTP.
    const events = await world.json(['audit', 'list', ...t, '--action', 'user.totp.reset']);
    expect(events.items).toHaveLength(2);
    expect(events.items[0]).toMatchObject({ targetId: reset.id, result: 'failure', via: 'cli', details: { reason: 'TOTP_NOT_ENROLLED' } });
    expect(events.items[1]).toMatchObject({ targetId: reset.id, result: 'success', via: 'cli' });
  });
});
