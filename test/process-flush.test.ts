/** Access records are buffered off the hot path; a clean stop (SIGTERM) writes them before exiting. */
import { afterEach, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { createCliWorld, initTenant, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';
import { startServerProcess, stopAllServers, verify } from './support/process-server.js';

describe.each(DATABASE_KINDS)('SIGTERM on %s', (kind) => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('writes the buffered access records and last-used time before the process exits', async () => {
    // The timer would only write after a minute: whatever is stored came from the shutdown.
    world = await createCliWorld(kind, { LATCHKEY_RECORD_FLUSH_MS: '60000' });
    await initTenant(world);
    const key = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'busy']);
    const wrongSecret = buildToken(key.accessKeyId, 'x'.repeat(key.secret.length));
    const verifier = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token;
    const server = await startServerProcess(world.env);
    for (let i = 0; i < 3; i++) expect((await verify(server.url, key.token, verifier)).valid).toBe(true);
    for (let i = 0; i < 2; i++) expect((await verify(server.url, wrongSecret, verifier)).valid).toBe(false);

    const records = (outcome?: string) => world!.json(['keys', 'access-records', '--tenant', 'acme', key.accessKeyId, '--limit', '100', ...(outcome ? ['--outcome', outcome] : [])]);
    expect((await records()).items).toEqual([]);

    expect(await server.stop('SIGTERM')).toBe(0);
    const stored = await records();
    expect(stored.items).toHaveLength(5);
    expect(stored.items.filter((r: { outcome: string }) => r.outcome === 'success')).toHaveLength(3);
    const failures = await records('failure');
    expect(failures.items.map((r: { code: string }) => r.code)).toEqual(['SECRET_MISMATCH', 'SECRET_MISMATCH']);
    for (const record of stored.items) expect(record).toMatchObject({ accessKeyId: key.accessKeyId, scheme: 'bearer', sourceIp: expect.stringMatching(/127\.0\.0\.1/) });
    const after = await world.json(['keys', 'get', '--tenant', 'acme', key.accessKeyId]);
    expect(after.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain(key.secret);
  });
});
