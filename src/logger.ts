import pino, { type Logger } from 'pino';

/** Paths that could ever hold a credential are censored before a line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.token',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.csrfToken',
  '*.secretEnvelope',
  '*.secretDigest',
];

const CENSOR = '[redacted]';

/**
 * Redaction paths only reach the shapes they name (`*.secret` misses a top-level `secret` and
 * `{result: {key: {secret}}}`), so every finished line is checked again: any property with
 * one of these names (any case, any depth) is censored.
 */
const SECRET_KEYS = new Set([
  'secret',
  'token',
  'password',
  'newpassword',
  'currentpassword',
  'passwordhash',
  'csrftoken',
  'sessiontoken',
  'totp',
  'copytext',
  'secretenvelope',
  'secretdigest',
  'previoussecretenvelope',
  'previoussecretdigest',
  'masterkey',
  'masterkeys',
  'keyring',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
]);
// A cheap first look, so that lines without such a key are not parsed at all.
const MAY_HOLD_SECRET_KEY = new RegExp(`"(?:${[...SECRET_KEYS].join('|')})":`, 'i');

/**
 * Credentials inside free text (messages, URLs, error stacks) cannot be found by key, so the
 * line is scrubbed as text too: the bearer token has a fixed prefix precisely so that it can be
 * recognised, and the public key ID in front of the secret is kept.
 */
const TEXT_SCRUBS: Array<[RegExp, string]> = [
  [/(lk_LK[A-Z2-7]{18}_)[0-9A-Za-z]+/g, `$1${CENSOR}`],
  [/(key:LK[A-Z2-7]{18}::)[0-9A-Za-z]+/g, `$1${CENSOR}`],
  [/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@"\\]*:)[^\s/@"\\]+@/g, `$1${CENSOR}@`],
];

function censorKeys(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => censorKeys(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : censorKeys(item, depth + 1);
  }
  return out;
}

/** The last step before a line leaves the process. */
export function scrubLine(line: string): string {
  let out = line;
  if (MAY_HOLD_SECRET_KEY.test(out)) {
    const end = out.endsWith('\n') ? '\n' : '';
    try {
      out = JSON.stringify(censorKeys(JSON.parse(out), 0)) + end;
    } catch {
      // Not one JSON object (never the case for pino's own lines): the text scrubs still apply.
    }
  }
  for (const [pattern, replacement] of TEXT_SCRUBS) out = out.replace(pattern, replacement);
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      hooks: { streamWrite: scrubLine },
      base: { service: 'latchkey' },
    },
    destination,
  );
}
