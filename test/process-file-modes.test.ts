/**
 * Issue 10 item 8: password hashes, emails and records must not be world-readable. The data
 * directory Latchkey creates is 0700, the database and its -wal and -shm files 0600; a database
 * file others can read (copied in, chmod-ed) is warned about at start, without refusing it.
 */
import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createCliWorld, type CliWorld } from './support/cli.js';
import { startServerProcess, stopAllServers } from './support/process-server.js';

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

describe('data directory and database file modes (sqlite)', () => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('creates the data directory 0700 and latchkey.db, -wal, -shm and master.key 0600 under the usual umask 022', async () => {
    world = await createCliWorld('sqlite');
    // The server inherits this process's umask: make it the common default (that left the files 0644), whatever the machine's.
    const umask = process.umask(0o022);
    onTestFinished(() => {
      process.umask(umask);
    });
    // A directory that does not exist yet: Latchkey creates it.
    const dataDir = join(world.dataDir, 'var', 'latchkey');
    world.env.LATCHKEY_DATA_DIR = dataDir;
    const server = await startServerProcess({ ...world.env, LATCHKEY_LOG_LEVEL: 'info' });
    // The server is up and holds the database open: the WAL files exist now.
    expect(await modeOf(dataDir)).toBe('700');
    for (const file of ['latchkey.db', 'latchkey.db-wal', 'latchkey.db-shm', 'master.key']) expect(await modeOf(join(dataDir, file)), file).toBe('600');
    expect(server.output()).not.toMatch(/readable by other users/);
  });

  it('warns, naming the file and the chmod that fixes it, when the database is readable by others', async () => {
    world = await createCliWorld('sqlite');
    const init = await world.run(['init', '--tenant', 'acme', '--email', 'admin@example.com', '--password-stdin'], 'correct horse battery staple');
    expect(init.code, init.stderr).toBe(0);
    const db = join(world.dataDir, 'latchkey.db');
    await chmod(db, 0o644);
    const listed = await world.run(['users', 'list', '--tenant', 'acme']);
    expect(listed.code, listed.stderr).toBe(0);
    const warning = listed.stderr.split('\n').find((line) => line.includes('readable by other users'));
    expect(warning, listed.stderr).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, file: db, mode: '644', msg: expect.stringContaining('chmod 600') });
    await chmod(db, 0o600);
    const quiet = await world.run(['users', 'list', '--tenant', 'acme']);
    expect(quiet.stderr).not.toMatch(/readable by other users/);
  });
});
