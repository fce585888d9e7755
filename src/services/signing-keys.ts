/**
 * Signing keys for signed requests, derived from an access key's secret and cached on its
 * key-cache entry.
 *
 * A signing key depends only on the secret and the credential scope (a date, a region, a
 * service), so one derivation serves every request of that key, day and scope: the steady
 * state skips the envelope and the HMAC chain and costs one HMAC per request. On a miss the
 * secret is opened from its envelope with the master key, used, and dropped; only the derived
 * key stays, in process memory, on the CachedKey, so every eviction of the key drops it too.
 */
import { openSecret, type SealingKeys } from '../crypto/envelope.js';
import { deriveSigningKey, verifySignedRequest, type ParsedSignedRequest } from '../signing/signed-request.js';
import type { CachedKey } from './key-cache.js';

type Which = 'current' | 'previous';

/**
 * Derived keys by secret (current or previous, and its version), scheme and credential scope,
 * at most MAX_SCOPES_PER_KEY of them, the least recently used dropped first. The one used last
 * is checked first without building its id: that is every request of the steady state.
 */
export class SigningKeyMemo {
  private readonly byId = new Map<string, Buffer>();
  private last: { which: Which; version: number; scheme: string; scope: string; key: Buffer } | null = null;

  get size(): number {
    return this.byId.size;
  }

  /** `<c|p><secret version> <scheme> <credential scope>`, least recently used first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  find(which: Which, version: number, scheme: string, scope: string): Buffer | undefined {
    const last = this.last;
    if (last !== null && last.scope === scope && last.scheme === scheme && last.which === which && last.version === version) return last.key;
    const id = memoId(which, version, scheme, scope);
    const key = this.byId.get(id);
    if (key === undefined) return undefined;
    this.byId.delete(id);
    this.byId.set(id, key);
    this.last = { which, version, scheme, scope, key };
    return key;
  }

  keep(which: Which, version: number, scheme: string, scope: string, key: Buffer): void {
    if (this.byId.size >= MAX_SCOPES_PER_KEY) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(memoId(which, version, scheme, scope), key);
    this.last = { which, version, scheme, scope, key };
  }
}

const memoId = (which: Which, version: number, scheme: string, scope: string) => `${which === 'current' ? 'c' : 'p'}${version} ${scheme} ${scope}`;

/** A client signs for one scope a day, two around midnight; a few more cover several regions or services. */
export const MAX_SCOPES_PER_KEY = 8;

function signingKey(key: CachedKey, which: Which, parsed: ParsedSignedRequest, masterKey: SealingKeys): Buffer {
  const version = key.secrets.secretVersion;
  const known = key.signingKeys.find(which, version, parsed.scheme, parsed.credentialScope);
  if (known !== undefined) return known;
  const envelope = which === 'current' ? key.secrets.secretEnvelope : key.secrets.previousSecretEnvelope;
  if (envelope === null) throw new Error('signingKey: the key has no previous secret');
  const secret = openSecret(masterKey, envelope, { tenantId: key.key.tenantId, accessKeyId: key.key.accessKeyId });
  const derived = deriveSigningKey(parsed, secret);
  key.signingKeys.keep(which, version, parsed.scheme, parsed.credentialScope, derived);
  return derived;
}

/**
 * Whether the request was signed with the key's current secret, or with its previous one while a
 * rotation overlap lasts. During an overlap both comparisons run, as for bearer tokens, so the
 * time taken does not tell which secret matched.
 */
export function signatureMatches(key: CachedKey, parsed: ParsedSignedRequest, masterKey: SealingKeys, now: Date): boolean {
  const current = verifySignedRequest(parsed, signingKey(key, 'current', parsed, masterKey)).ok;
  const until = key.secrets.previousSecretExpiresAt;
  if (key.secrets.previousSecretEnvelope === null || until === null || until.getTime() <= now.getTime()) return current;
  const previous = verifySignedRequest(parsed, signingKey(key, 'previous', parsed, masterKey)).ok;
  return current || previous;
}
