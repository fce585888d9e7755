import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_FILE = 'master.key';
/** The keyring file: one key a line, the first the current one (written by `latchkey master-key rotate`). */
export const MASTER_KEYS_FILE = 'master.keys';

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** A master key given as text: 32 bytes in base64 (44 chars) or hex (64 chars). */
export function decodeMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  return null;
}

/**
 * The key from LATCHKEY_MASTER_KEY when set, else `<dataDir>/master.key`, created on first
 * use with mode 0600. A key file readable by others is refused rather than trusted.
 */
export function loadMasterKey(options: { fromEnv: Buffer | null; dataDir: string }): { key: Buffer; source: 'env' | 'file' | 'created' } {
  const existing = readMasterKeyIfPresent(options);
  if (existing) return existing;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return createKeyFile(join(options.dataDir, MASTER_KEY_FILE));
}

/** The key if it is given or already on disk (checked as loadMasterKey does); null when it would have to be created. */
export function readMasterKeyIfPresent(options: { fromEnv: Buffer | null; dataDir: string }): { key: Buffer; source: 'env' | 'file' } | null {
  if (options.fromEnv) return { key: options.fromEnv, source: 'env' };
  const file = join(options.dataDir, MASTER_KEY_FILE);
  return existsSync(file) ? { key: readKeyFile(file), source: 'file' } : null;
}

function readKeyFile(file: string): Buffer {
  checkMode(file);
  const key = decodeMasterKey(readFileSync(file, 'utf8'));
  if (!key) throw new MasterKeyError(`${file} does not hold a 32-byte key in base64 or hex.`);
  return key;
}

/**
 * Makes a new key file, whole or not at all: the key is written under a temporary name and
 * hard-linked into place. When several processes start on an empty data directory at once,
 * one link wins and the others use the winner's key, instead of failing on EEXIST or reading
 * a half-written file (and sealing secrets under a key nobody else has).
 */
export function createKeyFile(file: string): { key: Buffer; source: 'created' | 'file' } {
  const key = randomBytes(32);
  const content = `${key.toString('base64')}\n`;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temp, 0o600);
    linkSync(temp, file);
    return { key, source: 'created' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return { key: readKeyFile(file), source: 'file' };
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // A file system without hard links: exclusive create is the best it offers.
    writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return { key, source: 'created' };
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * A fingerprint of the master key that is safe to store next to the data it protects (an HMAC
 * of a fixed label, so it reveals nothing of the key). The database keeps the fingerprint of the
 * key it was first used with; a process holding another key refuses to start instead of sealing
 * secrets nobody else can open.
 */
export function masterKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('latchkey:master-key-check:v1').digest('base64url').slice(0, 22);
}

/** Where a process's keyring came from: a setting, a file in the data directory, or a key file made just now. */
export interface LoadedKeyring {
  keys: Buffer[];
  source: 'env' | 'file' | 'created';
  /** The setting or file, as messages name it. */
  where: string;
}

export interface KeyringOptions {
  /** LATCHKEY_MASTER_KEYS or LATCHKEY_MASTER_KEY, decoded (null: neither is set). */
  fromEnv: readonly Buffer[] | null;
  /** The name of the setting fromEnv came from. */
  envName?: string;
  dataDir: string;
}

/**
 * The keyring, first found of: the setting (LATCHKEY_MASTER_KEYS, or LATCHKEY_MASTER_KEY for one
 * key), `<dataDir>/master.keys`, `<dataDir>/master.key`; null when none is there.
 */
export function readKeyringIfPresent(options: KeyringOptions): LoadedKeyring | null {
  if (options.fromEnv && options.fromEnv.length > 0) return { keys: [...options.fromEnv], source: 'env', where: options.envName ?? 'LATCHKEY_MASTER_KEYS' };
  const keysFile = join(options.dataDir, MASTER_KEYS_FILE);
  if (existsSync(keysFile)) return { keys: readKeysFile(keysFile), source: 'file', where: keysFile };
  const file = join(options.dataDir, MASTER_KEY_FILE);
  return existsSync(file) ? { keys: [readKeyFile(file)], source: 'file', where: file } : null;
}

/** As readKeyringIfPresent, making `<dataDir>/master.key` (see createKeyFile) when there is no key at all. */
export function loadKeyring(options: KeyringOptions): LoadedKeyring {
  const existing = readKeyringIfPresent(options);
  if (existing) return existing;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, MASTER_KEY_FILE);
  const made = createKeyFile(file);
  return { keys: [made.key], source: made.source, where: file };
}

function readKeysFile(file: string): Buffer[] {
  checkMode(file);
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new MasterKeyError(`${file} holds no key; it lists 32-byte keys in base64 or hex, one a line, the current one first.`);
  return lines.map((line, i) => {
    const key = decodeMasterKey(line);
    if (!key) throw new MasterKeyError(`${file} line ${i + 1} is not a 32-byte key in base64 or hex.`);
    return key;
  });
}

function checkMode(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new MasterKeyError(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`);
  }
}

/**
 * Writes the keyring file whole or not at all (a temporary file, mode 0600, renamed over it), so
 * a process starting meanwhile reads the old list or the new one, never half of one.
 */
export function writeKeysFile(dataDir: string, keys: readonly Buffer[], comment: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, MASTER_KEYS_FILE);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const text = `# ${comment}\n${keys.map((k) => k.toString('base64')).join('\n')}\n`;
  writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  return file;
}

/** A key file given to `master-key rotate --key-file`: read when it exists (mode 0600 only), else made with a new key. */
export function readOrCreateKeyFile(file: string): { key: Buffer; created: boolean } {
  if (existsSync(file)) return { key: readKeyFile(file), created: false };
  const made = createKeyFile(file);
  return { key: made.key, created: made.source === 'created' };
}
