/**
 * Tencent Cloud TC3-HMAC-SHA256, in the same two phases as SigV4: `parseTc3Request` builds
 * the string to sign, `verifyTc3` compares under `deriveTc3SigningKey` (cacheable per key,
 * date and service).
 *
 * Canonical form, as tencentcloud-sdk-nodejs's Sign.sign3 builds it: the method; the path
 * and the query exactly as sent (no re-encoding, no sorting); each signed header as
 * `name:value` with the value trimmed and lower-cased (Tencent's documented rule; the SDK's
 * own values are already lower case) and the host without its port (the SDK signs the URL's
 * hostname while it sends host:port); the signed-header list; the body's SHA-256.
 * The string to sign carries X-TC-Timestamp verbatim and the scope yyyy-mm-dd/service/tc3_request,
 * whose date must be the UTC date of that timestamp.
 *
 * Refused (MALFORMED unless noted): X-TC-Token (no temporary credentials); SignedHeaders
 * without host or content-type, naming an absent or repeated header; a missing or malformed
 * X-TC-Timestamp; a timestamp more than maxSkewSeconds (default 300) from now
 * (REQUEST_TIME_SKEWED). X-TC-Action, -Region and -Version are not covered by the SDK's
 * signature: callers must not base decisions on them unless they are in SignedHeaders.
 */
import { createHmac, hash } from 'node:crypto';
import { isCredentialId, isScopePart, isSignatureHex, parseAuthorizationParams, parseSignedHeaders } from './credential.js';
import { assertNow, isDashedDate, parseUnixSeconds, utcDay, withinSkew } from './request-time.js';
import { compareSignature } from './signature.js';
import { EMPTY_SHA256, knownPayloadHash, prepareRequest, singleHeader, type PreparedRequest, type SignableRequest } from './signable-request.js';
import { signingFailure, type SigningFailure, type SigningFailureDetail } from './signing-failure.js';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
const TC3_TERMINATOR = 'tc3_request';
export const DEFAULT_TC3_MAX_SKEW_SECONDS = 300;

export interface Tc3Scope {
  /** yyyy-mm-dd */
  date: string;
  service: string;
}

export interface Tc3Options {
  now: Date;
  maxSkewSeconds?: number;
}

export interface ParsedTc3Request {
  ok: true;
  scheme: 'TC3-HMAC-SHA256';
  form: 'header';
  accessKeyId: string;
  scope: Tc3Scope;
  /** date/service/tc3_request */
  credentialScope: string;
  requestTime: Date;
  expiresAt: null;
  signedHeaders: string[];
  payloadHash: string;
  payloadChecked: boolean;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export function parseTc3Request(request: SignableRequest, options: Tc3Options): ParsedTc3Request | SigningFailure {
  const prepared = prepareRequest(request);
  if ('ok' in prepared) return prepared;
  return parsePreparedTc3(prepared, options);
}

export function parsePreparedTc3(request: PreparedRequest, options: Tc3Options): ParsedTc3Request | SigningFailure {
  assertNow(options.now);
  const maxSkewSeconds = options.maxSkewSeconds ?? DEFAULT_TC3_MAX_SKEW_SECONDS;
  if (!Number.isFinite(maxSkewSeconds) || maxSkewSeconds < 0) throw new TypeError('maxSkewSeconds must be a non-negative number');

  const authorization = request.headers.get('authorization');
  if (!authorization) return signingFailure('NO_SIGNATURE');
  if (authorization.length !== 1) return signingFailure('MULTIPLE_AUTHORIZATION');
  const value = authorization[0]!.trim();
  const space = value.indexOf(' ');
  if ((space < 0 ? value : value.slice(0, space)) !== TC3_ALGORITHM) return signingFailure('UNSUPPORTED_ALGORITHM');
  const params = parseAuthorizationParams(value.slice(space + 1));
  if (params === null) return signingFailure('BAD_AUTHORIZATION');

  const [accessKeyId, date, service, terminator, ...extra] = params.credential.split('/');
  if (
    accessKeyId === undefined ||
    !isCredentialId(accessKeyId) ||
    date === undefined ||
    !isDashedDate(date) ||
    service === undefined ||
    !isScopePart(service) ||
    terminator !== TC3_TERMINATOR ||
    extra.length > 0
  ) {
    return signingFailure('BAD_CREDENTIAL');
  }
  const fail = (detail: SigningFailureDetail) => signingFailure(detail, accessKeyId);
  const signedHeaders = parseSignedHeaders(params.signedHeaders);
  if (signedHeaders === null) return fail('BAD_SIGNED_HEADERS');
  if (!isSignatureHex(params.signature)) return fail('BAD_SIGNATURE_FORMAT');
  if (request.headers.has('x-tc-token')) return fail('SESSION_TOKEN_NOT_ACCEPTED');

  const timestamp = singleHeader(request.headers, 'x-tc-timestamp');
  if (timestamp === undefined) return fail('DUPLICATE_HEADER');
  if (timestamp === null) return fail('MISSING_DATE');
  const timestampText = timestamp.trim();
  const requestTime = parseUnixSeconds(timestampText);
  if (requestTime === null) return fail('BAD_DATE');
  if (utcDay(requestTime) !== date) return fail('SCOPE_DATE_MISMATCH');

  if (!signedHeaders.includes('host')) return fail('HOST_NOT_SIGNED');
  if (!signedHeaders.includes('content-type')) return fail('CONTENT_TYPE_NOT_SIGNED');
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    const headerValue = singleHeader(request.headers, name);
    if (headerValue === null) return fail('SIGNED_HEADER_MISSING');
    if (headerValue === undefined) return fail('DUPLICATE_HEADER');
    const canonical = headerValue.trim().toLowerCase();
    canonicalHeaders += `${name}:${name === 'host' ? withoutPort(canonical) : canonical}\n`;
  }

  if (!withinSkew(requestTime, options.now, maxSkewSeconds)) return fail('CLOCK_SKEW');

  const known = knownPayloadHash(request);
  const payloadHash = known ?? EMPTY_SHA256;
  const canonicalRequest = `${request.method}\n${request.path}\n${request.query}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
  const credentialScope = `${date}/${service}/${TC3_TERMINATOR}`;
  const digest = hash('sha256', canonicalRequest, 'hex');
  return {
    ok: true,
    scheme: TC3_ALGORITHM,
    form: 'header',
    accessKeyId,
    scope: { date, service },
    credentialScope,
    requestTime,
    expiresAt: null,
    signedHeaders,
    payloadHash,
    payloadChecked: known !== undefined,
    canonicalRequest,
    stringToSign: `${TC3_ALGORITHM}\n${timestampText}\n${credentialScope}\n${digest}`,
    signature: params.signature,
  };
}

/** example.com:8080 → example.com, [::1]:8080 → [::1]. */
function withoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && /^\d*$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

/** "TC3"+secret → date → service → tc3_request. */
export function deriveTc3SigningKey(secret: string, scope: Tc3Scope): Buffer {
  const kDate = createHmac('sha256', `TC3${secret}`).update(scope.date).digest();
  const kService = createHmac('sha256', kDate).update(scope.service).digest();
  return createHmac('sha256', kService).update(TC3_TERMINATOR).digest();
}

export function verifyTc3(parsed: ParsedTc3Request, signingKey: Uint8Array): { ok: true } | SigningFailure {
  return compareSignature(parsed, signingKey);
}
