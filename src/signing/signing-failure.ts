/**
 * Expected failures of signed-request verification, as values (never exceptions).
 *
 * `code` is one of the public verification codes of src/core/verification.ts; `detail` is
 * the precise reason for access records and logs. Messages are fixed text per detail: they
 * never echo the request, so no secret, signature or attacker-chosen text reaches an error.
 */
import type { VerifyCode } from '../core/verification.js';

export type SigningFailureCode = Extract<VerifyCode, 'MALFORMED' | 'REQUEST_TIME_SKEWED' | 'SIGNATURE_MISMATCH'>;

const DETAILS = {
  BAD_METHOD: ['MALFORMED', 'The request method is not an HTTP token.'],
  BAD_URL: ['MALFORMED', 'The request URL is not a path with an optional query.'],
  BAD_PERCENT_ENCODING: ['MALFORMED', 'The request path or query holds a malformed percent escape.'],
  BAD_HEADERS: ['MALFORMED', 'The request headers are not name/value strings.'],
  BAD_BODY: ['MALFORMED', 'The request body is neither text nor bytes.'],
  BAD_BODY_SHA256: ['MALFORMED', 'The given body SHA-256 is not 64 hexadecimal characters.'],
  NO_SIGNATURE: ['MALFORMED', 'The request carries no Authorization header and no presigned query.'],
  UNSUPPORTED_ALGORITHM: ['MALFORMED', 'The signing algorithm is not AWS4-HMAC-SHA256 or TC3-HMAC-SHA256.'],
  MULTIPLE_AUTHORIZATION: ['MALFORMED', 'The request carries more than one Authorization header.'],
  AMBIGUOUS_AUTHORIZATION: ['MALFORMED', 'The request is signed both in a header and in the query.'],
  BAD_AUTHORIZATION: ['MALFORMED', 'The Authorization header needs exactly Credential, SignedHeaders and Signature.'],
  BAD_PRESIGNED_QUERY: ['MALFORMED', 'A presigned URL needs each X-Amz- parameter exactly once.'],
  BAD_CREDENTIAL: ['MALFORMED', 'The credential is not <access key id>/<date>/<region>/<service>/<terminator>.'],
  BAD_SIGNED_HEADERS: ['MALFORMED', 'SignedHeaders must be lower-case names, sorted, each once.'],
  BAD_SIGNATURE_FORMAT: ['MALFORMED', 'The signature is not 64 lower-case hexadecimal characters.'],
  BAD_EXPIRES: ['MALFORMED', 'X-Amz-Expires must be a whole number of seconds from 1 to 604800.'],
  SESSION_TOKEN_NOT_ACCEPTED: ['MALFORMED', 'Session tokens are not accepted: Latchkey issues no temporary credentials.'],
  MISSING_DATE: ['MALFORMED', 'The request carries no request time (X-Amz-Date, Date or X-TC-Timestamp).'],
  BAD_DATE: ['MALFORMED', 'The request time is not in the expected format.'],
  SCOPE_DATE_MISMATCH: ['MALFORMED', 'The credential scope date is not the date of the request time.'],
  HOST_NOT_SIGNED: ['MALFORMED', 'The host header must be signed.'],
  CONTENT_TYPE_NOT_SIGNED: ['MALFORMED', 'The content-type header must be signed.'],
  DATE_NOT_SIGNED: ['MALFORMED', 'The header that carries the request time must be signed.'],
  AMZ_HEADER_NOT_SIGNED: ['MALFORMED', 'Every x-amz-* header of the request must be signed.'],
  SIGNED_HEADER_MISSING: ['MALFORMED', 'A signed header is not present in the request.'],
  DUPLICATE_HEADER: ['MALFORMED', 'A header that must appear once appears more than once.'],
  BAD_PAYLOAD_HASH: ['MALFORMED', 'x-amz-content-sha256 is not a lower-case hex SHA-256 or UNSIGNED-PAYLOAD.'],
  UNSIGNED_PAYLOAD_NOT_ALLOWED: ['MALFORMED', 'UNSIGNED-PAYLOAD is not allowed for this service.'],
  STREAMING_PAYLOAD_UNSUPPORTED: ['MALFORMED', 'Chunked (STREAMING-*) payload signing is not supported.'],
  CLOCK_SKEW: ['REQUEST_TIME_SKEWED', 'The request time is too far from the server time.'],
  PRESIGNED_NOT_YET_VALID: ['REQUEST_TIME_SKEWED', 'The presigned URL is dated in the future.'],
  PRESIGNED_EXPIRED: ['REQUEST_TIME_SKEWED', 'The presigned URL has expired.'],
  PAYLOAD_HASH_MISMATCH: ['SIGNATURE_MISMATCH', 'The body does not match the signed payload hash.'],
  SIGNATURE_MISMATCH: ['SIGNATURE_MISMATCH', 'The request signature does not match.'],
} as const satisfies Record<string, readonly [SigningFailureCode, string]>;

export type SigningFailureDetail = keyof typeof DETAILS;

export interface SigningFailure {
  ok: false;
  code: SigningFailureCode;
  detail: SigningFailureDetail;
  message: string;
  /** Set once the credential was read, so the caller can write the key's access record. */
  accessKeyId?: string;
  /** The algorithm of that credential (set with accessKeyId by parseSignedRequest). */
  scheme?: 'AWS4-HMAC-SHA256' | 'TC3-HMAC-SHA256';
}

export function signingFailure(detail: SigningFailureDetail, accessKeyId?: string): SigningFailure {
  const [code, message] = DETAILS[detail];
  const failure: SigningFailure = { ok: false, code, detail, message };
  if (accessKeyId !== undefined) failure.accessKeyId = accessKeyId;
  return failure;
}

export const SIGNING_FAILURE_DETAILS = Object.keys(DETAILS) as SigningFailureDetail[];
