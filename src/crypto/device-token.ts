import { createHmac } from 'node:crypto';
import { constantTimeEqualText } from './digest.js';
import { keyringOf, type MasterKeyring } from './keyring.js';
import { generateOpaqueToken } from './random.js';

const LABEL = 'latchkey device v1';
const FORMAT = /^([A-Za-z0-9_-]{20,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

/**
 * The "known device" cookie: proof that this browser signed in as this user before. The value
 * is `<random>.<expires ms>.<HMAC>`, the HMAC keyed by a key derived from the master key and
 * covering the random part, the expiry and the user's ID. The user's ID is not in the cookie
 * (the server checks the MAC against the account being signed in to), nothing is stored, and
 * no one without the master key can make or change one.
 */
export class DeviceTokens {
  /** One MAC key per master key of the keyring, the current one first (it makes new cookies). */
  private readonly keys: Buffer[];

  /**
   * With a keyring, cookies made under any of its keys are known: during a master-key rotation
   * browsers stay known devices; once the old key is retired, cookies it made count as unknown
   * (the browser signs in as a new device once, and gets a new cookie).
   */
  constructor(masterKey: Buffer | MasterKeyring) {
    this.keys = keyringOf(masterKey).keys.map(({ key }) => createHmac('sha256', key).update(LABEL).digest());
  }

  private mac(key: Buffer, nonce: string, expiresAt: number, userId: string): string {
    return createHmac('sha256', key).update(`${nonce}.${expiresAt}.${userId}`).digest('base64url');
  }

  issue(userId: string, expiresAt: number): string {
    const nonce = generateOpaqueToken();
    return `${nonce}.${expiresAt}.${this.mac(this.keys[0]!, nonce, expiresAt, userId)}`;
  }

  /** True when `token` was issued for `userId` and has not expired at `now`. */
  isKnown(token: string | undefined, userId: string, now: number): boolean {
    const match = token === undefined ? null : FORMAT.exec(token);
    if (!match) return false;
    const [, nonce, expires, mac] = match as unknown as [string, string, string, string];
    const expiresAt = Number(expires);
    let matched = false;
    for (const key of this.keys) matched = constantTimeEqualText(this.mac(key, nonce, expiresAt, userId), mac) || matched;
    return matched && expiresAt > now;
  }
}
