/** Stop and start again on the same data directory: people, keys and the master key survive. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliWorld, initTenant, PASSWORD, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';
import { http, login, startServerProcess, stopAllServers, verify } from './support/process-server.js';

describe.each(DATABASE_KINDS)('restart on %s', (kind) => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('a key created through the API still verifies and the admin still signs in after SIGTERM and a new start', async () => {
    world = await createCliWorld(kind);
    const admin = await initTenant(world);
    const first = await startServerProcess(world.env);
    const session = await login(first.url, 'acme', admin.email, PASSWORD);
    expect(session.status).toBe(200);
    const created = await http(`${first.url}/v1/access-keys`, { cookie: session.cookie, csrfToken: session.csrfToken, body: { name: 'survivor', type: 'access' } });
    expect(created.status).toBe(201);
    const verifier = (await http(`${first.url}/v1/access-keys`, { cookie: session.cookie, csrfToken: session.csrfToken, body: { name: 'gateway', verifier: true } })).body.token;
    expect(await verify(first.url, created.body.token, verifier)).toMatchObject({ valid: true, accessKeyId: created.body.accessKeyId });

    expect(await first.stop('SIGTERM')).toBe(0);
    const keyFile = await stat(join(world.dataDir, 'master.key'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const second = await startServerProcess(world.env);
    expect(await verify(second.url, created.body.token, verifier)).toMatchObject({ valid: true, accessKeyId: created.body.accessKeyId, userId: admin.userId });
    // The access-type key also still acts as its owner on the management API.
    const me = await http(`${second.url}/v1/me`, { bearer: created.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(admin.userId);
    const again = await login(second.url, 'acme', admin.email, PASSWORD);
    expect(again.status).toBe(200);
    const listed = await http(`${second.url}/v1/access-keys`, { cookie: again.cookie });
    expect(listed.body.items.map((k: { name: string }) => k.name)).toEqual(['gateway', 'survivor']);
    expect((await stat(join(world.dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
    // Sessions live in the database, so a sign-in outlives the process that made it.
    expect((await http(`${second.url}/v1/me`, { cookie: session.cookie })).status).toBe(200);
  });
});
