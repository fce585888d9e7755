import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, envelopeKeyId, openSecret, openValue, sealSecret, sealValue } from './envelope.js';
import { MasterKeyring, masterKeyId } from './keyring.js';

const masterKey = randomBytes(32);
const context = { tenantId: 'tnt_abcdefghijklmnop', accessKeyId: 'LKABCDEFGHIJKLMNOPQR' };
const secret = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';

/** Decodes one part of an envelope, lets `change` alter its bytes, and puts it back. */
function alterPart(envelope: string, part: 2 | 3 | 4, change: (bytes: Buffer) => void): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  change(bytes);
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret envelope', () => {
  it('opens to the sealed secret', () => {
    expect(openSecret(masterKey, sealSecret(masterKey, secret, context), context)).toBe(secret);
    expect(openSecret(masterKey, sealSecret(masterKey, 'ünïcødé ✓', context), context)).toBe('ünïcødé ✓');
  });

  it('looks like v2.<key ID>.<iv>.<ciphertext>.<tag> and never holds the secret in clear', () => {
    const envelope = sealSecret(masterKey, secret, context);
    expect(envelope).toMatch(/^v2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(envelope.split('.')[1]).toBe(masterKeyId(masterKey));
    expect(envelopeKeyId(envelope)).toBe(masterKeyId(masterKey));
    expect(envelope).not.toContain(secret);
    expect(Buffer.from(envelope.split('.')[3]!, 'base64url').toString('latin1')).not.toContain(secret.slice(0, 8));
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => sealSecret(masterKey, secret, context)));
    expect(seen.size).toBe(50);
    expect(new Set([...seen].map((e) => e.split('.')[2])).size).toBe(50);
  });

  it.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ] as const)('refuses an envelope with any changed byte in the %s', (_name, part) => {
    const envelope = sealSecret(masterKey, secret, context);
    const length = Buffer.from(envelope.split('.')[part]!, 'base64url').length;
    for (let i = 0; i < length; i++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = alterPart(envelope, part, (bytes) => {
          bytes[i] = bytes[i]! ^ bit;
        });
        expect(() => openSecret(masterKey, tampered, context)).toThrow(EnvelopeError);
      }
    }
  });

  it('refuses a ciphertext moved onto another access key or tenant', () => {
    const envelope = sealSecret(masterKey, secret, context);
    expect(() => openSecret(masterKey, envelope, { ...context, accessKeyId: 'LKZZZZZZZZZZZZZZZZZZ' })).toThrow(EnvelopeError);
    expect(() => openSecret(masterKey, envelope, { ...context, tenantId: 'tnt_zzzzzzzzzzzzzzzz' })).toThrow(EnvelopeError);
  });

  it('refuses to open under another master key', () => {
    const envelope = sealSecret(masterKey, secret, context);
    expect(() => openSecret(randomBytes(32), envelope, context)).toThrow(EnvelopeError);
  });

  it('refuses a truncated or extended ciphertext', () => {
    const envelope = sealSecret(masterKey, secret, context);
    const parts = envelope.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    for (const changed of [ct.subarray(0, ct.length - 1), Buffer.concat([ct, Buffer.from([0])])]) {
      const altered = [parts[0], parts[1], parts[2], changed.toString('base64url'), parts[4]].join('.');
      expect(() => openSecret(masterKey, altered, context)).toThrow(EnvelopeError);
    }
  });

  it('refuses envelope text that is not exactly what was sealed, even where base64 decoding would forgive it', () => {
    const envelope = sealSecret(masterKey, secret, context);
    const [v, id, iv, ct, tag] = envelope.split('.') as [string, string, string, string, string];
    const altered = [
      [v, id, iv, `${ct}!`, tag],
      [v, id, iv, `!!${ct}`, tag],
      [v, id, `${iv}=`, ct, tag],
      [v, id, iv, ct.replace(/-|_/, (c) => (c === '-' ? '+' : '/')), tag],
      [v, id, iv, ct, `${tag} `],
    ].map((p) => p.join('.'));
    for (const value of altered) if (value !== envelope) expect(() => openSecret(masterKey, value, context), value).toThrow(EnvelopeError);
  });

  it('refuses unknown versions and malformed envelopes with EnvelopeError', () => {
    const envelope = sealSecret(masterKey, secret, context);
    for (const value of [envelope.replace(/^v2/, 'v3'), envelope.replace(/^v2\.[^.]+/, 'v1'), envelope.split('.').slice(0, 4).join('.'), `${envelope}.x`, '', 'garbage', 'v1...', 'v2....']) {
      expect(() => openSecret(masterKey, value, context), value).toThrow(EnvelopeError);
    }
  });

  it('refuses a master key that is not 32 bytes', () => {
    for (const key of [randomBytes(16), randomBytes(31), randomBytes(33), Buffer.alloc(0)]) {
      expect(() => sealSecret(key, secret, context)).toThrow(EnvelopeError);
      expect(() => openSecret(key, sealSecret(masterKey, secret, context), context)).toThrow(EnvelopeError);
    }
  });

  it('does not repeat the secret in its errors', () => {
    const envelope = sealSecret(masterKey, secret, context);
    try {
      openSecret(randomBytes(32), envelope, context);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
      expect(String((error as Error).message)).not.toContain(envelope);
    }
  });
});

describe('sealValue / openValue', () => {
  it('opens what it sealed only under the same binding', () => {
    const envelope = sealValue(masterKey, 'JBSWY3DPEHPK3PXP', 'totp:tnt_a:usr_a');
    expect(envelope).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openValue(masterKey, envelope, 'totp:tnt_a:usr_a')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => openValue(masterKey, envelope, 'totp:tnt_a:usr_b')).toThrow(EnvelopeError);
    expect(() => openValue(randomBytes(32), envelope, 'totp:tnt_a:usr_a')).toThrow(EnvelopeError);
  });

  it('never opens an access key envelope as a value, or the other way round', () => {
    const keyEnvelope = sealSecret(masterKey, 'secret', context);
    expect(() => openValue(masterKey, keyEnvelope, `secret:${context.tenantId}:${context.accessKeyId}`)).toThrow(EnvelopeError);
    const valueEnvelope = sealValue(masterKey, 'secret', `secret:${context.tenantId}:${context.accessKeyId}`);
    expect(() => openSecret(masterKey, valueEnvelope, context)).toThrow(EnvelopeError);
  });
});

/** An envelope of the first format (`v1.<iv>.<ciphertext>.<tag>`, no key ID), as Latchkey wrote them before key IDs. */
function sealFirstFormat(key: Buffer, plaintext: string, additionalData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

describe('envelopes under a keyring (master-key rotation)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const both = new MasterKeyring([newKey, oldKey]);

  it('seals under the current (first) key and opens what either key sealed', () => {
    const underOld = sealSecret(oldKey, secret, context);
    const underNew = sealSecret(both, secret, context);
    expect(envelopeKeyId(underNew)).toBe(masterKeyId(newKey));
    expect(openSecret(both, underOld, context)).toBe(secret);
    expect(openSecret(both, underNew, context)).toBe(secret);
    expect(openSecret(newKey, underNew, context)).toBe(secret);
  });

  it('refuses, naming the key ID, an envelope under a key the keyring does not hold', () => {
    const underNew = sealValue(both, 'JBSWY3DPEHPK3PXP', 'totp:tnt_a:usr_a');
    expect(() => openValue(oldKey, underNew, 'totp:tnt_a:usr_a')).toThrow(
      new RegExp(`sealed under master key ${masterKeyId(newKey)}, which this keyring \\(${masterKeyId(oldKey)}\\) does not hold`),
    );
  });

  it('still opens first-format envelopes (no key ID) with whichever key of the keyring sealed them', () => {
    const legacy = sealFirstFormat(oldKey, secret, `latchkey:secret:${context.tenantId}:${context.accessKeyId}`);
    expect(envelopeKeyId(legacy)).toBeNull();
    expect(openSecret(oldKey, legacy, context)).toBe(secret);
    expect(openSecret(both, legacy, context)).toBe(secret);
    expect(() => openSecret(newKey, legacy, context)).toThrow(EnvelopeError);
    const legacyValue = sealFirstFormat(oldKey, 'body', 'latchkey:sealed:mail:m1');
    expect(openValue(both, legacyValue, 'mail:m1')).toBe('body');
    expect(() => openValue(both, legacyValue, 'mail:m2')).toThrow(EnvelopeError);
  });

  it('names a key by a short fingerprint that tells keys apart and reveals nothing of them', () => {
    expect(masterKeyId(oldKey)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(masterKeyId(oldKey)).toBe(masterKeyId(Buffer.from(oldKey)));
    expect(masterKeyId(oldKey)).not.toBe(masterKeyId(newKey));
    expect(both.keys.map((k) => k.id)).toEqual([masterKeyId(newKey), masterKeyId(oldKey)]);
    expect(new MasterKeyring([newKey, oldKey, newKey]).keys).toHaveLength(2);
  });
});
