import type { KeyState } from './key-state.js';
import { allows } from './permissions.js';

/** Every reason a verification can fail; access records keep the exact one. */
export const VERIFY_CODES = [
  'MALFORMED',
  'KEY_NOT_FOUND',
  'SECRET_MISMATCH',
  'SIGNATURE_MISMATCH',
  'REQUEST_TIME_SKEWED',
  'KEY_DISABLED',
  'KEY_DELETED',
  'KEY_EXPIRED',
  'USER_DISABLED',
  'PROGRAMMATIC_ACCESS_REVOKED',
  'TENANT_DISABLED',
  'PERMISSION_DENIED',
  'SIGNATURE_REPLAYED',
  'RATE_LIMITED',
  'IP_NOT_ALLOWED',
  'USAGE_EXCEEDED',
  'SECRET_NOT_AVAILABLE',
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export interface UsableKeyFacts {
  state: KeyState;
  /** Epoch milliseconds (a number rather than a Date: the key cache holds one per key, and a Date costs ~110 bytes). */
  expiresAtMs: number | null;
  ownerStatus: 'active' | 'disabled';
  ownerRole: 'admin' | 'member';
  ownerProgrammaticAccess: boolean;
  tenantStatus: 'active' | 'disabled';
}

/**
 * After the secret (or signature) matched: may this key be used now? Checked in the
 * documented order — key state, expiry, owner, tenant — and the first failure wins.
 */
export function decideUsable(facts: UsableKeyFacts, now: Date): VerifyCode | null {
  if (facts.state === 'deleted') return 'KEY_DELETED';
  if (facts.state === 'disabled') return 'KEY_DISABLED';
  if (facts.expiresAtMs !== null && facts.expiresAtMs <= now.getTime()) return 'KEY_EXPIRED';
  if (facts.ownerStatus !== 'active') return 'USER_DISABLED';
  if (facts.ownerRole === 'member' && !facts.ownerProgrammaticAccess) return 'PROGRAMMATIC_ACCESS_REVOKED';
  if (facts.tenantStatus !== 'active') return 'TENANT_DISABLED';
  return null;
}

export function decidePermission(effective: readonly string[], permission: string | undefined): VerifyCode | null {
  if (permission === undefined) return null;
  return allows(effective, permission) ? null : 'PERMISSION_DENIED';
}

/**
 * What the caller outside Latchkey is told. An unknown key and a wrong secret answer the
 * same, so the answer cannot be used to discover which key IDs exist; the access record
 * keeps the exact reason.
 */
export function publicCode(code: VerifyCode): VerifyCode {
  return code === 'SECRET_MISMATCH' ? 'KEY_NOT_FOUND' : code;
}

/** RATE_LIMITED of a key's own (or its identity's) rate limit, as opposed to throttled guessing. */
export const OVER_RATE_LIMIT_MESSAGE = 'The access key is over a rate limit; try again later.';

export const VERIFY_MESSAGES: Record<VerifyCode, string> = {
  MALFORMED: 'The credential is not well formed.',
  KEY_NOT_FOUND: 'No access key matches these credentials.',
  SECRET_MISMATCH: 'The secret does not match the access key.',
  SIGNATURE_MISMATCH: 'The request signature does not match.',
  REQUEST_TIME_SKEWED: 'The request time is too far from the server time.',
  KEY_DISABLED: 'The access key is disabled.',
  KEY_DELETED: 'The access key is deleted.',
  KEY_EXPIRED: 'The access key has expired.',
  USER_DISABLED: 'The owner of the access key is disabled.',
  PROGRAMMATIC_ACCESS_REVOKED: 'The owner of the access key no longer has programmatic access.',
  TENANT_DISABLED: 'The tenant is disabled.',
  PERMISSION_DENIED: 'The access key does not hold the requested permission.',
  SIGNATURE_REPLAYED: 'This signed request was already used; sign each request anew.',
  RATE_LIMITED: 'Too many failed attempts; try again later.',
  IP_NOT_ALLOWED: "The client's address is not in the access key's IP allowlist.",
  USAGE_EXCEEDED: 'The access key has no credits left for this request.',
  SECRET_NOT_AVAILABLE: 'The access key was imported with only a digest of its token: it verifies as a bearer token, and signed requests cannot name it.',
};
