/**
 * `latchkey master-key rotate|status|retire` as real processes, with real servers verifying
 * throughout: on SQLite with the keyring in the data directory (master.keys), and on PostgreSQL
 * with LATCHKEY_MASTER_KEYS and two servers sharing the database while the rotation runs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { masterKeyId } from '../src/crypto/keyring.js';
import { decodeMasterKey } from '../src/crypto/master-key.js';
import { verifyJson } from './support/signed.js';
import { spawn } from 'node:child_process';
import { assertBuilt, BIN, cleanEnv, createCliWorld, initTenant, PASSWORD, ROOT, runCli, type CliWorld } from './support/cli.js';
import { http, login, startServerProcess, stopAllServers, type ServerProcess } from './support/process-server.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';

interface Key {
  accessKeyId: string;
  secret: string;
  token: string;
}

const request = { method: 'GET', hostname: 'api.example.com', path: '/reports', headers: {} };

/** Bearer and SigV4 (signed now by the AWS SDK's signer) answers of the server about each key. */
async function verifyAll(server: ServerProcess, verifier: string, keys: Key[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const k of keys) {
    answers.push((await http(`${server.url}/v1/verify`, { bearer: verifier, body: { token: k.token } })).body);
    const signed = await awsSign(awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-1', service: 'reports' }), request, new Date());
    answers.push((await http(`${server.url}/v1/verify`, { bearer: verifier, body: { request: verifyJson(signed) } })).body);
  }
  return answers;
}

const allValid = (keys: Key[]) => Array.from({ length: keys.length * 2 }, () => expect.objectContaining({ valid: true }));

const keyLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => masterKeyId(decodeMasterKey(l)!));

describe('latchkey master-key, as processes', () => {
  let world: CliWorld | null = null;
  beforeAll(assertBuilt);
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('SQLite, keys in the data directory: add a key, restart, re-seal in two runs while serving, retire, restart; the old key alone is refused', async () => {
    world = await createCliWorld('sqlite');
    await initTenant(world);
    const keys: Key[] = [];
    for (let i = 0; i < 3; i++) keys.push(await world.json(['keys', 'create', '--tenant', 'acme', '--name', `svc-${i}`]));
    const verifier: string = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token;
    const oldId = masterKeyId(decodeMasterKey(await readFile(join(world.dataDir, 'master.key'), 'utf8'))!);

    let server = await startServerProcess(world.env);
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));

    // Step 1: a new key, first in master.keys (0600), the old one kept to read.
    const added = await world.run(['master-key', 'rotate']);
    expect(added.code).toBe(0);
    const keysFile = join(world.dataDir, 'master.keys');
    expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
    const [newId, keptId] = await keyLines(keysFile);
    expect(keptId).toBe(oldId);
    expect(added.stdout).toContain(`New master key ${newId}`);
    expect(added.stdout).toContain('restart each process');
    expect(added.stdout).toContain('latchkey master-key rotate');
    for (const k of keys) expect(added.stdout + added.stderr).not.toContain(k.secret);

    // Every process restarts with the keyring; a key made now is sealed under the new key.
    await server.stop();
    server = await startServerProcess(world.env);
    keys.push(await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'after-step-1']));

    // Step 2, stopped half-way (as a crash between batches would): everything still verifies.
    const half = await world.run(['master-key', 'rotate', '--batch-size', '1', '--max-batches', '2', '--json']);
    expect(half.code).toBe(0);
    expect(JSON.parse(half.stdout)).toMatchObject({ finished: false, batches: 2, retirable: false });
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));

    const done = await world.run(['master-key', 'rotate', '--batch-size', '2']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Every sealed value is under ${newId}. Master key ${oldId} can be retired: run \`latchkey master-key retire\``);
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));
    const status = await world.json(['master-key', 'status']);
    expect(status).toMatchObject({
      keyring: [
        { keyId: newId, role: 'current' },
        { keyId: oldId, role: 'previous' },
      ],
      sealedUnder: newId,
      notUnderCurrent: 0,
    });
    expect(status.counts.access_key_secret).toEqual({ [newId!]: keys.length + 1 });

    const retired = await world.run(['master-key', 'retire']);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain(`Retired master key ${oldId}`);
    expect(await keyLines(keysFile)).toEqual([newId]);
    expect(existsSync(join(world.dataDir, 'master.key'))).toBe(false);
    await server.stop();
    server = await startServerProcess(world.env);
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));
    await server.stop();

    // A process given the old key alone: refused at start with one line.
    const oldKey = randomBytes(32);
    await writeFile(keysFile, `${oldKey.toString('base64')}\n`, { mode: 0o600 });
    const refused = await world.run(['keys', 'list', '--tenant', 'acme']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^latchkey: the master key \\(.*master\\.keys\\) is not the one this database's secrets are sealed under \\(master key ${newId}\\)`)),
    ]);
  }, 120_000);

  it('PostgreSQL, LATCHKEY_MASTER_KEYS: two servers with both keys keep verifying while the rotation runs; then the new key alone verifies and the old key alone cannot start', async () => {
    const oldKey = randomBytes(32).toString('base64');
    world = await createCliWorld('postgres', { LATCHKEY_MASTER_KEY: oldKey });
    await initTenant(world);
    const keys: Key[] = [];
    for (let i = 0; i < 6; i++) keys.push(await world.json(['keys', 'create', '--tenant', 'acme', '--name', `svc-${i}`]));
    const verifier: string = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token;

    // The key comes from a setting: the new one must go to a file named on the command line.
    const refused = await world.run(['master-key', 'rotate']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^latchkey: the master key comes from LATCHKEY_MASTER_KEY: give --key-file FILE/)]);

    const keyFile = join(world.dataDir, 'new-master.key');
    const added = await world.run(['master-key', 'rotate', '--key-file', keyFile]);
    expect(added.code).toBe(0);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const newKey = (await readFile(keyFile, 'utf8')).trim();
    const newId = masterKeyId(decodeMasterKey(newKey)!);
    expect(added.stdout).toContain('LATCHKEY_MASTER_KEYS');
    expect(added.stdout).not.toContain(newKey);
    expect(added.stdout).not.toContain(oldKey);

    const ring = { ...world.env, LATCHKEY_MASTER_KEY: '', LATCHKEY_MASTER_KEYS: `${newKey},${oldKey}` };
    const servers = [await startServerProcess(ring), await startServerProcess(ring)];
    for (const s of servers) expect(await verifyAll(s, verifier, keys)).toEqual(allValid(keys));

    // The rotation, one value per batch, while both servers answer (each must be valid, every time).
    const rotation = runCli(['master-key', 'rotate', '--batch-size', '1', '--json'], { env: ring });
    let rounds = 0;
    let finished = false;
    void rotation.finally(() => (finished = true));
    while (!finished || rounds < 2) {
      for (const s of servers) expect(await verifyAll(s, verifier, keys)).toEqual(allValid(keys));
      rounds++;
    }
    const result = await rotation;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ finished: true, remaining: 0, retirable: true });
    expect(result.stderr).toContain('batch 1:');

    // Retired: the new key alone verifies everything; the old key alone does not start.
    for (const s of servers) await s.stop();
    const only = { ...world.env, LATCHKEY_MASTER_KEY: newKey };
    const after = await startServerProcess(only);
    expect(await verifyAll(after, verifier, keys)).toEqual(allValid(keys));
    const status = await runCli(['master-key', 'status', '--json'], { env: only });
    expect(JSON.parse(status.stdout)).toMatchObject({ keyring: [{ keyId: newId, role: 'current' }], sealedUnder: newId, notUnderCurrent: 0 });
    await expect(startServerProcess({ ...world.env, LATCHKEY_MASTER_KEY: oldKey })).rejects.toThrow(
      new RegExp(`the master key \\(LATCHKEY_MASTER_KEY\\) is not the one this database's secrets are sealed under \\(master key ${newId}\\)`),
    );

    // A keyring none of whose keys opens anything is refused with one line.
    const wrong = await runCli(['master-key', 'status'], {
      env: { ...world.env, LATCHKEY_MASTER_KEY: '', LATCHKEY_MASTER_KEYS: `${randomBytes(32).toString('base64')},${randomBytes(32).toString('hex')}` },
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^latchkey: none of the master keys \(LATCHKEY_MASTER_KEYS\) is the one this database's secrets are sealed under/)]);
  }, 120_000);

  it('SQLite: a rotation killed (SIGKILL) in the middle leaves every value readable by the keyring, and a second run finishes it', async () => {
    world = await createCliWorld('sqlite');
    await initTenant(world);
    let server = await startServerProcess(world.env);
    const admin = await login(server.url, 'acme', 'admin@example.com', PASSWORD);
    const as = { cookie: admin.cookie, csrfToken: admin.csrfToken };
    const keys: Key[] = [];
    for (let i = 0; i < 40; i++) {
      const made = await http(`${server.url}/v1/access-keys`, { ...as, body: { name: `svc-${i}` } });
      expect(made.status).toBe(201);
      keys.push(made.body);
    }
    const verifier: string = (await http(`${server.url}/v1/access-keys`, { ...as, body: { name: 'gateway', verifier: true } })).body.token;
    expect((await world.run(['master-key', 'rotate'])).code).toBe(0);
    await server.stop();
    server = await startServerProcess(world.env);

    // One value per batch; the process is killed as soon as it reports its first batch (the next ones are under way).
    const child = spawn(process.execPath, [BIN, 'master-key', 'rotate', '--batch-size', '1'], { cwd: ROOT, env: cleanEnv(world.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const ended = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (stderr.includes('batch 1:')) child.kill('SIGKILL');
    });
    expect(await ended).toBe('SIGKILL');

    const halfway = await world.json(['master-key', 'status']);
    const [newId, oldId] = halfway.keyring.map((k: { keyId: string }) => k.keyId);
    expect(halfway.counts.access_key_secret[newId]).toBeGreaterThanOrEqual(1);
    expect(halfway.counts.access_key_secret[oldId]).toBeGreaterThan(0);
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));

    const again = await world.run(['master-key', 'rotate', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ finished: true, remaining: 0, retirable: true });
    expect((await world.json(['master-key', 'status'])).counts.access_key_secret).toEqual({ [newId]: keys.length + 1 });
    expect(await verifyAll(server, verifier, keys)).toEqual(allValid(keys));
  }, 120_000);
});
