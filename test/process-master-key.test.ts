/** Every process on one database must hold the master key its secrets are sealed under. */
import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, createCliWorld, initTenant, runCli, type CliWorld } from './support/cli.js';

const key = () => randomBytes(32).toString('base64');

describe('master key agreement', () => {
  let world: CliWorld | null = null;
  beforeAll(assertBuilt);
  afterEach(async () => {
    await world?.cleanup();
    world = null;
  });

  it('a second process on the same PostgreSQL with another LATCHKEY_MASTER_KEY refuses to start, naming the setting', async () => {
    const first = key();
    world = await createCliWorld('postgres', { LATCHKEY_MASTER_KEY: first });
    await initTenant(world);
    const created = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'ci']);
    expect(created.secret).toMatch(/^[0-9A-Za-z]{40}$/);

    const other = await runCli(['keys', 'list', '--tenant', 'acme'], { env: { ...world.env, LATCHKEY_MASTER_KEY: key() } });
    expect(other.code).not.toBe(0);
    expect(other.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^latchkey: the master key \(LATCHKEY_MASTER_KEY\) is not the one this database's secrets are sealed under/)]);

    // The right key still works, and the refused start changed nothing.
    const listed = await world.json(['keys', 'list', '--tenant', 'acme']);
    expect(listed.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([created.accessKeyId]);
  });

  it('a replaced master.key file is refused on SQLite instead of sealing new secrets under it', async () => {
    world = await createCliWorld('sqlite');
    await initTenant(world);
    await writeFile(join(world.dataDir, 'master.key'), `${key()}\n`, { mode: 0o600 });
    const line = await world.fails(['users', 'list', '--tenant', 'acme']);
    expect(line).toMatch(/^latchkey: the master key \(.*master\.key\) is not the one this database's secrets are sealed under/);
  });

  it('a start that cannot reach the database creates no master key file', async () => {
    world = await createCliWorld('sqlite', { LATCHKEY_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/latchkey' });
    await world.fails(['users', 'list', '--tenant', 'acme']);
    expect(await readdir(world.dataDir)).toEqual([]);
  });
});
