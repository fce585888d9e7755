/**
 * A bad LATCHKEY_* setting stops the command with one line that names the variable, and writes
 * nothing. The settings are read by the program in this process as the process reads them
 * (runtimeFromSettings); the real process shows its exit code and streams for a sample.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeFromSettings } from '../src/cli/context.js';
import { assertBuilt, runCli, runInProcess } from './support/cli.js';

/** The command in this process, reading only these settings. */
const runWith = (args: string[], env: Record<string, string>) => runInProcess(args, (io) => runtimeFromSettings(env, io));

const BAD_SETTINGS: [string, string, RegExp][] = [
  ['LATCHKEY_PORT', 'abc', /whole number/],
  ['LATCHKEY_DATABASE_URL', 'mysql://x', /postgres:\/\//],
  ['LATCHKEY_MASTER_KEY', 'short', /32 bytes/],
  ['LATCHKEY_FOO', '1', /not a Latchkey setting/],
  ['LATCHKEY_LOG_LEVEL', 'loud', /one of/],
  ['LATCHKEY_CHANGE_POLL_MS', '5000', /from 50 to 1000/],
];

describe('bad settings', () => {
  let dataDir: string | null = null;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = null;
  });

  for (const command of [['serve'], ['keys', 'list', '--tenant', 'acme']]) {
    it.each(BAD_SETTINGS)(`${command[0]}: %s=%s stops with one clear line`, async (name, value, explains) => {
      dataDir = await mkdtemp(join(tmpdir(), 'latchkey-settings-'));
      const result = await runWith(command, { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_PORT: '0', [name]: value });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^latchkey: ${name}: `));
      expect(lines[0]).toMatch(explains);
      // Refused before anything was touched: no database file, no master key file.
      expect(await readdir(dataDir)).toEqual([]);
    });
  }

  it('the real process exits 1 with that one line on stderr and nothing on stdout', async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-settings-'));
    const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_CHANGE_POLL_MS: '5000' };
    const result = await runCli(['keys', 'list', '--tenant', 'acme'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe((await runWith(['keys', 'list', '--tenant', 'acme'], env)).stderr);
    expect(result.stderr).toMatch(/^latchkey: LATCHKEY_CHANGE_POLL_MS: [^\n]+\n$/);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('a master key file that other users can read is refused, not trusted', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-settings-'));
    const file = join(dataDir, 'master.key');
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
    const result = await runWith(['serve'], { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_PORT: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^latchkey: .*master\.key is readable by other users.*chmod 600/)]);
    expect(await readdir(dataDir)).toEqual(['master.key']);
  });

  it('an unreachable PostgreSQL stops the command with one line naming LATCHKEY_DATABASE_URL', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-settings-'));
    const result = await runWith(['migrate'], { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_DATABASE_URL: 'postgres://postgres:hunter2hunter2@127.0.0.1:1/latchkey' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^latchkey: STORE_UNAVAILABLE: cannot use the database at LATCHKEY_DATABASE_URL \(.*ECONNREFUSED/)]);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('a port already in use stops serve with one line naming the setting', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-settings-'));
    const blocker = createServer();
    await new Promise<void>((listening) => blocker.listen(0, '127.0.0.1', listening));
    try {
      const port = (blocker.address() as { port: number }).port;
      // The real process: a serve that did start would hold this test's process.
      assertBuilt();
      const result = await runCli(['serve'], { env: { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_PORT: String(port) } });
      expect(result.code).not.toBe(0);
      // Node's own process warnings (e.g. a dependency's deprecation notice) are not Latchkey's lines.
      const ours = result.stderr
        .trimEnd()
        .split('\n')
        .filter((line) => !/^\(node:\d+\)|^\(Use `node --trace-warnings/.test(line));
      expect(ours).toEqual([expect.stringMatching(new RegExp(`^latchkey: LATCHKEY_HOST/LATCHKEY_PORT: cannot listen there \\(.*EADDRINUSE.*${port}`))]);
    } finally {
      await new Promise((closed) => blocker.close(closed));
    }
  });
});
