/** `latchkey keys import <file.jsonl>`: all or nothing, refused lines named on one line, a missing file one clear error. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { createInProcessCli, initTenant, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';

describe.each(DATABASE_KINDS)('latchkey keys import on %s', (kind) => {
  let world: CliWorld;
  const t = ['--tenant', 'acme'];
  const token = () => buildToken(generateAccessKeyId(), generateSecret());
  const file = async (name: string, lines: string[]) => {
    const path = join(world.dataDir, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  };
  const line = (more: Record<string, unknown> = {}) => JSON.stringify({ owner: 'admin@example.com', name: 'imported', state: 'enabled', expiresAt: null, secret: token(), ...more });
  const keyCount = async () => (await world.json(['keys', 'list', ...t, '--limit', '100'])).items.length;

  beforeAll(async () => {
    world = await createInProcessCli(kind);
    await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('imports every line of a file (blank lines skipped) and prints what it imported; the keys verify', async () => {
    const first = token();
    const path = await file('keys.jsonl', [line({ secret: first, name: 'first' }), '', line({ name: 'second', state: 'disabled' })]);
    const human = await world.run(['keys', 'import', path, ...t]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('acting as admin@example.com');
    expect(human.stdout).toContain(`Imported 2 access keys from ${path}.`);
    expect(human.stdout).toMatch(/1\s+LK[A-Z2-7]{18}\s+first\s+usr_\w+\s+enabled\s+bearer, signed/);
    expect(human.stdout).toMatch(/3\s+LK[A-Z2-7]{18}\s+second\s+usr_\w+\s+disabled\s+bearer, signed/);
    expect(human.stdout).not.toContain(first.slice(25));
    const listed = (await world.json(['keys', 'list', ...t])).items.map((k: { name: string; state: string }) => [k.name, k.state]);
    expect(listed).toEqual(
      expect.arrayContaining([
        ['first', 'enabled'],
        ['second', 'disabled'],
      ]),
    );
  });

  it('refuses a file with a malformed line, an unknown owner or a duplicate ID on one line, naming each, and imports nothing', async () => {
    const before = await keyCount();
    const dup = token();
    const path = await file('bad.jsonl', [line(), '{"owner": "admin@example.com", "name":', line({ owner: 'nobody@example.com' }), line({ secret: dup }), line({ secret: dup })]);
    const stderr = await world.fails(['keys', 'import', path, ...t]);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^latchkey: IMPORT_REFUSED: 3 of 5 lines were refused; nothing was imported\. line 2: not valid JSON: .+; line 3 \(owner\): no such user in this tenant; line 5 \(secret\): the access key ID LK[A-Z2-7]{18} is also on line 4$/,
    );
    expect(await keyCount()).toBe(before);
  });

  it('says clearly when the file cannot be read, and changes nothing', async () => {
    const before = await keyCount();
    const stderr = await world.fails(['keys', 'import', join(world.dataDir, 'missing.jsonl'), ...t]);
    expect(stderr.trim()).toBe(`latchkey: BAD_REQUEST: Cannot read ${join(world.dataDir, 'missing.jsonl')}: ENOENT. Nothing was imported.`);
    expect(await keyCount()).toBe(before);
  });
});
