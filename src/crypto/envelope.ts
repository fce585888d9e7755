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

/**
 * Node's base64 decoder skips characters it does not know, so `ab!cd` would decode like
 * `abcd`; only the exact text sealSecret wrote is accepted, so any edit to a stored
 * envelope is refused rather than silently forgiven.
 */
function decodePart(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export function assertMasterKey(key: Buffer): void {
  if (key.length !== 32) throw new EnvelopeError('The master key must be exactly 32 bytes.');
}

export function sealSecret(masterKey: Buffer, plaintext: string, context: EnvelopeContext): string {
  return seal(masterKey, plaintext, aad(context));
}

/** Throws EnvelopeError when the envelope was tampered with, moved, or sealed under another key. */
export function openSecret(masterKey: Buffer, envelope: string, context: EnvelopeContext): string {
  return open(masterKey, envelope, aad(context));
}

/**
 * Other values kept sealed at rest (a user's TOTP secret, a mail waiting in the outbox), bound
 * to what they belong to (`totp:<tenant>:<user>`, `mail:<id>`). The prefix differs from the one
 * of access key secrets, so no envelope of one kind ever opens as the other.
 */
export function sealValue(masterKey: Buffer, plaintext: string, binding: string): string {
  return seal(masterKey, plaintext, valueAad(binding));
}

export function openValue(masterKey: Buffer, envelope: string, binding: string): string {
  return open(masterKey, envelope, valueAad(binding));
}

function valueAad(binding: string): Buffer {
  return Buffer.from(`latchkey:sealed:${binding}`, 'utf8');
}

function seal(masterKey: Buffer, plaintext: string, additionalData: Buffer): string {
  assertMasterKey(masterKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(additionalData);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

function open(masterKey: Buffer, envelope: string, additionalData: Buffer): string {
  assertMasterKey(masterKey);
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new EnvelopeError('Unknown secret envelope format.');
  const iv = decodePart(parts[1]!);
  const ciphertext = decodePart(parts[2]!);
  const tag = decodePart(parts[3]!);
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== 16) throw new EnvelopeError('Damaged secret envelope.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, iv);
    decipher.setAAD(additionalData);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError('The secret envelope does not open with this master key and context.');
  }
}
