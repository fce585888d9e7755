/** The first start of `latchkey serve` on an empty data directory, as a new operator meets it. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliWorld, type CliWorld } from './support/cli.js';
import { http, login, startServerProcess, stopAllServers } from './support/process-server.js';

const NEW_PASSWORD = 'a brand new passphrase for the admin';

describe('first start', () => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('creates the first admin, prints a one-time password that signs in and must be changed first', { timeout: 60_000 }, async () => {
    world = await createCliWorld('sqlite');
    const server = await startServerProcess(world.env);
    const output = server.output();
    expect(output).toContain('Latchkey created the first tenant and its administrator. Sign in with:');
    const tenant = /^\s+tenant:\s+(\S+)/m.exec(output)?.[1];
    const email = /^\s+email:\s+(\S+)/m.exec(output)?.[1];
    const password = /^\s+password:\s+(\S+)\s+\(one-time/m.exec(output)?.[1];
    expect(tenant).toBe('default');
    expect(email).toBe('admin@latchkey.local');
    expect(password).toMatch(/^\S{12,}$/);
    expect(output).toContain(`console:  ${server.url}/`);

    // The console it points at is served by this very process, at / and at its own page paths.
    for (const path of ['/', '/settings/access-keys']) {
      const page = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    }

    const session = await login(server.url, tenant!, email!, password!);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email, role: 'admin', mustChangePassword: true });

    const blocked = await http(`${server.url}/v1/access-keys`, { cookie: session.cookie });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const changed = await http(`${server.url}/v1/me/password`, {
      method: 'PUT',
      cookie: session.cookie,
      csrfToken: session.csrfToken,
      body: { currentPassword: password, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    const allowed = await http(`${server.url}/v1/access-keys`, { cookie: session.cookie });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ items: [], nextCursor: null });

    expect((await login(server.url, tenant!, email!, password!)).status).toBe(401);
    expect((await login(server.url, tenant!, email!, NEW_PASSWORD)).status).toBe(200);

    // A second start finds the tenant and prints no new password.
    expect(await server.stop()).toBe(0);
    const again = await startServerProcess(world.env);
    expect(again.output()).not.toContain('Sign in with');
    expect(again.output()).not.toMatch(/password:/);
  });

  it('with LATCHKEY_BOOTSTRAP=false it creates nobody and says how to run latchkey init', async () => {
    world = await createCliWorld('sqlite', { LATCHKEY_BOOTSTRAP: 'false' });
    const server = await startServerProcess(world.env);
    expect(server.output()).toContain('The database is empty. Create the first tenant with:');
    expect(server.output()).toContain('latchkey init --tenant acme --email you@example.com --password-stdin');
    expect((await login(server.url, 'default', 'admin@latchkey.local', 'whatever-password')).status).toBe(401);
  });

  it('two processes starting at once on one empty PostgreSQL: both serve, exactly one prints the password', async () => {
    world = await createCliWorld('postgres', { LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') });
    const otherDir = await mkdtemp(join(tmpdir(), 'latchkey-second-'));
    try {
      const [a, b] = await Promise.all([startServerProcess(world.env), startServerProcess({ ...world.env, LATCHKEY_DATA_DIR: otherDir })]);
      const printed = [a, b].filter((s) => s.output().includes('Sign in with:'));
      expect(printed).toHaveLength(1);
      const password = /^\s+password:\s+(\S+)\s+\(one-time/m.exec(printed[0]!.output())?.[1];
      // Either process accepts the password: they share the database.
      for (const server of [a, b]) expect((await login(server.url, 'default', 'admin@latchkey.local', password!)).status).toBe(200);
    } finally {
      await stopAllServers();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});
