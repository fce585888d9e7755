/**
 * Issue 13 item 1: `latchkey backup` and `latchkey restore`, the CLI and the server as real
 * processes. A backup taken while the server answers verifications and its keys change holds
 * every key acknowledged before the backup began; restored into a new data directory and served
 * with the same master key, each such key verifies (bearer and SigV4 signed by the AWS SDK's
 * signer) with its state, access records and audit events. Every refusal: one line, non-zero
 * exit, nothing written.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, latchkeyMigrator, MIGRATION_NAMES } from '../src/store/store.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';
import { createCliWorld, initTenant, PASSWORD, runCli, type CliWorld } from './support/cli.js';
import { http, login, startServerProcess, stopAllServers, verify, type Login } from './support/process-server.js';
import { verifyJson } from './support/signed.js';

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

/** Every item of a paged list, following nextCursor. */
async function allPages(base: string, path: string, session: Login): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await http(`${base}${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cookie: session.cookie });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/** POST /v1/verify with a SigV4 request signed now by the AWS SDK's signer for `key`. */
async function verifySigV4(base: string, key: { accessKeyId: string; secret: string }, verifier: string): Promise<any> {
  const signer = awsSigner({ accessKeyId: key.accessKeyId, secretAccessKey: key.secret, region: 'eu-west-3', service: 'orders' });
  const signed = await awsSign(signer, { method: 'POST', hostname: 'api.example.com', path: '/v2/orders', headers: { 'content-type': 'application/json' }, body: '{"item":"book"}' }, new Date());
  const res = await http(`${base}/v1/verify`, { bearer: verifier, body: { request: verifyJson(signed) } });
  if (res.status !== 200) throw new Error(`signed verify answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const places: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-backup-'));
  places.push(dir);
  return dir;
}

describe('latchkey backup and restore (sqlite, real processes)', () => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
    for (const dir of places.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('backs up under load; the restored copy serves every key acknowledged before, with its state, records and audit events', async () => {
    world = await createCliWorld('sqlite', { LATCHKEY_RECORD_FLUSH_MS: '50', LATCHKEY_RECORD_MAX_DELAY_MS: '100' });
    await initTenant(world);
    await world.json(['users', 'create', '--tenant', 'acme', '--email', 'dev@example.com', '--programmatic-access']);
    const enabled = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'orders', '--user', 'dev@example.com']);
    const disabled = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'paused']);
    const deleted = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'gone']);
    const verifier = await world.json(['keys', 'create', '--tenant', 'acme', '--verifier']);
    await world.json(['keys', 'disable', '--tenant', 'acme', disabled.accessKeyId]);
    await world.json(['keys', 'disable', '--tenant', 'acme', deleted.accessKeyId]);
    await world.json(['keys', 'delete', '--tenant', 'acme', deleted.accessKeyId]);

    const server = await startServerProcess(world.env);
    const admin = await login(server.url, 'acme', 'admin@example.com', PASSWORD);
    expect(admin.status).toBe(200);
    // Keys made through the API while the server runs, acknowledged (201) before the backup.
    const viaApi: any[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await http(`${server.url}/v1/access-keys`, { cookie: admin.cookie, csrfToken: admin.csrfToken, body: { name: `api-${i}` } });
      expect(res.status).toBe(201);
      viaApi.push(res.body);
    }
    for (let i = 0; i < 3; i++) {
      expect(await verify(server.url, enabled.token, verifier.token)).toMatchObject({ valid: true });
      expect(await verifySigV4(server.url, enabled, verifier.token)).toMatchObject({ valid: true, accessKeyId: enabled.accessKeyId });
    }
    expect(await verify(server.url, disabled.token, verifier.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    for (const k of viaApi) expect(await verify(server.url, k.token, verifier.token)).toMatchObject({ valid: true });
    // The access records of those attempts are written (the recorder flushes every 50 ms).
    await until(async () => (await allPages(server.url, `/v1/access-keys/${enabled.accessKeyId}/access-records`, admin)).length === 6, 'the access records');
    await until(async () => (await allPages(server.url, `/v1/access-keys/${viaApi[4].accessKeyId}/access-records`, admin)).length === 1, 'the access records');
    const recordsBefore = new Map<string, any[]>();
    for (const k of [enabled, disabled, ...viaApi]) recordsBefore.set(k.accessKeyId, await allPages(server.url, `/v1/access-keys/${k.accessKeyId}/access-records`, admin));
    const auditBefore = await allPages(server.url, '/v1/audit-events', admin);
    const keysBefore = await allPages(server.url, '/v1/access-keys', admin);

    // Load: verifications and key changes keep running while the backup is taken.
    let stop = false;
    let during = 0;
    const churn = await http(`${server.url}/v1/access-keys`, { cookie: admin.cookie, csrfToken: admin.csrfToken, body: { name: 'churn' } });
    // The load verifies its own key: a key keeps its latest 100 successes, so a load on `enabled`
    // that outlasts a slow backup would legitimately push the records taken above out of its ring.
    const busy = (await http(`${server.url}/v1/access-keys`, { cookie: admin.cookie, csrfToken: admin.csrfToken, body: { name: 'busy' } })).body;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        await verify(server.url, busy.token, verifier.token);
        await verifySigV4(server.url, busy, verifier.token);
        const made = await http(`${server.url}/v1/access-keys`, { cookie: admin.cookie, csrfToken: admin.csrfToken, body: { name: `during-${i}` } });
        expect(made.status).toBe(201);
        const action = i % 2 === 0 ? 'disable' : 'enable';
        expect((await http(`${server.url}/v1/access-keys/${churn.body.accessKeyId}/${action}`, { cookie: admin.cookie, csrfToken: admin.csrfToken, body: {} })).status).toBe(200);
        during++;
      }
    })();
    await until(async () => during >= 2, 'the load to run');
    const backupDir = await freshDir();
    const file = join(backupDir, 'latchkey.backup');
    const backup = await runCli(['backup', file], { env: world.env });
    const duringAtEnd = during;
    await until(async () => during >= duringAtEnd + 2, 'the load to keep running after the backup');
    stop = true;
    await load;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`^Wrote ${file}: \\d+ bytes, \\d+ access keys \\(\\d+ enabled, \\d+ disabled, 1 deleted\\), 2 users in 1 tenants, \\d+ audit events, schema ${MIGRATION_NAMES.at(-1)}\\.\\n`),
    );
    expect(backup.stdout).toContain('The master key is not in the backup');
    expect(await modeOf(file)).toBe('600');
    expect((await readdir(backupDir)).sort()).toEqual(['latchkey.backup']);
    // The master key's bytes are nowhere in the file.
    const masterKey = (await readFile(join(world.dataDir, 'master.key'), 'utf8')).trim();
    const bytes = await readFile(file);
    expect(bytes.includes(masterKey)).toBe(false);
    expect(bytes.includes(Buffer.from(masterKey, 'base64'))).toBe(false);
    // The server kept serving: still answering after the backup.
    expect(await verify(server.url, enabled.token, verifier.token)).toMatchObject({ valid: true });

    // Restore into a new data directory holding only the installation's master key file.
    const restoredDir = join(await freshDir(), 'data');
    await mkdir(restoredDir, { mode: 0o700 });
    await copyFile(join(world.dataDir, 'master.key'), join(restoredDir, 'master.key'));
    const env = { ...world.env, LATCHKEY_DATA_DIR: restoredDir };
    const restore = await runCli(['restore', file, '--json'], { env });
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ restoredTo: join(restoredDir, 'latchkey.db'), migrationsApplied: [], schema: MIGRATION_NAMES.at(-1) });
    expect(await modeOf(join(restoredDir, 'latchkey.db'))).toBe('600');

    const restored = await startServerProcess(env);
    const admin2 = await login(restored.url, 'acme', 'admin@example.com', PASSWORD);
    expect(admin2.status).toBe(200);
    // Every key acknowledged before the backup began, in its state, verifying as before.
    const keysAfter = new Map((await allPages(restored.url, '/v1/access-keys', admin2)).map((k) => [k.accessKeyId, k]));
    for (const k of keysBefore) {
      expect(keysAfter.get(k.accessKeyId), k.name).toMatchObject({ name: k.name, state: k.state, createdAt: k.createdAt, expiresAt: k.expiresAt, ownerId: k.ownerId });
    }
    const deletedAnswer = await verify(restored.url, deleted.token, verifier.token);
    expect(deletedAnswer).toMatchObject({ valid: false, code: 'KEY_DELETED' });
    expect(await verify(restored.url, disabled.token, verifier.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(await verifySigV4(restored.url, disabled, verifier.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    for (const k of [enabled, ...viaApi]) {
      expect(await verify(restored.url, k.token, verifier.token)).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
      // SigV4 needs the sealed secret: the same master key opens it.
      expect(await verifySigV4(restored.url, k, verifier.token)).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
    }
    // Access records and audit events of before the backup are all there.
    for (const [accessKeyId, before] of recordsBefore) {
      const after = await allPages(restored.url, `/v1/access-keys/${accessKeyId}/access-records`, admin2);
      for (const record of before) expect(after, accessKeyId).toContainEqual(record);
    }
    const auditAfter = await allPages(restored.url, '/v1/audit-events', admin2);
    for (const event of auditBefore) expect(auditAfter).toContainEqual(event);
  }, 120_000);

  it('refuses what it cannot do, with one line, a non-zero exit and nothing written', async () => {
    world = await createCliWorld('sqlite');
    await initTenant(world);
    const key = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'orders']);
    const dir = await freshDir();
    const file = join(dir, 'first.backup');
    const first = await runCli(['backup', file], { env: world.env });
    expect(first.code, first.stderr).toBe(0);
    const original = await readFile(file);
    const oneLine = (stderr: string) => {
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      return stderr.trimEnd();
    };

    // backup: an existing target (kept as it was), then --force replaces it.
    await world.json(['keys', 'disable', '--tenant', 'acme', key.accessKeyId]);
    const exists = await runCli(['backup', file], { env: world.env });
    expect(exists.code).not.toBe(0);
    expect(oneLine(exists.stderr)).toBe(`latchkey: ${file} already exists: choose another file, or add --force to replace it.`);
    expect(await readFile(file)).toEqual(original);
    const forced = await runCli(['backup', file, '--force', '--json'], { env: world.env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ file, accessKeys: { total: 1, enabled: 0, disabled: 1, deleted: 0 }, users: 1, tenants: 1 });
    expect(await modeOf(file)).toBe('600');
    // The live database itself, even with --force.
    const live = join(world.dataDir, 'latchkey.db');
    const itself = await runCli(['backup', live, '--force'], { env: world.env });
    expect(itself.code).not.toBe(0);
    expect(oneLine(itself.stderr)).toBe(`latchkey: ${live} is the live database (or one of its files): write the backup elsewhere.`);
    expect(await world.json(['keys', 'get', '--tenant', 'acme', key.accessKeyId])).toMatchObject({ state: 'disabled' });
    // A directory that does not exist; a data directory without a database.
    const nowhere = await runCli(['backup', join(dir, 'missing', 'x.backup')], { env: world.env });
    expect(oneLine(nowhere.stderr)).toBe(`latchkey: The directory ${join(dir, 'missing')} does not exist.`);
    expect(nowhere.code).not.toBe(0);
    const emptyData = await freshDir();
    const noDatabase = await runCli(['backup', join(dir, 'y.backup')], { env: { LATCHKEY_DATA_DIR: emptyData } });
    expect(noDatabase.code).not.toBe(0);
    expect(oneLine(noDatabase.stderr)).toBe(`latchkey: No Latchkey database at ${join(emptyData, 'latchkey.db')}: check LATCHKEY_DATA_DIR.`);
    expect(await readdir(emptyData)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['first.backup']);

    // restore: each bad file, a non-empty directory, a wrong master key; nothing lands in the target.
    const target = join(await freshDir(), 'data');
    const env = { LATCHKEY_DATA_DIR: target };
    const refused = async (args: string[], expected: string | RegExp, on: Record<string, string> = env) => {
      const result = await runCli(args, { env: on });
      expect(result.code, result.stdout).not.toBe(0);
      expect(result.stdout).toBe('');
      const line = oneLine(result.stderr);
      if (typeof expected === 'string') expect(line).toBe(expected);
      else expect(line).toMatch(expected);
    };
    await refused(['restore', join(dir, 'nope.backup')], `latchkey: No such file: ${join(dir, 'nope.backup')}.`);
    const random = join(dir, 'random.bin');
    await writeFile(random, randomBytes(64 * 1024));
    await refused(['restore', random], new RegExp(`^latchkey: ${random} is not a SQLite database \\(file is not a database\\)\\.$`));
    const truncated = join(dir, 'truncated.backup');
    await copyFile(file, truncated);
    await truncate(truncated, Math.floor((await stat(file)).size / 2));
    await refused(['restore', truncated], new RegExp(`^latchkey: ${truncated} is (damaged or incomplete|not a SQLite database) \\(.+\\)\\.$`));
    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('create table notes (id integer primary key, body text)');
    other.close();
    await refused(['restore', foreign], `latchkey: ${foreign} is not a Latchkey database (no latchkey_migrations, tenants, users, access_keys, audit_events table).`);
    const newer = join(dir, 'newer.backup');
    await copyFile(file, newer);
    const future = new Database(newer);
    future.prepare('insert into latchkey_migrations (name, timestamp) values (?, ?)').run('099-from-the-future', new Date().toISOString());
    future.close();
    await refused(
      ['restore', newer],
      `latchkey: ${newer} comes from a newer Latchkey (schema 099-from-the-future; this build knows up to ${MIGRATION_NAMES.at(-1)}): restore it with that version or a later one.`,
    );
    const wrongKey = { ...env, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
    await refused(['restore', file], "latchkey: The master key (LATCHKEY_MASTER_KEY) is not the one this backup's secrets are sealed under: give the installation's own master key.", wrongKey);
    await refused(['backup', file, '--force'], /^latchkey: No Latchkey database at /, env);
    expect((await stat(target).catch(() => null)) === null || (await readdir(target)).length === 0).toBe(true);
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'mine');
    await refused(['restore', file], `latchkey: LATCHKEY_DATA_DIR ${target} is not empty (notes.txt): restore only into an empty data directory.`);
    expect(await readdir(target)).toEqual(['notes.txt']);
    // Into the installation's own, running data directory: refused, the database untouched.
    await refused(['restore', file], new RegExp(`^latchkey: LATCHKEY_DATA_DIR ${world.dataDir} is not empty \\(`), world.env);
    expect(await world.json(['keys', 'get', '--tenant', 'acme', key.accessKeyId])).toMatchObject({ state: 'disabled' });
  }, 120_000);

  it('restores a backup of an older schema (the first, 001) and applies the migrations since', async () => {
    const dir = await freshDir();
    const oldDir = join(dir, 'old');
    const old = createStore({ databaseUrl: null, dataDir: oldDir });
    const migrated = await latchkeyMigrator(old.db, old.dialect, '001-initial').migrateToLatest();
    expect(migrated.error).toBeUndefined();
    await old.close();
    const target = join(dir, 'data');
    const result = await runCli(['restore', join(oldDir, 'latchkey.db'), '--json'], { env: { LATCHKEY_DATA_DIR: target } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ schema: '001-initial', migrationsApplied: MIGRATION_NAMES.slice(1), masterKeyFingerprint: null });
    const again = await runCli(['migrate', '--json'], { env: { LATCHKEY_DATA_DIR: target } });
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: [] });
  });

  it('on PostgreSQL refuses both commands with the pg_dump / pg_restore advice', async () => {
    world = await createCliWorld('postgres');
    await initTenant(world);
    const dir = await freshDir();
    for (const command of ['backup', 'restore']) {
      const result = await runCli([command, join(dir, 'x.backup')], { env: world.env });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^latchkey: latchkey ${command}: this installation uses PostgreSQL`))]);
      expect(result.stderr).toContain('pg_dump -Fc');
      expect(result.stderr).toContain('pg_restore');
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
