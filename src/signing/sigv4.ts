/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), verified in two phases:
 * `parseSigV4Request` checks the request and builds the string to sign (no secret needed);
 * `verifySigV4` compares the signature under a signing key from `deriveSigV4SigningKey`,
 * which callers cache per key and credential scope — one SHA-256 and one HMAC per request.
 *
 * Accepted: the Authorization header, or a presigned URL (X-Amz-Algorithm, -Credential,
 * -Date, -Expires 1..604800, -SignedHeaders, -Signature, each once), never both.
 * Refused (MALFORMED unless noted): a session token (Latchkey issues no temporary
 * credentials); SignedHeaders without host, with a name absent from the request, or leaving
 * any present x-amz-* header — or the header carrying the date — unsigned; a scope date that
 * is not the request date; STREAMING-* payloads; UNSIGNED-PAYLOAD unless the profile allows
 * it; a body that does not hash to x-amz-content-sha256 (SIGNATURE_MISMATCH); a request time
 * more than maxSkewSeconds away, a presigned URL dated ahead of that or past its expiry
 * (REQUEST_TIME_SKEWED). The rules are spelled out in README.md beside this file.
 */
import { createHmac } from 'node:crypto';
import { isCredentialId, isScopePart, isSignatureHex, parseAuthorizationParams, parseSignedHeaders } from './credential.js';
import { assertNow, formatAmzDate, isShortDate, parseAmzDate, parseHttpDate } from './request-time.js';
import { compareSignature } from './signature.js';
import { EMPTY_SHA256, knownPayloadHash, prepareRequest, singleHeader, type PreparedRequest, type SignableRequest } from './signable-request.js';
import { SIGV4_ALGORITHM, sigV4CanonicalRequest, sigV4StringToSign } from './sigv4-canonical.js';
import { signingFailure, type SigningFailure } from './signing-failure.js';
import { decodeComponent, parseQuery, queryName } from './uri-encoding.js';

export interface SigV4Scope {
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
}

/** How a service canonicalises and how much clock skew it tolerates. */
export interface SigV4Profile {
  /** false = S3 style: no dot-segment removal, path encoded once. */
  normalizePath: boolean;
  allowUnsignedPayload: boolean;
  maxSkewSeconds: number;
}

export const DEFAULT_SIGV4_PROFILE: Readonly<SigV4Profile> = Object.freeze({
  normalizePath: true,
  allowUnsignedPayload: false,
  maxSkewSeconds: 300,
});

export const S3_SIGV4_PROFILE: Readonly<SigV4Profile> = Object.freeze({
  normalizePath: false,
  allowUnsignedPayload: true,
  maxSkewSeconds: 900,
});

/** S3's rules for the `s3` service, the default rules for every other one. */
export function sigV4ProfileForService(scope: SigV4Scope): Readonly<SigV4Profile> {
  return scope.service === 's3' ? S3_SIGV4_PROFILE : DEFAULT_SIGV4_PROFILE;
}

export interface SigV4Options {
  now: Date;
  /** Fixed, or chosen from the credential scope (e.g. `sigV4ProfileForService`). Default: DEFAULT_SIGV4_PROFILE. */
  profile?: Partial<SigV4Profile> | ((scope: SigV4Scope) => Partial<SigV4Profile>);
}

export interface ParsedSigV4Request {
  ok: true;
  scheme: 'AWS4-HMAC-SHA256';
  form: 'header' | 'presigned';
  accessKeyId: string;
  scope: SigV4Scope;
  /** date/region/service/aws4_request */
  credentialScope: string;
  requestTime: Date;
  /** Presigned URLs only. */
  expiresAt: Date | null;
  signedHeaders: string[];
  payloadHash: string;
  /** True when the payload hash was checked against the body (or body hash) the caller gave. */
  payloadChecked: boolean;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const SIGV4_TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const PAYLOAD_HASH_RE = /^[0-9a-f]{64}$/;
const EXPIRES_RE = /^\d{1,6}$/;
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

export function parseSigV4Request(request: SignableRequest, options: SigV4Options): ParsedSigV4Request | SigningFailure {
  const prepared = prepareRequest(request);
  if ('ok' in prepared) return prepared;
  return parsePreparedSigV4(prepared, options);
}

interface Claimed {
  form: 'header' | 'presigned';
  credential: string;
  signedHeaders: string;
  signature: string;
  /** Presigned only. */
  date?: string;
  expires?: string;
}

export function parsePreparedSigV4(request: PreparedRequest, options: SigV4Options): ParsedSigV4Request | SigningFailure {
  assertNow(options.now);
  const query = parseQuery(request.query);
  const amzParams = new Map<string, string[]>();
  for (const param of query) {
    const name = queryName(param.key);
    if (name === null || !name.startsWith('x-amz-')) continue;
    const values = amzParams.get(name);
    if (values) values.push(param.value);
    else amzParams.set(name, [param.value]);
  }
  const claimed = readClaim(request, amzParams);
  if (!('credential' in claimed)) return claimed;

  const [accessKeyId, date, region, service, terminator, ...extra] = claimed.credential.split('/');
  if (
    accessKeyId === undefined ||
    !isCredentialId(accessKeyId) ||
    date === undefined ||
    !isShortDate(date) ||
    region === undefined ||
    !isScopePart(region) ||
    service === undefined ||
    !isScopePart(service) ||
    terminator !== SIGV4_TERMINATOR ||
    extra.length > 0
  ) {
    return signingFailure('BAD_CREDENTIAL');
  }
  const fail = (detail: Parameters<typeof signingFailure>[0]) => signingFailure(detail, accessKeyId);
  const signedHeaders = parseSignedHeaders(claimed.signedHeaders);
  if (signedHeaders === null) return fail('BAD_SIGNED_HEADERS');
  if (!isSignatureHex(claimed.signature)) return fail('BAD_SIGNATURE_FORMAT');
  let expiresSeconds = 0;
  if (claimed.form === 'presigned') {
    const expires = claimed.expires ?? '';
    expiresSeconds = EXPIRES_RE.test(expires) ? Number(expires) : 0;
    if (expiresSeconds < 1 || expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) return fail('BAD_EXPIRES');
  }
  if (request.headers.has('x-amz-security-token') || amzParams.has('x-amz-security-token')) {
    return fail('SESSION_TOKEN_NOT_ACCEPTED');
  }

  // The request time: X-Amz-Date (query when presigned, else header), else the Date header.
  let dateHeader: string | null = null;
  let requestTime: Date | null;
  // The ISO 8601 basic form of the request time: X-Amz-Date's own text once it parsed (the format
  // admits one spelling per instant), else the Date header's time written in that form.
  let amzText: string | null = null;
  if (claimed.form === 'presigned') {
    amzText = claimed.date ?? '';
    requestTime = parseAmzDate(amzText);
  } else {
    const amzDate = singleHeader(request.headers, 'x-amz-date');
    const httpDate = singleHeader(request.headers, 'date');
    if (amzDate === undefined || (amzDate === null && httpDate === undefined)) return fail('DUPLICATE_HEADER');
    if (amzDate === null && httpDate === null) return fail('MISSING_DATE');
    dateHeader = amzDate !== null ? 'x-amz-date' : 'date';
    if (amzDate !== null) amzText = amzDate.trim();
    requestTime = amzText !== null ? parseAmzDate(amzText) : parseHttpDate(httpDate!.trim());
  }
  if (requestTime === null) return fail('BAD_DATE');
  const amzDate = amzText ?? formatAmzDate(requestTime);
  if (amzDate.slice(0, 8) !== date) return fail('SCOPE_DATE_MISMATCH');

  const scope: SigV4Scope = { date, region, service };
  const profile = resolveProfile(options.profile, scope);

  const signed = new Set(signedHeaders);
  if (!signed.has('host')) return fail('HOST_NOT_SIGNED');
  if (dateHeader !== null && !signed.has(dateHeader)) return fail('DATE_NOT_SIGNED');
  for (const name of signedHeaders) if (!request.headers.has(name)) return fail('SIGNED_HEADER_MISSING');
  for (const name of request.headers.keys()) {
    if (name.startsWith('x-amz-') && !signed.has(name)) return fail('AMZ_HEADER_NOT_SIGNED');
  }

  // The payload hash the client signed: X-Amz-Content-Sha256 (query when presigned, else
  // header), else the body's own hash.
  let claimedHash: string | null;
  if (claimed.form === 'presigned' && amzParams.has('x-amz-content-sha256')) {
    const values = amzParams.get('x-amz-content-sha256')!;
    const value = values.length === 1 ? decodeComponent(values[0]!) : null;
    if (value === null) return fail('BAD_PRESIGNED_QUERY');
    claimedHash = value;
  } else {
    const value = singleHeader(request.headers, 'x-amz-content-sha256');
    if (value === undefined) return fail('DUPLICATE_HEADER');
    claimedHash = value === null ? null : value.trim();
  }
  if (claimedHash !== null && claimedHash !== UNSIGNED_PAYLOAD) {
    if (claimedHash.startsWith('STREAMING-')) return fail('STREAMING_PAYLOAD_UNSUPPORTED');
    if (!PAYLOAD_HASH_RE.test(claimedHash)) return fail('BAD_PAYLOAD_HASH');
  }
  if (claimedHash === UNSIGNED_PAYLOAD && !profile.allowUnsignedPayload) return fail('UNSIGNED_PAYLOAD_NOT_ALLOWED');

  const now = options.now.getTime();
  const at = requestTime.getTime();
  const skew = profile.maxSkewSeconds * 1000;
  let expiresAt: Date | null = null;
  if (claimed.form === 'header') {
    if (Math.abs(now - at) > skew) return fail('CLOCK_SKEW');
  } else {
    expiresAt = new Date(at + expiresSeconds * 1000);
    if (at - now > skew) return fail('PRESIGNED_NOT_YET_VALID');
    if (now > expiresAt.getTime()) return fail('PRESIGNED_EXPIRED');
  }

  // Hashing the body is the costly step, so it comes after every cheap refusal.
  const known = claimedHash === UNSIGNED_PAYLOAD ? undefined : knownPayloadHash(request);
  if (claimedHash !== null && known !== undefined && known !== claimedHash) return fail('PAYLOAD_HASH_MISMATCH');
  const payloadHash = claimedHash ?? known ?? EMPTY_SHA256;

  const canonicalRequest = sigV4CanonicalRequest({
    method: request.method,
    path: request.path,
    query,
    excludeSignature: claimed.form === 'presigned',
    headers: request.headers,
    signedHeaders,
    payloadHash,
    normalizePath: profile.normalizePath,
  });
  if (canonicalRequest === null) return fail('BAD_PERCENT_ENCODING');
  const credentialScope = `${date}/${region}/${service}/${SIGV4_TERMINATOR}`;
  return {
    ok: true,
    scheme: SIGV4_ALGORITHM,
    form: claimed.form,
    accessKeyId,
    scope,
    credentialScope,
    requestTime,
    expiresAt,
    signedHeaders,
    payloadHash,
    payloadChecked: known !== undefined,
    canonicalRequest,
    stringToSign: sigV4StringToSign(amzDate, credentialScope, canonicalRequest),
    signature: claimed.signature,
  };
}

function readClaim(request: PreparedRequest, amzParams: Map<string, string[]>): Claimed | SigningFailure {
  const authorization = request.headers.get('authorization');
  const presigned = amzParams.has('x-amz-algorithm') || amzParams.has('x-amz-credential') || amzParams.has('x-amz-signature');
  if (authorization && presigned) return signingFailure('AMBIGUOUS_AUTHORIZATION');
  if (authorization) {
    if (authorization.length !== 1) return signingFailure('MULTIPLE_AUTHORIZATION');
    const value = authorization[0]!.trim();
    const space = value.indexOf(' ');
    if ((space < 0 ? value : value.slice(0, space)) !== SIGV4_ALGORITHM) return signingFailure('UNSUPPORTED_ALGORITHM');
    const params = parseAuthorizationParams(value.slice(space + 1));
    return params === null ? signingFailure('BAD_AUTHORIZATION') : { form: 'header', ...params };
  }
  if (!presigned) return signingFailure('NO_SIGNATURE');
  const one = (name: string): string | null => {
    const values = amzParams.get(name);
    return values?.length === 1 ? decodeComponent(values[0]!) : null;
  };
  const algorithm = one('x-amz-algorithm');
  if (algorithm !== null && algorithm !== SIGV4_ALGORITHM) return signingFailure('UNSUPPORTED_ALGORITHM');
  const credential = one('x-amz-credential');
  const signedHeaders = one('x-amz-signedheaders');
  const signature = one('x-amz-signature');
  const date = one('x-amz-date');
  const expires = one('x-amz-expires');
  if (algorithm === null || credential === null || signedHeaders === null || signature === null || date === null || expires === null) {
    return signingFailure('BAD_PRESIGNED_QUERY');
  }
  return { form: 'presigned', credential, signedHeaders, signature, date, expires };
}

function resolveProfile(profile: SigV4Options['profile'], scope: SigV4Scope): SigV4Profile {
  const chosen = typeof profile === 'function' ? profile(scope) : profile;
  const resolved = { ...DEFAULT_SIGV4_PROFILE, ...chosen };
  if (!Number.isFinite(resolved.maxSkewSeconds) || resolved.maxSkewSeconds < 0) {
    throw new TypeError('maxSkewSeconds must be a non-negative number');
  }
  return resolved;
}

/** kSecret → kDate → kRegion → kService → kSigning. */
export function deriveSigV4SigningKey(secret: string, scope: SigV4Scope): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(scope.date).digest();
  const kRegion = createHmac('sha256', kDate).update(scope.region).digest();
  const kService = createHmac('sha256', kRegion).update(scope.service).digest();
  return createHmac('sha256', kService).update(SIGV4_TERMINATOR).digest();
}

export function verifySigV4(parsed: ParsedSigV4Request, signingKey: Uint8Array): { ok: true } | SigningFailure {
  return compareSignature(parsed, signingKey);
}
