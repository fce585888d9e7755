import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_FILE = 'master.key';

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
  if (options.fromEnv) return { key: options.fromEnv, source: 'env' };
  const file = join(options.dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new MasterKeyError(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`);
    }
    const key = decodeMasterKey(readFileSync(file, 'utf8'));
    if (!key) throw new MasterKeyError(`${file} does not hold a 32-byte key in base64 or hex.`);
    return { key, source: 'file' };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: 'created' };
}
