import { LRUCache } from 'lru-cache';
import { accessKeyIdOfToken, parseToken, TOKEN_LENGTH, TOKEN_PREFIX } from '../core/key-format.js';
import type { KeyType } from '../core/model.js';
import { decidePermission, decideUsable, publicCode, type VerifyCode } from '../core/verification.js';
import { constantTimeEqualText, sha256Latin1 } from '../crypto/digest.js';
import { EnvelopeError, type SealingKeys } from '../crypto/envelope.js';
import { timeOrderedIdSource } from '../crypto/random.js';
import type { SignableRequest } from '../signing/signable-request.js';
import { parseSignedRequest, type ParsedSignedRequest } from '../signing/signed-request.js';
import type { SigningFailure } from '../signing/signing-failure.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AccessRecorder } from './access-recorder.js';
import { bearerToken, carriesSignature, claimedScheme, headerValue, type Credential, type CredentialScheme, type RequestCredential } from './credential.js';
import type { CachedKey, KeyCache } from './key-cache.js';
import type { GuessGuard } from './guess-guard.js';
import { ReplayGuard } from './replay-guard.js';
import { signatureMatches } from './signing-keys.js';
import { signingRules, type SigningRules, type SigningSettings } from './signing-rules.js';
import type { UsageGate, UsageVerdict } from './usage-controls/usage-gate.js';

export interface VerifyContext {
  /**
   * Whose API the credential is presented to. 'tenant-api' (the default: /v1/verify,
   * /v1/authorize): bearer, SigV4 with S3's rules for service s3, TC3. 'management-api'
   * (Latchkey's own API): bearer, or SigV4 under strict rules (normalised paths, a signed
   * payload hash, whatever the service); TC3 is refused there without looking at the key.
   */
  use?: 'tenant-api' | 'management-api';
  permission?: string | undefined;
  sourceIp: string | null;
  userAgent: string | null;
  /** Extra facts for the access record (e.g. the management route a key called). */
  detail?: Record<string, string>;
  /**
   * The asking verifier's tenant: a key of any other tenant answers exactly as an unknown key
   * (and leaves no record in that tenant). Unset: any tenant's key (open mode, the management API).
   */
  tenantId?: string;
  /** The asking verifier's access key ID (per-source limits key on it with sourceIp); null/unset without one. */
  verifierKeyId?: string | null;
  /**
   * False for a verifier's own check: a success then only marks the verifier key used, since
   * counting it would count every verification twice (and double the usage writes); its
   * failures are recorded as every key's are.
   */
  countSuccess?: boolean;
  /** Units of rate limit and credits this request spends (default 1; 0 checks without spending). */
  cost?: number;
}

export type VerifyOutcome =
  | {
      valid: true;
      scheme: CredentialScheme;
      accessKeyId: string;
      tenantId: string;
      userId: string;
      type: KeyType;
      permissions: string[];
      expiresAt: Date | null;
      key: CachedKey;
      /** Set when the key has usage controls that were checked (limits' states, credits left). */
      usage?: UsageVerdict;
    }
  | {
      valid: false;
      /** The scheme claimed ('none' when the request carried no credential this use takes): what metrics count it under. */
      scheme: CredentialScheme;
      /** What the caller is told. */
      code: VerifyCode;
      /** The exact reason, kept in the access record. */
      reason: VerifyCode;
      key: CachedKey | null;
      /** With code RATE_LIMITED: when this source and key are below their limits again, if nothing fails meanwhile. */
      retryAfterSeconds?: number;
      /**
       * Set when nothing was verified (code MALFORMED, no record): the request carried no
       * credential ('absent': no Authorization header, no presigned URL), an Authorization header
       * of no known scheme ('unknown'), or a scheme this use refuses ('refused': TC3 on the
       * management API). Callers with another way in (a session cookie) look at it.
       */
      unverified?: 'absent' | 'unknown' | 'refused';
      /** A usage refusal (IP_NOT_ALLOWED, RATE_LIMITED of a key's limits, USAGE_EXCEEDED): what the checks said. */
      usage?: UsageVerdict;
    };

export interface VerificationOptions {
  keys: KeyCache;
  recorder: AccessRecorder;
  clock: Clock;
  /** Opens the secrets signed requests are checked with. */
  masterKey: SealingKeys;
  /** Where replay protection records the signatures it accepted. */
  store: Store;
  /** Clock skew allowed to signed requests (LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS, LATCHKEY_STORAGE_MAX_SKEW_SECONDS). */
  signing: SigningSettings;
  /** Limits failed verifications per source and key ID (RATE_LIMITED); without it nothing is throttled. */
  guesses?: GuessGuard;
  /**
   * Told (once per cached copy of the row) that a key's sealed secret does not open under its key
   * ID and tenant: the row was altered or given another key's envelope. The caller audits and logs it.
   */
  onSealBroken?: (key: { tenantId: string; accessKeyId: string }) => void;
  /** Usage control (IP allowlist, rate limits, credits) of keys that have some; without it none are checked. */
  usage?: UsageGate;
}

/**
 * The one credential check, behind /v1/verify, /v1/authorize and the management API.
 *
 * The hot path. Order of checks: token shape and checksum (no database), key lookup (cache),
 * constant-time digest compare, key state, expiry, owner and tenant, permission.
 * Signed requests: request shape, time and scope (no database, no secret), key lookup, one
 * HMAC under the cached signing key, then the same checks; replay protection last (always on
 * for the management API, by the tenant's policy elsewhere).
 */
/** Lengths of a bearer token in another system's format that may be an imported key's (shorter or longer ones are MALFORMED without a lookup). */
const IMPORTED_TOKEN_MIN = 16;
const IMPORTED_TOKEN_MAX = 512;

/** A key whose sealed secret does not open is reported (audit event, error log) at most this often per process. */
const SEAL_REPORT_EVERY_MS = 3_600_000;

export class VerificationService {
  private readonly keys: KeyCache;
  private readonly recorder: AccessRecorder;
  private readonly clock: Clock;
  private readonly masterKey: SealingKeys;
  private readonly replay: ReplayGuard;
  /** The tenant's own APIs: S3's rules for service s3, the default ones for every other service. */
  private readonly tenantRules: SigningRules;
  /** Latchkey's management API: strict rules whatever service the client names. */
  private readonly managementRules: SigningRules;
  private readonly recordId = timeOrderedIdSource('accessRecord');
  private readonly guesses: GuessGuard | null;
  private readonly usage: UsageGate | null;
  private readonly onSealBroken: (key: { tenantId: string; accessKeyId: string }) => void;
  /** Cached keys whose broken seal was reported already: a row read again (fixed or not) is a new entry, reported anew. */
  /** Keys whose broken seal was reported, and when: once an hour per key (a reload of the row must not report it again). */
  private readonly brokenSeals = new LRUCache<string, number>({ max: 10_000 });
  private readonly store: Store;
  /** Keys imported by their token's digest: digest (hex) → key ID, once found (the mapping never changes; the key's state is the key cache's). */
  private readonly importedIds = new LRUCache<string, string>({ max: 10_000 });

  constructor(options: VerificationOptions) {
    this.keys = options.keys;
    this.recorder = options.recorder;
    this.clock = options.clock;
    this.masterKey = options.masterKey;
    this.replay = new ReplayGuard({ store: options.store });
    this.store = options.store;
    this.tenantRules = signingRules(options.signing, 'by-service');
    this.managementRules = signingRules(options.signing, 'strict');
    this.guesses = options.guesses ?? null;
    this.usage = options.usage ?? null;
    this.onSealBroken = options.onSealBroken ?? (() => {});
  }

  /**
   * Checks a credential: which scheme it is, then the key and what it may do. A key already in
   * the cache is answered synchronously (no promise, no microtask): that is every request of the
   * steady state. Only a cache miss, and replay protection (a signed management call, or the tenant turned it on), wait
   * for the database (and reject when it cannot be reached).
   */
  verify(credential: Credential, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    switch (credential.kind) {
      case 'token':
        return this.verifyBearer(credential.token, context);
      case 'signed':
        return this.verifySigned(credential.request, claimedScheme(headerValue(credential.request.headers, 'authorization')), context);
      case 'request':
        return this.verifyRequest(credential, context);
    }
  }

  /** A request as received: its Authorization header (or a presigned URL) says which scheme, if any. */
  private verifyRequest(credential: RequestCredential, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    const { authorization } = credential;
    const token = bearerToken(authorization);
    if (token !== null) return this.verifyBearer(token, context);
    if (!carriesSignature(authorization, credential.url)) return authorization === undefined ? NO_CREDENTIAL : UNKNOWN_AUTHORIZATION;
    const claimed = claimedScheme(authorization);
    if (claimed === 'tc3' && context.use === 'management-api') return TC3_REFUSED;
    const request: SignableRequest = { method: credential.method, url: credential.url, headers: credential.headers(), ...(credential.body !== undefined && { body: credential.body }) };
    return this.verifySigned(request, claimed, context);
  }

  private verifyBearer(token: string, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    if (context.countSuccess === false) {
      const remembered = this.rememberedCaller(token, context);
      if (remembered !== null) return remembered;
    }
    const parsed = parseToken(token);
    if (!parsed.ok) return token.startsWith(TOKEN_PREFIX) || token.length < IMPORTED_TOKEN_MIN || token.length > IMPORTED_TOKEN_MAX ? MALFORMED : this.verifyImported(token, context);
    const cached = this.keys.peek(parsed.accessKeyId);
    if (cached === undefined) return this.keys.get(parsed.accessKeyId).then((key) => this.checkBearer(key, token, parsed.accessKeyId, parsed.secret, context));
    return this.checkBearer(cached, token, parsed.accessKeyId, parsed.secret, context);
  }

  /**
   * A caller's own credential (a verifier key: `countSuccess: false`) comes with every call its
   * API or gateway makes. Once its token matched the cached key's current secret the entry keeps
   * it (CachedKey.callerToken), and the same token is then compared with it in constant time: no
   * parse, no digest (~2 µs a call). Every other check (state, expiry, owner, tenant, permission)
   * runs as always. Null: not that token, go the whole way.
   */
  private rememberedCaller(token: string, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> | null {
    if (token.length !== TOKEN_LENGTH) return null;
    const cached = this.keys.peek(accessKeyIdOfToken(token));
    const remembered = cached?.callerToken ?? null;
    if (remembered === null || !constantTimeEqualText(token, remembered)) return null;
    const key = inScope(cached!, context);
    return key === null ? null : this.decide(key, null, 'bearer', 'bearer', context, this.clock.now());
  }

  /**
   * A token in another system's format: a key imported with only the SHA-256 of its whole token
   * (Unkey and the like) is found by that digest (an indexed lookup, its key ID then cached as
   * every key's is) and compared in constant time. A digest no key answers to is MALFORMED, as
   * before, and counts as a failed guess against its source (RATE_LIMITED past the limit).
   */
  private async verifyImported(token: string, context: VerifyContext): Promise<VerifyOutcome> {
    const digest = sha256Latin1(token);
    const hex = Buffer.from(digest, 'latin1').toString('hex');
    let accessKeyId = this.importedIds.get(hex);
    if (accessKeyId === undefined) {
      accessKeyId = (await this.store.accessKeys.idByTokenDigest(hex)) ?? undefined;
      if (accessKeyId !== undefined) this.importedIds.set(hex, accessKeyId);
    }
    const now = this.clock.now();
    const found = accessKeyId === undefined ? null : (this.keys.peek(accessKeyId) ?? (await this.keys.get(accessKeyId)));
    const key = inScope(found, context);
    if (!key || key.secrets.hasSecret) return this.throttled(null, `sha256:${hex.slice(0, 16)}`, 'KEY_NOT_FOUND', 'bearer', context, now) ?? MALFORMED;
    return this.decide(key, this.secretMatches(key, digest, now) ? null : 'SECRET_MISMATCH', 'bearer', 'bearer', context, now);
  }

  /**
   * A signed request (AWS SigV4 header or presigned URL, Tencent TC3). Without a body (or its
   * hash) the payload is trusted as signed (see src/signing/README.md). `claimed` is the scheme
   * its Authorization header claims, what the answer is counted under.
   */
  private verifySigned(request: SignableRequest, claimed: 'sigv4' | 'tc3', context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    const rules = context.use === 'management-api' ? this.managementRules : this.tenantRules;
    const now = this.clock.now();
    const parsed = parseSignedRequest(request, { now, sigv4: rules.sigv4, tc3: rules.tc3 });
    if (!parsed.ok) return this.refuseSigned(parsed, claimed, context, now);
    const cached = this.keys.peek(parsed.accessKeyId);
    if (cached === undefined) return this.keys.get(parsed.accessKeyId).then((key) => this.checkSigned(key, parsed, claimed, context, rules, now));
    return this.checkSigned(cached, parsed, claimed, context, rules, now);
  }

  private checkSigned(
    found: CachedKey | null,
    parsed: ParsedSignedRequest,
    claimed: 'sigv4' | 'tc3',
    context: VerifyContext,
    rules: SigningRules,
    now: Date,
  ): VerifyOutcome | Promise<VerifyOutcome> {
    const key = inScope(found, context);
    if (!key) return this.throttled(null, parsed.accessKeyId, 'KEY_NOT_FOUND', claimed, context, now) ?? SIGNED_KEY_NOT_FOUND[claimed];
    const scheme = schemeName(parsed.scheme);
    // Imported with only its token's digest: there is no secret to check a signature with.
    if (!key.secrets.hasSecret) return this.decide(key, 'SECRET_NOT_AVAILABLE', scheme, claimed, context, now);
    let matched: boolean;
    try {
      matched = signatureMatches(key, parsed, this.masterKey, now);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      // Fail closed with the answer of a wrong signature (the caller learns nothing of the tamper); the record, audit and log say what happened.
      this.sealBroken(key);
      return this.decide(key, 'SIGNATURE_MISMATCH', scheme, claimed, { ...context, detail: scopeDetail(parsed, context.detail, 'SEALED_SECRET_INVALID') }, now);
    }
    const recorded = { ...context, detail: scopeDetail(parsed, context.detail, matched ? null : 'SIGNATURE_MISMATCH') };
    // Latchkey's own management API takes a signature once whatever the policy: a captured signed call must not mint keys again.
    const singleUse = key.policy.replayProtection || context.use === 'management-api';
    if (matched && singleUse && decideUsable(key.usable, now) === null) {
      const expiresAt = parsed.expiresAt ?? new Date(parsed.requestTime.getTime() + rules.windowSeconds * 1000);
      const entry = { tenantId: key.key.tenantId, accessKeyId: key.key.accessKeyId, signature: parsed.signature, expiresAt };
      return this.replay.claim(entry, now).then((fresh) => this.decide(key, fresh ? null : 'SIGNATURE_REPLAYED', scheme, claimed, recorded, now));
    }
    return this.decide(key, matched ? null : 'SIGNATURE_MISMATCH', scheme, claimed, recorded, now);
  }

  /**
   * A request refused before any secret was involved (shape, time, payload hash). The answer is
   * the same whether the named key exists, so it tells nothing about key IDs; when it does exist
   * the attempt goes into its access records. A database that cannot be reached only costs
   * the record: the answer is a refusal either way.
   */
  private refuseSigned(failure: SigningFailure, claimed: 'sigv4' | 'tc3', context: VerifyContext, now: Date): VerifyOutcome | Promise<VerifyOutcome> {
    const refused = SIGNING_REFUSALS[claimed][failure.code];
    const accessKeyId = failure.accessKeyId;
    if (accessKeyId === undefined || failure.scheme === undefined) return refused;
    const scheme = schemeName(failure.scheme);
    const record = (found: CachedKey | null): VerifyOutcome | Promise<VerifyOutcome> => {
      const key = inScope(found, context);
      // Counted alike whether the key exists (or is another tenant's), so the throttle cannot tell which key IDs do.
      if (!key) return this.throttled(null, accessKeyId, failure.code, claimed, context, now) ?? refused;
      return this.decide(key, failure.code, scheme, claimed, { ...context, detail: { ...context.detail, check: failure.detail } }, now);
    };
    const cached = this.keys.peek(accessKeyId);
    if (cached === undefined) return this.keys.get(accessKeyId).then(record, () => refused);
    return record(cached);
  }

  private checkBearer(found: CachedKey | null, token: string, accessKeyId: string, secret: string, context: VerifyContext): VerifyOutcome | Promise<VerifyOutcome> {
    const key = inScope(found, context);
    const now = this.clock.now();
    if (!key) return this.throttled(null, accessKeyId, 'KEY_NOT_FOUND', 'bearer', context, now) ?? KEY_NOT_FOUND;
    const digest = sha256Latin1(secret);
    const matches = this.secretMatches(key, digest, now);
    // Only the current secret's token is kept (a previous one stops at the end of its overlap).
    if (matches && context.countSuccess === false && key.callerToken === null && key.digests.matchesCurrent(digest)) key.rememberCallerToken(token);
    return this.decide(key, matches ? null : 'SECRET_MISMATCH', 'bearer', 'bearer', context, now);
  }

  /**
   * Shared by every scheme once the credential itself was checked: `credentialFailure` is the
   * scheme's own verdict (null when the secret or signature matched). `scheme` is what the
   * access record says; `claimed` what the answer is counted under.
   */
  private decide(
    key: CachedKey,
    credentialFailure: VerifyCode | null,
    scheme: 'bearer' | 'sigv4' | 'tc3',
    claimed: CredentialScheme,
    context: VerifyContext,
    now: Date,
  ): VerifyOutcome | Promise<VerifyOutcome> {
    const reason = credentialFailure ?? decideUsable(key.usable, now) ?? decidePermission(key.permissions, context.permission);
    if (reason === null && context.countSuccess === false) {
      this.recorder.markUsed(key.key.accessKeyId, now.getTime(), context.sourceIp, key);
      return this.success(key, claimed);
    }
    // Usage control comes last, once the key may be used for this: a key without controls reads one field more.
    if (reason === null && this.usage !== null && context.use !== 'management-api') {
      const controls = key.controls;
      if (controls !== null) {
        const verdict = this.usage.check(key, controls, context.sourceIp, context.cost ?? 1, now);
        return verdict instanceof Promise ? verdict.then((v) => this.afterUsage(key, v, scheme, claimed, context, now)) : this.afterUsage(key, verdict, scheme, claimed, context, now);
      }
    }
    return this.finish(key, reason, scheme, claimed, context, now);
  }

  /** Records a verification that passed every other check and what usage control said of it, and answers it. */
  private afterUsage(key: CachedKey, usage: UsageVerdict, scheme: 'bearer' | 'sigv4' | 'tc3', claimed: CredentialScheme, context: VerifyContext, now: Date): VerifyOutcome {
    const code = usage.code;
    this.recorder.record(
      {
        id: this.recordId(now.getTime()),
        tenantId: key.key.tenantId,
        accessKeyId: key.key.accessKeyId,
        at: now,
        outcome: code === null ? 'success' : 'failure',
        code,
        sourceIp: context.sourceIp,
        userAgent: context.userAgent === null ? null : context.userAgent.slice(0, 512),
        scheme,
        permission: context.permission ?? null,
        // A key's own rate limit names its limits; guess throttling (also RATE_LIMITED) names the failure it throttled (`failed`).
        detail: code === 'RATE_LIMITED' ? { ...context.detail, ratelimit: (usage.refusedBy ?? []).join(',') } : (context.detail ?? null),
      },
      true,
      true,
      key,
    );
    if (code === null) return this.success(key, claimed, usage);
    return {
      valid: false,
      scheme: claimed,
      code,
      reason: code,
      key,
      usage,
      ...(usage.retryAfterMs !== undefined && { retryAfterSeconds: Math.max(1, Math.ceil(usage.retryAfterMs / 1000)) }),
    };
  }

  /** Records the verification (throttled guessing counted) and answers it. */
  private finish(key: CachedKey, reason: VerifyCode | null, scheme: 'bearer' | 'sigv4' | 'tc3', claimed: CredentialScheme, context: VerifyContext, now: Date): VerifyOutcome {
    const authenticated = reason === null || reason === 'PERMISSION_DENIED';
    const limited = reason === null ? null : this.throttled(key, key.key.accessKeyId, reason, claimed, context, now);
    // A throttled attempt is counted under RATE_LIMITED with its exact reason, not stored one by one.
    this.recorder.record(
      {
        id: this.recordId(now.getTime()),
        tenantId: key.key.tenantId,
        accessKeyId: key.key.accessKeyId,
        at: now,
        outcome: reason === null ? 'success' : 'failure',
        code: limited === null ? reason : 'RATE_LIMITED',
        sourceIp: context.sourceIp,
        userAgent: context.userAgent === null ? null : context.userAgent.slice(0, 512),
        scheme,
        permission: context.permission ?? null,
        detail: limited === null || reason === null ? (context.detail ?? null) : { ...context.detail, failed: reason },
      },
      authenticated,
      limited === null,
      key,
    );
    if (limited !== null) return limited;
    if (reason !== null) return { valid: false, scheme: claimed, code: publicCode(reason), reason, key };
    return this.success(key, claimed);
  }

  /** `usage`: what usage control checked, for a key that has some (one object shape either way: no spread). */
  private success(key: CachedKey, claimed: CredentialScheme, usage?: UsageVerdict): VerifyOutcome {
    return {
      valid: true,
      scheme: claimed,
      accessKeyId: key.key.accessKeyId,
      tenantId: key.key.tenantId,
      userId: key.key.ownerId,
      type: key.key.type,
      permissions: key.permissions,
      expiresAt: key.key.expiresAt,
      key,
      usage,
    };
  }

  /**
   * Throttled guessing (see GuessGuard): a failure while its source or key ID is over its limit
   * answers RATE_LIMITED (whether the key exists or not, so the answer still tells no key IDs);
   * null: answer it as it is. Only ever asked about failures, so a right secret always passes.
   */
  private throttled(key: CachedKey | null, accessKeyId: string, reason: VerifyCode, claimed: CredentialScheme, context: VerifyContext, now: Date): VerifyOutcome | null {
    const retryMs = this.guesses?.failed(reason, accessKeyId, context, now, key?.key ?? null) ?? null;
    if (retryMs === null) return null;
    return { valid: false, scheme: claimed, code: 'RATE_LIMITED', reason, key, retryAfterSeconds: Math.ceil(retryMs / 1000) };
  }

  private sealBroken(key: CachedKey): void {
    const now = this.clock.now().getTime();
    const reported = this.brokenSeals.get(key.key.accessKeyId);
    if (reported !== undefined && now - reported < SEAL_REPORT_EVERY_MS) return;
    this.brokenSeals.set(key.key.accessKeyId, now);
    this.onSealBroken({ tenantId: key.key.tenantId, accessKeyId: key.key.accessKeyId });
  }

  /** `digest`: the SHA-256 of the presented secret as sha256Latin1 gives it. */
  private secretMatches(key: CachedKey, digest: string, now: Date): boolean {
    // Both comparisons always run, so timing does not tell which secret matched.
    const current = key.digests.matchesCurrent(digest);
    const previous = key.digests.matchesPrevious(digest);
    const previousLive = key.digests.hasPrevious && key.secrets.previousSecretExpiresAt !== null && key.secrets.previousSecretExpiresAt.getTime() > now.getTime();
    return current || (previousLive && previous);
  }
}

/** A key the asking verifier may see: another tenant's key is treated as no key at all. */
function inScope(key: CachedKey | null, context: VerifyContext): CachedKey | null {
  return key !== null && context.tenantId !== undefined && key.key.tenantId !== context.tenantId ? null : key;
}

/** The answers that name no key, made once. */
const refusal = (scheme: CredentialScheme, code: VerifyCode, reason: VerifyCode = code, unverified?: 'absent' | 'unknown' | 'refused'): VerifyOutcome =>
  Object.freeze({ valid: false, scheme, code, reason, key: null, ...(unverified !== undefined && { unverified }) });

const MALFORMED = refusal('bearer', 'MALFORMED');
const KEY_NOT_FOUND = refusal('bearer', 'KEY_NOT_FOUND');
/** No bearer token and no signature: the same refusal as a token that does not parse. */
const NO_CREDENTIAL = refusal('none', 'MALFORMED', 'MALFORMED', 'absent');
const UNKNOWN_AUTHORIZATION = refusal('none', 'MALFORMED', 'MALFORMED', 'unknown');
const TC3_REFUSED = refusal('tc3', 'MALFORMED', 'MALFORMED', 'refused');
/**
 * A signed request naming an unknown key answers as one whose signature does not match: the
 * answer must not tell which key IDs exist (as KEY_NOT_FOUND covers SECRET_MISMATCH for bearer
 * tokens), and SIGNATURE_MISMATCH is the answer that helps a client whose request was altered
 * on the way or signed with the wrong secret. The access record keeps the exact reason.
 */
const SIGNED_KEY_NOT_FOUND: Record<'sigv4' | 'tc3', VerifyOutcome> = {
  sigv4: refusal('sigv4', 'SIGNATURE_MISMATCH', 'KEY_NOT_FOUND'),
  tc3: refusal('tc3', 'SIGNATURE_MISMATCH', 'KEY_NOT_FOUND'),
};
const signingRefusals = (scheme: 'sigv4' | 'tc3'): Record<SigningFailure['code'], VerifyOutcome> => ({
  MALFORMED: refusal(scheme, 'MALFORMED'),
  REQUEST_TIME_SKEWED: refusal(scheme, 'REQUEST_TIME_SKEWED'),
  SIGNATURE_MISMATCH: refusal(scheme, 'SIGNATURE_MISMATCH'),
});
const SIGNING_REFUSALS: Record<'sigv4' | 'tc3', Record<SigningFailure['code'], VerifyOutcome>> = { sigv4: signingRefusals('sigv4'), tc3: signingRefusals('tc3') };

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
