import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest: AES-256-GCM under the master key. The additional data binds a ciphertext
 * to its tenant and access key, so a row copied onto another key does not decrypt.
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
const VERSION = 'v1';
const IV_BYTES = 12;

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export interface EnvelopeContext {
  tenantId: string;
  accessKeyId: string;
}

function aad(context: EnvelopeContext): Buffer {
  return Buffer.from(`latchkey:secret:${context.tenantId}:${context.accessKeyId}`, 'utf8');
}

export function assertMasterKey(key: Buffer): void {
  if (key.length !== 32) throw new EnvelopeError('The master key must be exactly 32 bytes.');
}

export function sealSecret(masterKey: Buffer, plaintext: string, context: EnvelopeContext): string {
  assertMasterKey(masterKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

/** Throws EnvelopeError when the envelope was tampered with, moved, or sealed under another key. */
export function openSecret(masterKey: Buffer, envelope: string, context: EnvelopeContext): string {
  assertMasterKey(masterKey);
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new EnvelopeError('Unknown secret envelope format.');
  const iv = Buffer.from(parts[1]!, 'base64url');
  const ciphertext = Buffer.from(parts[2]!, 'base64url');
  const tag = Buffer.from(parts[3]!, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new EnvelopeError('Damaged secret envelope.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, iv);
    decipher.setAAD(aad(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError('The secret envelope does not open with this master key and context.');
  }
}
