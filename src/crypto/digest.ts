import { createHash, hash } from 'node:crypto';

// crypto.hash: one call, no Hash object (2.4 µs → 1.0 µs a digest on the development machine).
export function sha256Hex(value: string | Uint8Array): string {
  return typeof value === 'string' ? hash('sha256', value, 'hex') : createHash('sha256').update(value).digest('hex');
}

/**
 * SHA-256 of `value` as a one-byte string of 32 characters (each one byte of the digest). The
 * verification hot path compares digests in this form: no Buffer to allocate (a digest as a
 * Buffer plus the cached digest copied into another cost ~1.5 µs; this and constantTimeEqualAt ~0.45 µs).
 */
export function sha256Latin1(value: string): string {
  return hash('sha256', value, 'binary'); // 'binary' is Node's name for latin1 here
}

/**
 * Constant-time equality of `a` and the characters of `b` from `offset` on (as many as `a` has):
 * every character is compared whatever the first difference (no early exit), so the time tells
 * nothing about where they differ. Lengths are not secret (digests and tokens have fixed
 * lengths); `b` too short is false at once.
 */
export function constantTimeEqualAt(a: string, b: string, offset: number): boolean {
  if (b.length < offset + a.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(offset + i);
  return difference === 0;
}

/**
 * Constant-time equality of two strings (see constantTimeEqualAt): digests, MACs, CSRF tokens.
 * False at once when the lengths differ: every value compared this way has a fixed, public length.
 */
export function constantTimeEqualText(a: string, b: string): boolean {
  return a.length === b.length && constantTimeEqualAt(a, b, 0);
}
