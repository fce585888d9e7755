import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealSecret } from '../crypto/envelope.js';
import { MasterKeyring } from '../crypto/keyring.js';
import type { KeyLookupRow } from '../store/dialects/key-lookup.js';
import { CachedKey, Interned, TenantFacts } from './cached-key.js';

const row = (secretEnvelope: string): KeyLookupRow => ({
  id: 'LKABCDEFGHIJKLMNOPQR',
  tenantId: 'tnt_a',
  ownerId: 'usr_a',
  type: 'access',
  state: 'enabled',
  expiresAt: null,
  secretDigest: 'ab'.repeat(32),
  secretEnvelope,
  secretVersion: 1,
  previousSecretDigest: null,
  previousSecretEnvelope: null,
  previousSecretExpiresAt: null,
  ownerStatus: 'active',
  ownerRole: 'admin',
  ownerProgrammaticAccess: true,
  tenantStatus: 'active',
  policy: '{}',
  links: [],
  controls: { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, hasCredits: false, creditsRefill: null, identity: null },
});

const cached = (envelope: string) =>
  new CachedKey(
    row(envelope),
    { effective: [], narrowed: false, key: { roleIds: [], groupIds: [] }, owner: { roleIds: [], groupIds: [] } },
    new Interned(),
    new TenantFacts('tnt_a', 'active', '{}', {} as never),
  );

/** What the entry keeps for its secret: the digest (32 bytes) and the envelope, packed as raw bytes where it can be. */
const materialLength = (key: CachedKey) => (key as unknown as { material: string }).material.length;

describe('a cached key keeps its sealed secret packed', () => {
  const context = { tenantId: 'tnt_a', accessKeyId: 'LKABCDEFGHIJKLMNOPQR' };
  const secret = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';

  it('an envelope naming its master key (v2) as raw bytes, rebuilt to the very same text', () => {
    const envelope = sealSecret(new MasterKeyring([randomBytes(32), randomBytes(32)]), secret, context);
    const key = cached(envelope);
    expect(key.secretEnvelope).toBe(envelope);
    // digest 32 + marker 1 + key ID 6 + IV 12 + ciphertext 40 + tag 16
    expect(materialLength(key)).toBe(32 + 1 + 6 + 12 + 40 + 16);
  });

  it('a first-format envelope (v1, no key ID) too', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const envelope = ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    const key = cached(envelope);
    expect(key.secretEnvelope).toBe(envelope);
    expect(materialLength(key)).toBe(32 + 1 + 12 + 40 + 16);
  });

  it('anything else as it is (it will not open, and says so when used)', () => {
    for (const envelope of ['garbage', 'v2.short.x.y.z', 'v1.a.b']) expect(cached(envelope).secretEnvelope).toBe(envelope);
  });
});
