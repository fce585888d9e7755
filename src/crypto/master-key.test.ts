import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MASTER_KEY_FILE,
  MASTER_KEYS_FILE,
  MasterKeyError,
  createKeyFile,
  decodeMasterKey,
  loadKeyring,
  loadMasterKey,
  masterKeyFingerprint,
  readKeyringIfPresent,
  readMasterKeyIfPresent,
  readOrCreateKeyFile,
  writeKeysFile,
} from './master-key.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-master-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('loadMasterKey from a key file', () => {
  it('creates a 32-byte key readable by its owner only on first use', () => {
    const loaded = loadMasterKey({ fromEnv: null, dataDir: dir });
    expect(loaded.source).toBe('created');
    expect(loaded.key.length).toBe(32);
    const file = join(dir, MASTER_KEY_FILE);
    expect(modeOf(file)).toBe(0o600);
    expect(decodeMasterKey(readFileSync(file, 'utf8'))?.equals(loaded.key)).toBe(true);
  });

  it('leaves only the key file behind in the data directory', () => {
    loadMasterKey({ fromEnv: null, dataDir: dir });
    expect(readdirSync(dir)).toEqual([MASTER_KEY_FILE]);
  });

  it('uses the key of a process that created the file first, rather than failing or replacing it', () => {
    const file = join(dir, MASTER_KEY_FILE);
    const winner = createKeyFile(file);
    expect(winner.source).toBe('created');
    const loser = createKeyFile(file);
    expect(loser.source).toBe('file');
    expect(loser.key.equals(winner.key)).toBe(true);
    expect(decodeMasterKey(readFileSync(file, 'utf8'))?.equals(winner.key)).toBe(true);
    expect(readdirSync(dir)).toEqual([MASTER_KEY_FILE]);
  });

  it('creates the data directory when it does not exist yet', () => {
    const dataDir = join(dir, 'nested', 'data');
    const loaded = loadMasterKey({ fromEnv: null, dataDir });
    expect(loaded.source).toBe('created');
    expect(existsSync(join(dataDir, MASTER_KEY_FILE))).toBe(true);
    expect(modeOf(dataDir) & 0o077).toBe(0);
  });

  it('reuses the same key on the next start', () => {
    const first = loadMasterKey({ fromEnv: null, dataDir: dir });
    const second = loadMasterKey({ fromEnv: null, dataDir: dir });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('makes a different key for each new data directory', () => {
    const other = mkdtempSync(join(tmpdir(), 'latchkey-master-key-'));
    try {
      expect(loadMasterKey({ fromEnv: null, dataDir: dir }).key.equals(loadMasterKey({ fromEnv: null, dataDir: other }).key)).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it.each([0o640, 0o604, 0o644, 0o660, 0o606, 0o610])('refuses a key file with mode %o, which others can reach', (mode) => {
    loadMasterKey({ fromEnv: null, dataDir: dir });
    chmodSync(join(dir, MASTER_KEY_FILE), mode);
    expect(() => loadMasterKey({ fromEnv: null, dataDir: dir })).toThrow(MasterKeyError);
    expect(() => loadMasterKey({ fromEnv: null, dataDir: dir })).toThrow(/chmod 600/);
  });

  it('accepts a key file the owner made read-only (0400)', () => {
    const created = loadMasterKey({ fromEnv: null, dataDir: dir });
    chmodSync(join(dir, MASTER_KEY_FILE), 0o400);
    expect(loadMasterKey({ fromEnv: null, dataDir: dir }).key.equals(created.key)).toBe(true);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['31 bytes of hex', randomBytes(31).toString('hex')],
    ['text', 'correct horse battery staple'],
    ['nothing', ''],
  ])('refuses a key file holding %s', (_what, content) => {
    writeFileSync(join(dir, MASTER_KEY_FILE), content, { mode: 0o600 });
    expect(() => loadMasterKey({ fromEnv: null, dataDir: dir })).toThrow(MasterKeyError);
    expect(() => loadMasterKey({ fromEnv: null, dataDir: dir })).toThrow(/32-byte/);
  });

  it('reads a key file written by hand in hex or base64', () => {
    const key = randomBytes(32);
    writeFileSync(join(dir, MASTER_KEY_FILE), `${key.toString('hex')}\n`, { mode: 0o600 });
    expect(loadMasterKey({ fromEnv: null, dataDir: dir }).key.equals(key)).toBe(true);
    writeFileSync(join(dir, MASTER_KEY_FILE), key.toString('base64'), { mode: 0o600 });
    expect(loadMasterKey({ fromEnv: null, dataDir: dir }).key.equals(key)).toBe(true);
  });
});

describe('loadMasterKey from the environment', () => {
  it('uses the key from LATCHKEY_MASTER_KEY and creates no file', () => {
    const key = randomBytes(32);
    const loaded = loadMasterKey({ fromEnv: key, dataDir: dir });
    expect(loaded).toEqual({ key, source: 'env' });
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(false);
  });

  it('wins over an existing key file, even a refused one', () => {
    writeFileSync(join(dir, MASTER_KEY_FILE), 'not a key', { mode: 0o644 });
    chmodSync(join(dir, MASTER_KEY_FILE), 0o644);
    const key = randomBytes(32);
    expect(loadMasterKey({ fromEnv: key, dataDir: dir }).key.equals(key)).toBe(true);
  });
});

describe('decodeMasterKey', () => {
  const key = randomBytes(32);

  it('reads 32 bytes given as hex, base64 or base64url, ignoring surrounding spaces', () => {
    for (const text of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url'), ` ${key.toString('base64')}\n`]) {
      expect(decodeMasterKey(text)?.equals(key), text).toBe(true);
    }
  });

  it('refuses anything that is not exactly 32 bytes', () => {
    for (const text of [randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), randomBytes(24).toString('hex'), `${key.toString('hex')}00`, '', 'x'.repeat(44)]) {
      expect(decodeMasterKey(text), text).toBeNull();
    }
  });
});

describe('readMasterKeyIfPresent', () => {
  it('creates nothing when there is no key yet', () => {
    expect(readMasterKeyIfPresent({ fromEnv: null, dataDir: dir })).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('returns the key file that loadMasterKey created, and still refuses one others can read', () => {
    const created = loadMasterKey({ fromEnv: null, dataDir: dir });
    expect(readMasterKeyIfPresent({ fromEnv: null, dataDir: dir })).toEqual({ key: created.key, source: 'file' });
    chmodSync(join(dir, MASTER_KEY_FILE), 0o640);
    expect(() => readMasterKeyIfPresent({ fromEnv: null, dataDir: dir })).toThrow(MasterKeyError);
  });
});

describe('masterKeyFingerprint', () => {
  it('is the same for the same key and differs for another key', () => {
    const key = randomBytes(32);
    expect(masterKeyFingerprint(Buffer.from(key))).toBe(masterKeyFingerprint(key));
    expect(masterKeyFingerprint(randomBytes(32))).not.toBe(masterKeyFingerprint(key));
  });

  it('reveals none of the key', () => {
    const key = randomBytes(32);
    const fingerprint = masterKeyFingerprint(key);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      const text = key.toString(encoding);
      for (let i = 0; i + 8 <= text.length; i += 4) expect(fingerprint).not.toContain(text.slice(i, i + 8));
    }
  });
});

describe('the master keyring (LATCHKEY_MASTER_KEYS, master.keys, master.key)', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it('takes the setting first, then master.keys (current key first), then master.key', () => {
    writeFileSync(join(dir, MASTER_KEY_FILE), `${a.toString('base64')}\n`, { mode: 0o600 });
    expect(readKeyringIfPresent({ fromEnv: null, dataDir: dir })).toEqual({ keys: [a], source: 'file', where: join(dir, MASTER_KEY_FILE) });
    const file = writeKeysFile(dir, [b, a], 'rotation');
    expect(file).toBe(join(dir, MASTER_KEYS_FILE));
    expect(modeOf(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8').startsWith('# rotation\n')).toBe(true);
    expect(readKeyringIfPresent({ fromEnv: null, dataDir: dir })).toEqual({ keys: [b, a], source: 'file', where: file });
    expect(readKeyringIfPresent({ fromEnv: [a], envName: 'LATCHKEY_MASTER_KEY', dataDir: dir })).toEqual({ keys: [a], source: 'env', where: 'LATCHKEY_MASTER_KEY' });
    expect(readdirSync(dir).sort()).toEqual([MASTER_KEY_FILE, MASTER_KEYS_FILE]);
  });

  it('refuses a master.keys others can read, an empty one, or a line that is not a key, naming the file and line', () => {
    const file = join(dir, MASTER_KEYS_FILE);
    writeFileSync(file, `${a.toString('base64')}\n`, { mode: 0o640 });
    chmodSync(file, 0o640);
    expect(() => loadKeyring({ fromEnv: null, dataDir: dir })).toThrow(/readable by other users \(mode 640\); run chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, '# nothing\n\n');
    expect(() => loadKeyring({ fromEnv: null, dataDir: dir })).toThrow(MasterKeyError);
    writeFileSync(file, `${a.toString('hex')}\nnot-a-key\n`);
    expect(() => loadKeyring({ fromEnv: null, dataDir: dir })).toThrow(/master\.keys line 2 is not a 32-byte key/);
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(false);
  });

  it('makes master.key when there is no key at all, and reads or makes a --key-file', () => {
    const loaded = loadKeyring({ fromEnv: null, dataDir: dir });
    expect(loaded).toMatchObject({ source: 'created', where: join(dir, MASTER_KEY_FILE) });
    const keyFile = join(dir, 'new.key');
    const made = readOrCreateKeyFile(keyFile);
    expect(made.created).toBe(true);
    expect(modeOf(keyFile)).toBe(0o600);
    expect(readOrCreateKeyFile(keyFile)).toEqual({ key: made.key, created: false });
  });
});
