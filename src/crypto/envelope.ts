import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyringOf, type MasterKeyring } from './keyring.js';

/**
 * Secrets at rest: AES-256-GCM under the master key. The additional data binds a ciphertext
 * to its tenant and access key, so a row copied onto another key does not decrypt.
 * Format: `v2.<key ID>.<iv>.<ciphertext>.<tag>`, each part base64url, the key ID naming the
 * master key it was sealed under (see masterKeyId). The first format, `v1.<iv>.<ciphertext>.<tag>`
 * (no key ID), still opens: it is tried with every key of the keyring, the current one first.
 * Every function takes a keyring (seals under its current key, opens with the key the envelope
 * names) or a bare key (a keyring of one).
 */
const LEGACY_VERSION = 'v1';
const VERSION = 'v2';
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

export type SealingKeys = Buffer | MasterKeyring;

export function sealSecret(masterKey: SealingKeys, plaintext: string, context: EnvelopeContext): string {
  return seal(masterKey, plaintext, aad(context));
}

/** Throws EnvelopeError when the envelope was tampered with, moved, or sealed under a key the keyring does not hold. */
export function openSecret(masterKey: SealingKeys, envelope: string, context: EnvelopeContext): string {
  return open(masterKey, envelope, aad(context));
}

/**
 * Other values kept sealed at rest (a user's TOTP secret, a mail waiting in the outbox), bound
 * to what they belong to (`totp:<tenant>:<user>`, `mail:<id>`). The prefix differs from the one
 * of access key secrets, so no envelope of one kind ever opens as the other.
 */
export function sealValue(masterKey: SealingKeys, plaintext: string, binding: string): string {
  return seal(masterKey, plaintext, valueAad(binding));
}

export function openValue(masterKey: SealingKeys, envelope: string, binding: string): string {
  return open(masterKey, envelope, valueAad(binding));
}

function valueAad(binding: string): Buffer {
  return Buffer.from(`latchkey:sealed:${binding}`, 'utf8');
}

/**
 * The ID of the master key an envelope names, or null for the first format (no key ID, sealed
 * under the key the installation started with). Says nothing of whether it opens.
 */
export function envelopeKeyId(envelope: string): string | null {
  if (envelope.startsWith(`${LEGACY_VERSION}.`)) return null;
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new EnvelopeError('Unknown secret envelope format.');
  return parts[1]!;
}

/**
 * The additional data of a second-format envelope also covers its key ID, so an envelope cannot
 * be rewritten as another format or under another key ID and still open: any edit is refused.
 */
function withKeyId(additionalData: Buffer, keyId: string): Buffer {
  return Buffer.concat([additionalData, Buffer.from(`\nkey:${keyId}`, 'utf8')]);
}

function ringOf(keys: SealingKeys): MasterKeyring {
  if (Buffer.isBuffer(keys)) assertMasterKey(keys);
  return keyringOf(keys);
}

function seal(keys: SealingKeys, plaintext: string, additionalData: Buffer): string {
  const { id, key } = ringOf(keys).current;
  assertMasterKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(withKeyId(additionalData, id));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

function open(keys: SealingKeys, envelope: string, context: Buffer): string {
  let additionalData = context;
  const ring = ringOf(keys);
  const parts = envelope.split('.');
  let candidates: readonly Buffer[];
  let body: string[];
  if (parts.length === 4 && parts[0] === LEGACY_VERSION) {
    candidates = ring.keys.map((k) => k.key);
    body = parts.slice(1);
  } else if (parts.length === 5 && parts[0] === VERSION) {
    const key = ring.byId(parts[1]!);
    if (key === undefined) throw new EnvelopeError(`The secret envelope does not open: it is sealed under master key ${parts[1]}, which this keyring (${ring.describe()}) does not hold.`);
    candidates = [key];
    body = parts.slice(2);
    additionalData = withKeyId(additionalData, parts[1]!);
  } else {
    throw new EnvelopeError('Unknown secret envelope format.');
  }
  const iv = decodePart(body[0]!);
  const ciphertext = decodePart(body[1]!);
  const tag = decodePart(body[2]!);
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== 16) throw new EnvelopeError('Damaged secret envelope.');
  for (const key of candidates) {
    assertMasterKey(key);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(additionalData);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // The next key of the keyring, if any (first-format envelopes only).
    }
  }
  throw new EnvelopeError('The secret envelope does not open with this master key and context.');
}
