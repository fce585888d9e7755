import ipaddr from 'ipaddr.js';
import {
  type CreditRefill,
  EXTERNAL_ID_MAX_LENGTH,
  IP_ALLOWLIST_MAX,
  META_MAX_BYTES,
  RATE_LIMIT_MAX_DURATION_MS,
  RATE_LIMIT_MIN_DURATION_MS,
  RATELIMITS_MAX_PER_KEY,
  type RateLimitSpec,
} from './usage-controls.js';

/**
 * Checking what a client sends as usage controls (a key's, an identity's, a tenant default):
 * each check returns the clean value or the first problem, naming the field as the API's other
 * validation errors do (`ratelimits.0.limit`). Pure: the services turn a problem into a 400.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (field: string, message: string): { ok: false; field: string; message: string } => ({ ok: false, field, message });

export const RATE_LIMIT_NAME_PATTERN = '^[a-z0-9_.-]{1,64}$';
const RATE_LIMIT_NAME_RE = new RegExp(RATE_LIMIT_NAME_PATTERN);
/** Letters, digits and `_ . - : @ | +`, so customer IDs, emails and URNs fit; nothing that needs escaping in a URL path besides `@ : | +`. */
export const EXTERNAL_ID_PATTERN = `^[A-Za-z0-9_.:@|+-]{1,${EXTERNAL_ID_MAX_LENGTH}}$`;
const EXTERNAL_ID_RE = new RegExp(EXTERNAL_ID_PATTERN);
/** A credit count stays a safe integer however many refills and additions it sees. */
export const CREDITS_MAX = 1_000_000_000_000;

export function checkRatelimits(input: unknown, field = 'ratelimits'): Checked<RateLimitSpec[]> {
  if (!Array.isArray(input)) return bad(field, `${field} must be an array of {name, limit, durationMs}.`);
  if (input.length > RATELIMITS_MAX_PER_KEY) return bad(field, `${field} holds at most ${RATELIMITS_MAX_PER_KEY} limits.`);
  const names = new Set<string>();
  const out: RateLimitSpec[] = [];
  for (const [i, item] of input.entries()) {
    const at = `${field}.${i}`;
    if (!isPlainObject(item)) return bad(at, `${at} must be an object {name, limit, durationMs}.`);
    const unknown = Object.keys(item).find((k) => k !== 'name' && k !== 'limit' && k !== 'durationMs');
    if (unknown !== undefined) return bad(`${at}.${unknown}`, `Unknown field "${unknown}" in ${at}.`);
    const { name, limit, durationMs } = item as { name?: unknown; limit?: unknown; durationMs?: unknown };
    if (typeof name !== 'string' || !RATE_LIMIT_NAME_RE.test(name)) return bad(`${at}.name`, `${at}.name must be 1 to 64 characters of a-z, 0-9, "_", "." and "-".`);
    if (names.has(name)) return bad(`${at}.name`, `${at}.name "${name}" is used twice: each limit of a key has its own name.`);
    names.add(name);
    if (!Number.isSafeInteger(limit) || (limit as number) < 1) return bad(`${at}.limit`, `${at}.limit must be an integer of at least 1.`);
    if (!Number.isSafeInteger(durationMs) || (durationMs as number) < RATE_LIMIT_MIN_DURATION_MS || (durationMs as number) > RATE_LIMIT_MAX_DURATION_MS) {
      return bad(`${at}.durationMs`, `${at}.durationMs must be an integer from ${RATE_LIMIT_MIN_DURATION_MS} (1 s) to ${RATE_LIMIT_MAX_DURATION_MS} (30 days).`);
    }
    out.push({ name, limit: limit as number, durationMs: durationMs as number });
  }
  return ok(out);
}

/**
 * CIDRs (IPv4 or IPv6; a bare address means just that address) in canonical text: the network
 * address (host bits cleared) in its shortest form, and each block once. IPv4 must be written
 * as four decimal parts (`10.1/8` or `0x0a.0.0.1` are refused, though some parsers take them).
 */
export function checkIpAllowlist(input: unknown, field = 'ipAllowlist'): Checked<string[]> {
  if (!Array.isArray(input)) return bad(field, `${field} must be an array of CIDR blocks such as "203.0.113.0/24" or "2001:db8::/32".`);
  if (input.length > IP_ALLOWLIST_MAX) return bad(field, `${field} holds at most ${IP_ALLOWLIST_MAX} blocks.`);
  const out: string[] = [];
  for (const [i, item] of input.entries()) {
    const canonical = typeof item === 'string' ? canonicalCidr(item) : null;
    if (canonical === null) return bad(`${field}.${i}`, `${field}.${i} is not an IPv4 or IPv6 address or CIDR block (such as "203.0.113.0/24" or "2001:db8::/32").`);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return ok(out);
}

export function canonicalCidr(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return null;
  const slash = trimmed.indexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? null : trimmed.slice(slash + 1);
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) {
    const prefix = prefixText === null ? 32 : Number(prefixText);
    if (prefix > 32) return null;
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString()}/${prefix}`;
  }
  if (ipaddr.IPv6.isValid(address) && !address.includes('%')) {
    const prefix = prefixText === null ? 128 : Number(prefixText);
    if (prefix > 128) return null;
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`).toString()}/${prefix}`;
  }
  return null;
}

/** Key names that say "this is a secret"; their string values are refused. */
const SECRET_NAME_RE = /(secret|passw(or)?d|passwd|token|api[-_]?key|private[-_]?key|credential|authorization|bearer)/i;
/** A Latchkey bearer token or the copy format's key/secret pair, anywhere in a string. */
const LATCHKEY_TOKEN_RE = /lk_LK[A-Z2-7]{18}_[0-9A-Za-z]{46}|key:LK[A-Z2-7]{18}::[0-9A-Za-z]{40}/;

/**
 * Metadata: a JSON object of at most 4 KB serialised (UTF-8), returned as given by
 * verification. It is shown to everyone who can read the key and to every verifier, so it must
 * not hold a secret: a string holding a Latchkey token, or a non-empty string under a name such
 * as `secret`, `password`, `token`, `apiKey`, `privateKey`, `credential` (any nesting depth,
 * any case), is refused. This catches the usual mistakes, not every possible secret.
 */
export function checkMeta(input: unknown, field = 'meta'): Checked<Record<string, unknown>> {
  if (!isPlainObject(input)) return bad(field, `${field} must be a JSON object.`);
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > META_MAX_BYTES) return bad(field, `${field} is ${bytes} bytes as JSON; at most ${META_MAX_BYTES} are allowed.`);
  const secretAt = findSecret(input, field);
  if (secretAt !== null) return bad(secretAt, `${secretAt} looks like a secret; metadata is shown to every verifier and must not hold one.`);
  return ok(input);
}

function findSecret(value: unknown, path: string, name = ''): string | null {
  if (typeof value === 'string') return LATCHKEY_TOKEN_RE.test(value) || (value.length > 0 && SECRET_NAME_RE.test(name)) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findSecret(item, `${path}.${i}`, name);
      if (found !== null) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findSecret(item, `${path}.${key}`, key);
      if (found !== null) return found;
    }
  }
  return null;
}

export function checkExternalId(input: unknown, field = 'externalId'): Checked<string> {
  if (typeof input !== 'string' || !EXTERNAL_ID_RE.test(input)) {
    return bad(field, `${field} must be 1 to ${EXTERNAL_ID_MAX_LENGTH} characters of letters, digits and _ . : @ | + -.`);
  }
  return ok(input);
}

export interface CreditsInput {
  remaining: number;
  refill: CreditRefill | null;
}

/** `{remaining, refill?}`: remaining an integer ≥ 0; refill null/absent or {interval, amount, refillDay?}. */
export function checkCredits(input: unknown, field = 'credits'): Checked<CreditsInput> {
  if (!isPlainObject(input)) return bad(field, `${field} must be an object {remaining, refill?}, or null for unlimited.`);
  const unknown = Object.keys(input).find((k) => k !== 'remaining' && k !== 'refill');
  if (unknown !== undefined) return bad(`${field}.${unknown}`, `Unknown field "${unknown}" in ${field}.`);
  const remaining = checkCreditCount(input.remaining, `${field}.remaining`);
  if (!remaining.ok) return remaining;
  if (input.refill === undefined || input.refill === null) return ok({ remaining: remaining.value, refill: null });
  const refill = checkRefill(input.refill, `${field}.refill`);
  if (!refill.ok) return refill;
  return ok({ remaining: remaining.value, refill: refill.value });
}

export function checkCreditCount(input: unknown, field: string): Checked<number> {
  if (!Number.isSafeInteger(input) || (input as number) < 0 || (input as number) > CREDITS_MAX) return bad(field, `${field} must be an integer from 0 to ${CREDITS_MAX}.`);
  return ok(input as number);
}

export function checkRefill(input: unknown, field = 'refill'): Checked<CreditRefill> {
  if (!isPlainObject(input)) return bad(field, `${field} must be an object {interval, amount, refillDay?}.`);
  const unknown = Object.keys(input).find((k) => k !== 'interval' && k !== 'amount' && k !== 'refillDay');
  if (unknown !== undefined) return bad(`${field}.${unknown}`, `Unknown field "${unknown}" in ${field}.`);
  const { interval, amount, refillDay } = input as { interval?: unknown; amount?: unknown; refillDay?: unknown };
  if (interval !== 'daily' && interval !== 'monthly') return bad(`${field}.interval`, `${field}.interval must be "daily" or "monthly".`);
  if (!Number.isSafeInteger(amount) || (amount as number) < 1 || (amount as number) > CREDITS_MAX) return bad(`${field}.amount`, `${field}.amount must be an integer from 1 to ${CREDITS_MAX}.`);
  if (refillDay !== undefined && refillDay !== null) {
    if (interval !== 'monthly') return bad(`${field}.refillDay`, `${field}.refillDay applies to monthly refills only.`);
    if (!Number.isInteger(refillDay) || (refillDay as number) < 1 || (refillDay as number) > 31) {
      return bad(`${field}.refillDay`, `${field}.refillDay must be a day of the month from 1 to 31 (a later day than the month has means its last day).`);
    }
    return ok({ interval, amount: amount as number, refillDay: refillDay as number });
  }
  return ok(interval === 'monthly' ? { interval, amount: amount as number, refillDay: 1 } : { interval, amount: amount as number });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
