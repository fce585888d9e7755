import { parseToken } from '../core/key-format.js';
import type { KeyType } from '../core/model.js';
import { decidePermission, decideUsable, publicCode, type VerifyCode } from '../core/verification.js';
import { constantTimeEqualBytes, sha256Bytes } from '../crypto/digest.js';
import { timeOrderedIdSource } from '../crypto/random.js';
import type { SignableRequest } from '../signing/signable-request.js';
import { parseSignedRequest, type ParsedSignedRequest } from '../signing/signed-request.js';
import type { SigningFailure } from '../signing/signing-failure.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AccessRecorder } from './access-recorder.js';
import type { CachedKey, KeyCache } from './key-cache.js';
import { ReplayGuard } from './replay-guard.js';
import { signatureMatches } from './signing-keys.js';
import type { SigningRules } from './signing-rules.js';

export interface VerifyContext {
  permission?: string | undefined;
  sourceIp: string | null;
  userAgent: string | null;
  /** Extra facts for the access record (e.g. the management route a key called). */
  detail?: Record<string, string>;
}

export type VerifyOutcome =
  | {
      valid: true;
      accessKeyId: string;
      tenantId: string;
      userId: string;
      type: KeyType;
      permissions: string[];
      expiresAt: Date | null;
      key: CachedKey;
    }
  | {
      valid: false;
      /** What the caller is told. */
      code: VerifyCode;
      /** The exact reason, kept in the access record. */
      reason: VerifyCode;
      key: CachedKey | null;
    };

export interface VerificationOptions {
  keys: KeyCache;
  recorder: AccessRecorder;
  clock: Clock;
  /** Opens secrets for signed requests; without it (and the store) only bearer tokens verify. */
  masterKey?: Buffer;
  /** Where replay protection records the signatures it accepted. */
  store?: Store;
}

/**
 * The hot path. Order of checks: token shape and checksum (no database), key lookup (cache),
 * constant-time digest compare, key state, expiry, owner and tenant, permission.
 * Signed requests: request shape, time and scope (no database, no secret), key lookup, one
 * HMAC under the cached signing key, then the same checks; replay protection last.
 */
export class VerificationService {
  private readonly keys: KeyCache;
  private readonly recorder: AccessRecorder;
  private readonly clock: Clock;
  private readonly masterKey: Buffer | null;
  private readonly replay: ReplayGuard | null;
  private readonly recordId = timeOrderedIdSource('accessRecord');

  constructor(options: VerificationOptions) {
    this.keys = options.keys;
    this.recorder = options.recorder;
    this.clock = options.clock;
    this.masterKey = options.masterKey ?? null;
    this.replay = options.store ? new ReplayGuard({ store: options.store }) : null;
  }

  /**
   * A key already in the cache is answered synchronously (no promise, no microtask): that is
   * every request of the steady state. Only a cache miss waits for the database.
   */
  verifyBearer(token: string, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    const parsed = parseToken(token);
    if (!parsed.ok) return MALFORMED;
    const cached = this.keys.peek(parsed.accessKeyId);
    if (cached === undefined) return this.keys.get(parsed.accessKeyId).then((key) => this.checkBearer(key, parsed.secret, context));
    return this.checkBearer(cached, parsed.secret, context);
  }

  /**
   * A signed request (AWS SigV4 header or presigned URL, Tencent TC3), synchronous for a cached
   * key as bearer tokens are. Without a body (or its hash) the payload is trusted as signed (see
   * src/signing/README.md). Only replay protection, when the tenant turned it on, always waits
   * for the database.
   */
  verifySigned(request: SignableRequest, context: VerifyContext, rules: SigningRules): VerifyOutcome | Promise<VerifyOutcome> {
    if (this.masterKey === null || this.replay === null) throw new Error('VerificationService: signed requests need the masterKey and store options');
    const now = this.clock.now();
    const parsed = parseSignedRequest(request, { now, sigv4: rules.sigv4, tc3: rules.tc3 });
    if (!parsed.ok) return this.refuseSigned(parsed, context, now);
    const cached = this.keys.peek(parsed.accessKeyId);
    if (cached === undefined) return this.keys.get(parsed.accessKeyId).then((key) => this.checkSigned(key, parsed, context, rules, now));
    return this.checkSigned(cached, parsed, context, rules, now);
  }

  private checkSigned(key: CachedKey | null, parsed: ParsedSignedRequest, context: VerifyContext, rules: SigningRules, now: Date): VerifyOutcome | Promise<VerifyOutcome> {
    if (!key) return SIGNED_KEY_NOT_FOUND;
    const matched = signatureMatches(key, parsed, this.masterKey!, now);
    const scheme = schemeName(parsed.scheme);
    const recorded = { ...context, detail: scopeDetail(parsed, context.detail, matched ? null : 'SIGNATURE_MISMATCH') };
    if (matched && key.policy.replayProtection && decideUsable(key.usable, now) === null) {
      const expiresAt = parsed.expiresAt ?? new Date(parsed.requestTime.getTime() + rules.windowSeconds * 1000);
      const entry = { tenantId: key.key.tenantId, accessKeyId: key.key.accessKeyId, signature: parsed.signature, expiresAt };
      return this.replay!.claim(entry, now).then((fresh) => this.decide(key, fresh ? null : 'SIGNATURE_REPLAYED', scheme, recorded, now));
    }
    return this.decide(key, matched ? null : 'SIGNATURE_MISMATCH', scheme, recorded, now);
  }

  /**
   * A request refused before any secret was involved (shape, time, payload hash). The answer is
   * the same whether the named key exists, so it tells nothing about key IDs; when it does exist
   * the attempt goes into its access records. A database that cannot be reached only costs
   * the record: the answer is a refusal either way.
   */
  private refuseSigned(failure: SigningFailure, context: VerifyContext, now: Date): VerifyOutcome | Promise<VerifyOutcome> {
    const refused = SIGNING_REFUSALS[failure.code];
    if (failure.accessKeyId === undefined || failure.scheme === undefined) return refused;
    const scheme = schemeName(failure.scheme);
    const record = (key: CachedKey | null): VerifyOutcome => {
      if (!key) return refused;
      return this.decide(key, failure.code, scheme, { ...context, detail: { ...context.detail, check: failure.detail } }, now);
    };
    const cached = this.keys.peek(failure.accessKeyId);
    if (cached === undefined) return this.keys.get(failure.accessKeyId).then(record, () => refused);
    return record(cached);
  }

  private checkBearer(key: CachedKey | null, secret: string, context: VerifyContext): VerifyOutcome {
    if (!key) return KEY_NOT_FOUND;
    const now = this.clock.now();
    const matches = this.secretMatches(key, sha256Bytes(secret), now);
    return this.decide(key, matches ? null : 'SECRET_MISMATCH', 'bearer', context, now);
  }

  /**
   * Shared by every scheme once the credential itself was checked: `credentialFailure` is the
   * scheme's own verdict (null when the secret or signature matched).
   */
  decide(key: CachedKey, credentialFailure: VerifyCode | null, scheme: string, context: VerifyContext, now: Date): VerifyOutcome {
    const reason = credentialFailure ?? decideUsable(key.usable, now) ?? decidePermission(key.permissions, context.permission);
    const authenticated = reason === null || reason === 'PERMISSION_DENIED';
    this.recorder.record(
      {
        id: this.recordId(now.getTime()),
        tenantId: key.key.tenantId,
        accessKeyId: key.key.accessKeyId,
        at: now,
        outcome: reason === null ? 'success' : 'failure',
        code: reason,
        sourceIp: context.sourceIp,
        userAgent: context.userAgent === null ? null : context.userAgent.slice(0, 512),
        scheme,
        permission: context.permission ?? null,
        detail: context.detail ?? null,
      },
      authenticated,
    );
    if (reason !== null) return { valid: false, code: publicCode(reason), reason, key };
    return {
      valid: true,
      accessKeyId: key.key.accessKeyId,
      tenantId: key.key.tenantId,
      userId: key.key.ownerId,
      type: key.key.type,
      permissions: key.permissions,
      expiresAt: key.key.expiresAt,
      key,
    };
  }

  private secretMatches(key: CachedKey, digest: Buffer, now: Date): boolean {
    // Both comparisons always run, so timing does not tell which secret matched.
    const current = constantTimeEqualBytes(key.digests.current, digest);
    const previousLive =
      key.digests.previous !== null && key.secrets.previousSecretExpiresAt !== null && key.secrets.previousSecretExpiresAt.getTime() > now.getTime();
    const previous = constantTimeEqualBytes(key.digests.previous ?? key.digests.current, digest);
    return current || (previousLive && previous);
  }
}

const MALFORMED: VerifyOutcome = Object.freeze({ valid: false, code: 'MALFORMED', reason: 'MALFORMED', key: null });
const KEY_NOT_FOUND: VerifyOutcome = Object.freeze({ valid: false, code: 'KEY_NOT_FOUND', reason: 'KEY_NOT_FOUND', key: null });
/**
 * A signed request naming an unknown key answers as one whose signature does not match: the
 * answer must not tell which key IDs exist (as KEY_NOT_FOUND covers SECRET_MISMATCH for bearer
 * tokens), and SIGNATURE_MISMATCH is the answer that helps a client whose request was altered
 * on the way or signed with the wrong secret. The access record keeps the exact reason.
 */
const SIGNED_KEY_NOT_FOUND: VerifyOutcome = Object.freeze({ valid: false, code: 'SIGNATURE_MISMATCH', reason: 'KEY_NOT_FOUND', key: null });
const SIGNING_REFUSALS: Record<SigningFailure['code'], VerifyOutcome> = {
  MALFORMED,
  REQUEST_TIME_SKEWED: Object.freeze({ valid: false, code: 'REQUEST_TIME_SKEWED', reason: 'REQUEST_TIME_SKEWED', key: null }),
  SIGNATURE_MISMATCH: Object.freeze({ valid: false, code: 'SIGNATURE_MISMATCH', reason: 'SIGNATURE_MISMATCH', key: null }),
};

/** The scheme as access records and metrics name it. */
export function schemeName(algorithm: ParsedSignedRequest['scheme']): 'sigv4' | 'tc3' {
  return algorithm === 'TC3-HMAC-SHA256' ? 'tc3' : 'sigv4';
}

/** Region and service of the credential scope (TC3 scopes have no region), and a presigned URL says so. */
function scopeDetail(parsed: ParsedSignedRequest, extra: Record<string, string> | undefined, check: string | null): Record<string, string> {
  const detail: Record<string, string> = { ...extra, service: parsed.scope.service };
  if ('region' in parsed.scope) detail.region = parsed.scope.region;
  if (parsed.form === 'presigned') detail.form = 'presigned';
  if (check !== null) detail.check = check;
  return detail;
}
