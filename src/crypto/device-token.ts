import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './digest.js';
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
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update(LABEL).digest();
  }

  private mac(nonce: string, expiresAt: number, userId: string): string {
    return createHmac('sha256', this.key).update(`${nonce}.${expiresAt}.${userId}`).digest('base64url');
  }

  issue(userId: string, expiresAt: number): string {
    const nonce = generateOpaqueToken();
    return `${nonce}.${expiresAt}.${this.mac(nonce, expiresAt, userId)}`;
  }

  /** True when `token` was issued for `userId` and has not expired at `now`. */
  isKnown(token: string | undefined, userId: string, now: number): boolean {
    const match = token === undefined ? null : FORMAT.exec(token);
    if (!match) return false;
    const [, nonce, expires, mac] = match as unknown as [string, string, string, string];
    const expiresAt = Number(expires);
    return constantTimeEqual(this.mac(nonce, expiresAt, userId), mac) && expiresAt > now;
  }
}
