/**
 * Cross-process revocation: the CLI changes a key in the shared database while a server runs;
 * the server learns of it through the changes log and refuses the key within a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCliWorld, initTenant, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';
import { startServerProcess, stopAllServers, verify } from './support/process-server.js';

const DEADLINE_MS = 1_000;

/** Verifies every 25 ms until the answer's `valid` flips; returns that answer and how long it took. */
async function untilValidIs(url: string, token: string, verifier: string, valid: boolean): Promise<{ answer: any; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    const answer = await verify(url, token, verifier);
    const elapsedMs = Date.now() - start;
    if (answer.valid === valid || elapsedMs > 5 * DEADLINE_MS) return { answer, elapsedMs };
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(DATABASE_KINDS)('revocation from the CLI on %s', (kind) => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  // Each test starts five to eight CLI processes and a server: on a loaded machine that alone passed the default 30 s.
  it('a running server refuses a key within a second of `keys disable`, and takes it back after `keys enable`', { timeout: 120_000 }, async () => {
    world = await createCliWorld(kind);
    await initTenant(world);
    const key = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'revoked-soon']);
    const verifier = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token;
    const server = await startServerProcess(world.env);
    // Verified once, so the server holds the key in its cache: only the changes log can evict it.
    expect(await verify(server.url, key.token, verifier)).toMatchObject({ valid: true, accessKeyId: key.accessKeyId });
    expect(await verify(server.url, key.token, verifier)).toMatchObject({ valid: true });

    await world.json(['keys', 'disable', '--tenant', 'acme', key.accessKeyId]);
    const refused = await untilValidIs(server.url, key.token, verifier, false);
    expect(refused.answer).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(refused.elapsedMs).toBeLessThan(DEADLINE_MS);

    await world.json(['keys', 'enable', '--tenant', 'acme', key.accessKeyId]);
    const back = await untilValidIs(server.url, key.token, verifier, true);
    expect(back.answer.valid).toBe(true);
    expect(back.elapsedMs).toBeLessThan(DEADLINE_MS);
  });

  it('disabling the owner, or rotating the key, stops the old credential on the running server', { timeout: 120_000 }, async () => {
    world = await createCliWorld(kind);
    await initTenant(world);
    await world.json(['users', 'create', '--tenant', 'acme', '--email', 'dev@example.com', '--programmatic-access']);
    const key = await world.json(['keys', 'create', '--tenant', 'acme', '--user', 'dev@example.com']);
    const verifier = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token;
    const server = await startServerProcess(world.env);
    expect((await verify(server.url, key.token, verifier)).valid).toBe(true);

    await world.json(['users', 'disable', '--tenant', 'acme', 'dev@example.com']);
    const refused = await untilValidIs(server.url, key.token, verifier, false);
    expect(refused.answer.valid).toBe(false);
    expect(refused.elapsedMs).toBeLessThan(DEADLINE_MS);
    await world.json(['users', 'enable', '--tenant', 'acme', 'dev@example.com']);
    expect((await untilValidIs(server.url, key.token, verifier, true)).answer.valid).toBe(true);

    const rotated = await world.json(['keys', 'rotate', '--tenant', 'acme', key.accessKeyId]);
    const old = await untilValidIs(server.url, key.token, verifier, false);
    expect(old.answer.valid).toBe(false);
    expect(old.elapsedMs).toBeLessThan(DEADLINE_MS);
    expect(await verify(server.url, rotated.token, verifier)).toMatchObject({ valid: true, accessKeyId: key.accessKeyId });
  });
});
