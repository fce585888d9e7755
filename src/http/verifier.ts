/**
 * Who may ask about keys: `/v1/verify` and `/v1/authorize` answer verifiers, callers holding an
 * access key of the tenant whose effective permissions include `latchkey:verify`. The check is
 * the one credential check (`verification.verify`), so a verifier key that is disabled, deleted,
 * expired or rotated stops working as every key does: at once, through the key cache.
 */
import { isIP } from 'node:net';
import { AppError } from '../core/errors.js';
import { VERIFY_MESSAGES } from '../core/verification.js';
import { VERIFY_PERMISSION } from '../services/keys-service.js';
import type { VerifyOutcome, VerificationService } from '../services/verification-service.js';

/** What a verifier may see: its tenant's keys. */
export interface VerifierScope {
  tenantId: string;
  verifierKeyId: string;
}

const VERIFIER_DETAIL = Object.freeze({ via: 'verifier' });
const BEARER_PREFIX = /^Bearer +/i;

function scopeOf(outcome: VerifyOutcome): VerifierScope {
  if (outcome.valid) return { tenantId: outcome.tenantId, verifierKeyId: outcome.accessKeyId };
  if (outcome.code === 'PERMISSION_DENIED') throw new AppError('VERIFIER_FORBIDDEN', undefined, { reason: outcome.code });
  throw new AppError('VERIFIER_INVALID', `The verifier credential was refused: ${VERIFY_MESSAGES[outcome.code]} (${outcome.code})`, { reason: outcome.code });
}

/**
 * The verifier behind `credential` (a bearer token, with or without its `Bearer ` prefix):
 * synchronous when its key is cached (every request of the steady state), a promise on a cache
 * miss. Throws (or rejects with) VERIFIER_REQUIRED, VERIFIER_INVALID or VERIFIER_FORBIDDEN.
 */
export function verifierOf(verification: VerificationService, credential: string | undefined, ip: string | null, userAgent: string | undefined): VerifierScope | Promise<VerifierScope> {
  if (credential === undefined || credential === '') throw new AppError('VERIFIER_REQUIRED');
  const token = credential.startsWith('lk_') ? credential : credential.replace(BEARER_PREFIX, '');
  const outcome = verification.verify(
    { kind: 'token', token },
    { permission: VERIFY_PERMISSION, sourceIp: ip, userAgent: cleanUserAgent(userAgent), detail: VERIFIER_DETAIL, countSuccess: false },
  );
  return outcome instanceof Promise ? outcome.then(scopeOf) : scopeOf(outcome);
}

/** The end client's address given by a verifier: an IP address, nothing else reaches the access record. */
export function checkSourceIp(value: string | undefined): string | undefined {
  if (value !== undefined && isIP(value) === 0) throw new AppError('VALIDATION_FAILED', 'context.sourceIp must be an IPv4 or IPv6 address.', { field: 'context.sourceIp' });
  return value;
}

const MAX_USER_AGENT = 512;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A user agent fit for a record: no control characters (no forged lines), at most 512 characters. */
export function cleanUserAgent(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  CONTROL.lastIndex = 0;
  const clean = CONTROL.test(value) ? value.replace(CONTROL, '') : value;
  return clean.length > MAX_USER_AGENT ? clean.slice(0, MAX_USER_AGENT) : clean;
}
