/**
 * Importing keys from another system (issue 13 part 3): the shape of one line of the import
 * file, checked without I/O. The service resolves owners, quotas and taken IDs, then writes the
 * whole file in one transaction or nothing.
 *
 * A line names its key's secret one of two ways:
 * - `secret`: a Latchkey token (`lk_<id>_<secret><crc>`, from another Latchkey), kept with its key ID;
 * - `accessKeyId` + `secret`: an access key ID and its raw secret (an AWS-style list). The ID must
 *   be in Latchkey's format (`LK` + 18 of A-Z, 2-7), which the token format, the API's paths and
 *   the secret scanning rules all rely on; other IDs (AWS's `AKIA…`) are refused with that reason.
 *   A secret of 16 to 128 printable characters verifies signed requests (SigV4, TC3) as it is;
 *   one in Latchkey's secret format (40 base62) also makes a bearer token.
 * - `sha256`: only the SHA-256 of the whole token, as the other system stored it (Unkey keeps
 *   these), in hex or base64. The key gets a new Latchkey ID; it verifies as a bearer token in the
 *   other system's format (found by that digest), and signed requests naming it are refused
 *   (SECRET_NOT_AVAILABLE): there is no secret to sign with.
 */
import { normalizeEmail } from './email.js';
import { isAccessKeyId, isSecret, objectIdPattern, parseToken } from './key-format.js';
import { parseIsoDate } from './policy.js';

/**
 * The sealed secret of a key imported by its token's digest: empty, as there is no secret to seal.
 * Signed requests and reveals look for it (SECRET_NOT_AVAILABLE); a master-key rotation has nothing to re-seal there.
 */
export const NO_SECRET = '';

/** Lines one import may hold. */
export const MAX_IMPORT_LINES = 1000;
const FIELDS = new Set(['owner', 'name', 'state', 'expiresAt', 'createdAt', 'lastUsedAt', 'secret', 'accessKeyId', 'sha256']);
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;
const RAW_SECRET = /^[\x21-\x7e]{16,128}$/;
const USER_ID = new RegExp(objectIdPattern('user'));

export interface ImportLine {
  line: number;
  /** A user ID or an email address of the tenant. */
  owner: { userId: string } | { email: string };
  name: string;
  state: 'enabled' | 'disabled';
  /** null: never expires (if the tenant policy allows it). */
  expiresAt: Date | null;
  createdAt: Date | null;
  lastUsedAt: Date | null;
  /** null for a key imported by its token's digest (it gets a new Latchkey ID). */
  accessKeyId: string | null;
  /** Which field gave the key ID: the token in `secret`, or `accessKeyId`; 'sha256' when none did. */
  idFrom: 'secret' | 'accessKeyId' | 'sha256';
  /** null for a key imported by its token's digest. */
  secret: string | null;
  /** The SHA-256 of the whole token, lower-case hex, for a key imported by its digest; else null. */
  tokenDigest: string | null;
  /** Whether the key also verifies as a bearer token (its secret is in Latchkey's format). */
  bearer: boolean;
}

export interface ImportRefusal {
  line: number;
  field: string | null;
  reason: string;
}

export type LineCheck = { ok: true; entry: ImportLine } | { ok: false; refusal: ImportRefusal };

/** Checks one parsed line (`value`, what JSON.parse gave) taken at `now`. */
export function checkImportLine(line: number, value: unknown, now: Date): LineCheck {
  const refuse = (field: string | null, reason: string): LineCheck => ({ ok: false, refusal: { line, field, reason } });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse(null, 'a line must be one JSON object');
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) return refuse(unknown, `unknown field (allowed: ${[...FIELDS].join(', ')})`);

  if (typeof o.owner !== 'string' || o.owner.length === 0) return refuse('owner', 'required: the user ID or email address of the key owner');
  let owner: ImportLine['owner'];
  if (USER_ID.test(o.owner)) owner = { userId: o.owner };
  else {
    const email = normalizeEmail(o.owner);
    if (email === null) return refuse('owner', 'not a user ID (usr_…) or an email address');
    owner = { email };
  }
  if (typeof o.name !== 'string' || o.name.trim().length === 0 || o.name.trim().length > 100) return refuse('name', 'required: 1 to 100 characters');
  if (o.state !== 'enabled' && o.state !== 'disabled') return refuse('state', 'required: "enabled" or "disabled"');
  if (!('expiresAt' in o)) return refuse('expiresAt', 'required: an ISO 8601 date-time with a time zone, or null for never');
  let expiresAt: Date | null = null;
  if (o.expiresAt !== null) {
    expiresAt = typeof o.expiresAt === 'string' ? parseIsoDate(o.expiresAt) : null;
    if (expiresAt === null) return refuse('expiresAt', 'not an ISO 8601 date-time with a time zone (or null for never)');
    if (expiresAt.getTime() <= now.getTime()) return refuse('expiresAt', 'in the past: an expired key is not imported');
  }
  const pastDate = (field: 'createdAt' | 'lastUsedAt'): Date | null | string => {
    const v = o[field];
    if (v === undefined || v === null) return null;
    const at = typeof v === 'string' ? parseIsoDate(v) : null;
    if (at === null) return 'not an ISO 8601 date-time with a time zone';
    if (at.getTime() > now.getTime()) return 'in the future';
    return at;
  };
  const createdAt = pastDate('createdAt');
  if (typeof createdAt === 'string') return refuse('createdAt', createdAt);
  const lastUsedAt = pastDate('lastUsedAt');
  if (typeof lastUsedAt === 'string') return refuse('lastUsedAt', lastUsedAt);
  if (createdAt !== null && lastUsedAt !== null && lastUsedAt.getTime() < createdAt.getTime()) return refuse('lastUsedAt', 'before createdAt');

  if (o.sha256 !== undefined) {
    if (o.secret !== undefined || o.accessKeyId !== undefined) return refuse('sha256', 'give either sha256, or secret (with accessKeyId for a raw secret), not both');
    const digest = typeof o.sha256 === 'string' ? digestHex(o.sha256) : null;
    if (digest === null) return refuse('sha256', 'not a SHA-256 digest: 64 hex characters, or 43 base64 characters (with or without the = padding)');
    return {
      ok: true,
      entry: { line, owner, name: o.name.trim(), state: o.state, expiresAt, createdAt, lastUsedAt, accessKeyId: null, idFrom: 'sha256', secret: null, tokenDigest: digest, bearer: true },
    };
  }
  if (typeof o.secret !== 'string' || o.secret.length === 0) return refuse('secret', 'required: a Latchkey token, or with accessKeyId the raw secret (or sha256: the digest of a token)');
  let accessKeyId: string;
  let secret: string;
  const idFrom = o.accessKeyId === undefined ? 'secret' : 'accessKeyId';
  if (o.accessKeyId === undefined) {
    const parsed = parseToken(o.secret);
    if (!parsed.ok) {
      return refuse(
        'secret',
        parsed.reason === 'BAD_CHECKSUM'
          ? 'a Latchkey token whose checksum does not match (mistyped or cut)'
          : 'not a Latchkey token (lk_<access key ID>_<secret><checksum>); give accessKeyId with a raw secret',
      );
    }
    accessKeyId = parsed.accessKeyId;
    secret = parsed.secret;
  } else {
    if (typeof o.accessKeyId !== 'string' || !isAccessKeyId(o.accessKeyId)) {
      return refuse('accessKeyId', 'not a Latchkey access key ID (LK followed by 18 of A-Z and 2-7); other formats, such as AWS AKIA… IDs, cannot be imported');
    }
    if (!RAW_SECRET.test(o.secret)) return refuse('secret', 'a raw secret must be 16 to 128 printable characters without spaces');
    accessKeyId = o.accessKeyId;
    secret = o.secret;
  }
  return { ok: true, entry: { line, owner, name: o.name.trim(), state: o.state, expiresAt, createdAt, lastUsedAt, accessKeyId, idFrom, secret, tokenDigest: null, bearer: isSecret(secret) } };
}

/** A SHA-256 digest given in hex or base64 (standard or URL-safe), as lower-case hex; null if it is neither. */
function digestHex(value: string): string | null {
  if (HEX_DIGEST.test(value)) return value.toLowerCase();
  if (!BASE64_DIGEST.test(value)) return null;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}
