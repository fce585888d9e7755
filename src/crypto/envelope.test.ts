import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, openSecret, openValue, sealSecret, sealValue } from './envelope.js';

const masterKey = randomBytes(32);
const context = { tenantId: 'tnt_abcdefghijklmnop', accessKeyId: 'LKABCDEFGHIJKLMNOPQR' };
const secret = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';

/** Decodes one part of an envelope, lets `change` alter its bytes, and puts it back. */
function alterPart(envelope: string, part: 1 | 2 | 3, change: (bytes: Buffer) => void): string {
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

  it('looks like v1.<iv>.<ciphertext>.<tag> and never holds the secret in clear', () => {
    const envelope = sealSecret(masterKey, secret, context);
    expect(envelope).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(envelope).not.toContain(secret);
    expect(Buffer.from(envelope.split('.')[2]!, 'base64url').toString('latin1')).not.toContain(secret.slice(0, 8));
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => sealSecret(masterKey, secret, context)));
    expect(seen.size).toBe(50);
    expect(new Set([...seen].map((e) => e.split('.')[1])).size).toBe(50);
  });

  it.each([
    ['iv', 1],
    ['ciphertext', 2],
    ['tag', 3],
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
    const ct = Buffer.from(parts[2]!, 'base64url');
    for (const changed of [ct.subarray(0, ct.length - 1), Buffer.concat([ct, Buffer.from([0])])]) {
      const altered = [parts[0], parts[1], changed.toString('base64url'), parts[3]].join('.');
      expect(() => openSecret(masterKey, altered, context)).toThrow(EnvelopeError);
    }
  });

  it('refuses envelope text that is not exactly what was sealed, even where base64 decoding would forgive it', () => {
    const envelope = sealSecret(masterKey, secret, context);
    const [v, iv, ct, tag] = envelope.split('.') as [string, string, string, string];
    const altered = [
      [v, iv, `${ct}!`, tag],
      [v, iv, `!!${ct}`, tag],
      [v, `${iv}=`, ct, tag],
      [v, iv, ct.replace(/-|_/, (c) => (c === '-' ? '+' : '/')), tag],
      [v, iv, ct, `${tag} `],
    ].map((p) => p.join('.'));
    for (const value of altered) if (value !== envelope) expect(() => openSecret(masterKey, value, context), value).toThrow(EnvelopeError);
  });

  it('refuses unknown versions and malformed envelopes with EnvelopeError', () => {
    const envelope = sealSecret(masterKey, secret, context);
    for (const value of [envelope.replace(/^v1/, 'v2'), envelope.split('.').slice(0, 3).join('.'), `${envelope}.x`, '', 'garbage', 'v1...']) {
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
