/**
 * Environment → validated, frozen configuration. Read once at start; a bad value stops the
 * start with one line that names the variable.
 */
import { resolve } from 'node:path';
import { decodeMasterKey } from './crypto/master-key.js';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  masterKey: Buffer | null;
  /** LATCHKEY_MASTER_KEYS: the keyring, the current key first (null: unset). */
  masterKeys: readonly Buffer[] | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionTtlMinutes: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  /** Plain POST /v1/verify requests read from the connection's bytes (src/http/wire-verify.ts). */
  wireVerify: boolean;
  bodyLimitBytes: number;
  keyCacheSize: number;
  changePollMs: number;
  recordFlushMs: number;
  /** The longest wait between usage writes when they are costly (see AccessRecorder). */
  recordMaxDelayMs: number;
  /** Refusals of /v1/verify and /v1/authorize are answered no sooner than this after the request arrived (see refusal-floor.ts). */
  refusalFloorMs: number;
  dbPoolSize: number;
  bootstrap: boolean;
  /** smtp:// or smtps:// URL of the mail relay; null: no mail is sent. */
  smtpUrl: string | null;
  mailFrom: string | null;
  /** Where people reach the console, for links in mails (no trailing slash). */
  publicUrl: string;
  reminderIntervalSeconds: number;
  /** Clock skew accepted on signed requests (SigV4 except S3, TC3). */
  signatureMaxSkewSeconds: number;
  /** Clock skew accepted on SigV4 requests for service s3 (S3-style storage clients). */
  storageMaxSkewSeconds: number;
  /** Where every verification attempt goes as a JSON line: 'stdout', an absolute file path, or null. */
  accessLog: string | null;
  /** Throttled guessing (LATCHKEY_GUESS_*): see GuessSettings in src/services/guess-guard.ts. */
  guessWindowSeconds: number;
  guessSourceLimit: number;
  guessKeyLimit: number;
  guessAlertFailures: number;
  guessAlertWindowSeconds: number;
  guessTracked: number;
  /** Sign-in throttling and password hashing (LATCHKEY_LOGIN_*): see LoginSettings in src/services/auth-service.ts. */
  loginWindowSeconds: number;
  loginMaxLockSeconds: number;
  loginPairFailures: number;
  loginSourceFailures: number;
  loginAccountFailures: number;
  loginHashConcurrency: number;
  loginHashQueue: number;
  loginDeviceDays: number;
  /** Who may ask /v1/verify and /v1/authorize: only holders of a verifier key (default), or anyone who can reach them. */
  verifyAuth: 'verifier' | 'open';
  /** redis:// or rediss:// URL: rate limits are counted there, exactly across processes; null: in each process (see README, Rate limits). */
  redisUrl: string | null;
  /** Prefix of every Redis key Latchkey writes (several deployments may share one Redis). */
  redisPrefix: string;
  /** Without Redis on PostgreSQL: how often each process adds its rate-limit counts to the database's and reads the others'. */
  ratelimitSyncMs: number;
}

/** LATCHKEY_MASTER_KEYS: comma-separated keys, each 32 bytes in base64 or hex, no key twice. */
function masterKeysOf(raw: string | undefined): readonly Buffer[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  const keys = raw.split(',').map((part, i) => {
    const key = decodeMasterKey(part);
    if (!key) throw new ConfigError('LATCHKEY_MASTER_KEYS', `key ${i + 1} is not 32 bytes as base64 (44 chars) or hex (64 chars); list the keys separated by commas, the current one first`);
    return key;
  });
  if (new Set(keys.map((k) => k.toString('hex'))).size !== keys.length) throw new ConfigError('LATCHKEY_MASTER_KEYS', 'lists a key twice');
  return Object.freeze(keys);
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

interface Setting {
  doc: string;
  default: string;
}

/** Every setting, its meaning and default: the README's configuration table is made from this. */
export const SETTINGS: Record<string, Setting> = {
  LATCHKEY_HOST: { doc: 'Address to listen on.', default: '127.0.0.1' },
  LATCHKEY_PORT: { doc: 'TCP port to listen on (0 picks a free one).', default: '8080' },
  LATCHKEY_DATA_DIR: { doc: 'Directory for the SQLite database and the master key file.', default: './data' },
  LATCHKEY_DATABASE_URL: { doc: 'postgres://… to use PostgreSQL instead of the embedded SQLite.', default: '(unset: SQLite)' },
  LATCHKEY_MASTER_KEY: { doc: '32-byte key (base64 or hex) that encrypts secrets at rest; else <data dir>/master.keys or master.key is used (master.key created 0600).', default: '(unset)' },
  LATCHKEY_MASTER_KEYS: {
    doc: 'The master keyring during a master-key rotation: keys (base64 or hex) separated by commas, the current one (sealing) first, the others only read; instead of LATCHKEY_MASTER_KEY.',
    default: '(unset)',
  },
  LATCHKEY_LOG_LEVEL: { doc: 'fatal, error, warn, info, debug, trace or silent.', default: 'info' },
  LATCHKEY_SESSION_TTL_MINUTES: { doc: 'Console session lifetime.', default: '720' },
  LATCHKEY_COOKIE_SECURE: { doc: 'True behind HTTPS: the session cookie is Secure with the __Host- prefix, and answers carry Strict-Transport-Security.', default: 'false' },
  LATCHKEY_TRUST_PROXY: { doc: 'Take the client address from X-Forwarded-For (true behind a reverse proxy).', default: 'false' },
  LATCHKEY_WIRE_VERIFY: {
    doc: "Read plain POST /v1/verify requests straight from the connection's bytes, below node:http (false: node:http reads every request; the answers are the same).",
    default: 'true',
  },
  LATCHKEY_BODY_LIMIT_BYTES: { doc: 'Largest accepted request body.', default: '1048576' },
  LATCHKEY_KEY_CACHE_SIZE: { doc: 'Keys kept in the verification cache of each process.', default: '200000' },
  LATCHKEY_CHANGE_POLL_MS: { doc: 'How often a process looks for key changes made by others (revocation delay).', default: '250' },
  LATCHKEY_RECORD_FLUSH_MS: { doc: 'How often access records and last-used times are written.', default: '500' },
  LATCHKEY_RECORD_MAX_DELAY_MS: {
    doc: 'Usage writes take at most about a tenth of the time: when a write is slow (many keys in use) the next waits up to this long, so each carries several attempts per key.',
    default: '30000',
  },
  LATCHKEY_REFUSAL_FLOOR_MS: {
    doc: 'Refusals of /v1/verify and /v1/authorize are answered no sooner than this many ms after the request arrived, so the time of an answer does not tell an unknown key from a known key with a wrong secret (0: off).',
    default: '20',
  },
  LATCHKEY_DB_POOL_SIZE: { doc: 'PostgreSQL connections per process.', default: '10' },
  LATCHKEY_BOOTSTRAP: { doc: 'On the first start with an empty database, create a first tenant and admin.', default: 'true' },
  LATCHKEY_SMTP_URL: { doc: 'Mail relay as smtp://user:pass@host:port (or smtps:// for TLS from the start); without it no mail is sent.', default: '(unset: no mail)' },
  LATCHKEY_MAIL_FROM: { doc: 'Sender of Latchkey mail, e.g. Latchkey <latchkey@example.com>; required with LATCHKEY_SMTP_URL.', default: '(unset)' },
  LATCHKEY_PUBLIC_URL: { doc: 'Address of the console in links in mails.', default: '(unset: http://HOST:PORT)' },
  LATCHKEY_REMINDER_INTERVAL_SECONDS: { doc: 'How often each process looks for keys to remind of their expiry, and for unused keys to remind of or disable.', default: '60' },
  LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS: { doc: 'How far a signed request (AWS SigV4, Tencent TC3) may be dated from the server clock, either way.', default: '300' },
  LATCHKEY_STORAGE_MAX_SKEW_SECONDS: { doc: 'The same for SigV4 requests signed for service s3 (S3-style storage clients).', default: '900' },
  LATCHKEY_ACCESS_LOG: {
    doc: 'Every verification attempt as one JSON line, to stdout or appended to this file path (the only place that keeps them all; see Usage data).',
    default: '(unset: no stream)',
  },
  LATCHKEY_GUESS_WINDOW_SECONDS: { doc: 'Window the two guessing limits below count failed verifications in (sliding).', default: '60' },
  LATCHKEY_GUESS_SOURCE_LIMIT: { doc: 'Failed verifications one source (verifier key and end-client IP) may make per window; further failures answer RATE_LIMITED.', default: '30' },
  LATCHKEY_GUESS_KEY_LIMIT: { doc: 'Failed verifications naming one key ID (existing or not) per window, from all sources; further failures answer RATE_LIMITED.', default: '60' },
  LATCHKEY_GUESS_ALERT_FAILURES: { doc: 'Failed verifications against one key within the alert window that raise key.under_attack (bell, mail, audit; once per key per hour).', default: '100' },
  LATCHKEY_GUESS_ALERT_WINDOW_SECONDS: { doc: 'The alert window.', default: '600' },
  LATCHKEY_GUESS_TRACKED: { doc: 'Sources, and key IDs, whose failures each process keeps count of (least recently failing dropped first).', default: '50000' },
  LATCHKEY_LOGIN_WINDOW_SECONDS: { doc: 'Window the sign-in limits below count failed sign-ins in.', default: '900' },
  LATCHKEY_LOGIN_PAIR_FAILURES: {
    doc: 'Failed sign-ins to one account from one source address (or from one browser that signed in to it before) per window; each further failure locks that pair for 1 s, 2 s, 4 s …',
    default: '5',
  },
  LATCHKEY_LOGIN_SOURCE_FAILURES: { doc: 'Failed sign-ins from one source address (IPv6: its /64) per window, to any account, existing or not; then locked the same way.', default: '30' },
  LATCHKEY_LOGIN_ACCOUNT_FAILURES: {
    doc: 'Failed sign-ins to one account per window from all browsers that never signed in to it; then locked for them the same way (browsers that did are never held by it).',
    default: '100',
  },
  LATCHKEY_LOGIN_MAX_LOCK_SECONDS: { doc: 'Longest sign-in lock.', default: '900' },
  LATCHKEY_LOGIN_HASH_CONCURRENCY: { doc: 'Password checks (argon2) each process runs at once; further sign-ins wait in line.', default: '2' },
  LATCHKEY_LOGIN_HASH_QUEUE: { doc: 'Sign-ins that may wait in line for a password check (at most 2 s); more answer 503 SIGN_IN_BUSY with Retry-After.', default: '32' },
  LATCHKEY_LOGIN_DEVICE_DAYS: { doc: 'Lifetime of the known-device cookie a successful sign-in sets (renewed at each sign-in).', default: '365' },
  LATCHKEY_VERIFY_AUTH: {
    doc: 'Who may call /v1/verify and /v1/authorize: verifier (a key of the tenant holding latchkey:verify) or open (anyone who can reach them; loopback-only deployments).',
    default: 'verifier',
  },
  LATCHKEY_REDIS_URL: {
    doc: 'redis://[user:password@]host:port[/db] (or rediss:// for TLS): rate limits are counted in Redis, exactly across processes. Unset: in each process (SQLite: exact; PostgreSQL: synchronised through the database, see Rate limits).',
    default: '(unset)',
  },
  LATCHKEY_REDIS_PREFIX: { doc: 'Prefix of every Redis key Latchkey writes, so several deployments can share one Redis (letters, digits, : _ - .).', default: 'latchkey:' },
  LATCHKEY_RATELIMIT_SYNC_MS: {
    doc: 'On PostgreSQL without Redis: how often each process adds what it admitted to the shared rate-limit counts and reads the others (the overshoot across processes is what they admit in this time).',
    default: '100',
  },
};

/** The bad value as a JSON string, so a line break or escape in it cannot split or forge the error line. */
function quote(value: string | undefined): string {
  return JSON.stringify(value ?? '').replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number {
  const raw = env[name] ?? SETTINGS[name]!.default;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${quote(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? SETTINGS[name]!.default).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got ${quote(env[name])}`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  for (const name of Object.keys(env)) {
    if (name.startsWith('LATCHKEY_') && !name.startsWith('LATCHKEY_TEST_') && !(name in SETTINGS)) {
      throw new ConfigError(name, `is not a Latchkey setting (known: ${Object.keys(SETTINGS).join(', ')})`);
    }
  }
  const host = (env.LATCHKEY_HOST ?? SETTINGS.LATCHKEY_HOST!.default).trim();
  if (host === '' || /\s/.test(host)) throw new ConfigError('LATCHKEY_HOST', `must be a host name or address, got ${quote(env.LATCHKEY_HOST)}`);

  const rawUrl = env.LATCHKEY_DATABASE_URL?.trim();
  let databaseUrl: string | null = null;
  if (rawUrl) {
    let parsed: URL;
    try {
      parsed = new URL(rawUrl);
    } catch {
      throw new ConfigError('LATCHKEY_DATABASE_URL', 'must be a URL such as postgres://user@host:5432/database');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new ConfigError('LATCHKEY_DATABASE_URL', `must start with postgres:// (got ${parsed.protocol}//); leave it unset for SQLite`);
    }
    databaseUrl = rawUrl;
  }

  let masterKey: Buffer | null = null;
  if (env.LATCHKEY_MASTER_KEY !== undefined && env.LATCHKEY_MASTER_KEY !== '') {
    masterKey = decodeMasterKey(env.LATCHKEY_MASTER_KEY);
    if (!masterKey) throw new ConfigError('LATCHKEY_MASTER_KEY', 'must be 32 bytes as base64 (44 chars) or hex (64 chars); try: openssl rand -base64 32');
  }
  const masterKeys = masterKeysOf(env.LATCHKEY_MASTER_KEYS);
  if (masterKey && masterKeys) throw new ConfigError('LATCHKEY_MASTER_KEYS', 'and LATCHKEY_MASTER_KEY are both set: set only LATCHKEY_MASTER_KEYS (the current key first)');

  const logLevel = (env.LATCHKEY_LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LATCHKEY_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${quote(env.LATCHKEY_LOG_LEVEL)}`);
  }

  const verifyAuth = (env.LATCHKEY_VERIFY_AUTH ?? SETTINGS.LATCHKEY_VERIFY_AUTH!.default).trim().toLowerCase();
  if (verifyAuth !== 'verifier' && verifyAuth !== 'open') throw new ConfigError('LATCHKEY_VERIFY_AUTH', `must be verifier or open, got ${quote(env.LATCHKEY_VERIFY_AUTH)}`);

  const port = integer(env, 'LATCHKEY_PORT', 0, 65535);
  const smtpUrl = smtpUrlOf(env.LATCHKEY_SMTP_URL);
  const mailFrom = mailFromOf(env.LATCHKEY_MAIL_FROM);
  if (smtpUrl !== null && mailFrom === null) {
    throw new ConfigError('LATCHKEY_MAIL_FROM', 'must be set when LATCHKEY_SMTP_URL is, e.g. LATCHKEY_MAIL_FROM="Latchkey <latchkey@example.com>"');
  }

  return Object.freeze({
    host,
    port,
    dataDir: resolve(env.LATCHKEY_DATA_DIR?.trim() || SETTINGS.LATCHKEY_DATA_DIR!.default),
    databaseUrl,
    masterKey,
    masterKeys,
    logLevel: logLevel as Config['logLevel'],
    sessionTtlMinutes: integer(env, 'LATCHKEY_SESSION_TTL_MINUTES', 1, 43_200),
    cookieSecure: boolean(env, 'LATCHKEY_COOKIE_SECURE'),
    trustProxy: boolean(env, 'LATCHKEY_TRUST_PROXY'),
    wireVerify: boolean(env, 'LATCHKEY_WIRE_VERIFY'),
    bodyLimitBytes: integer(env, 'LATCHKEY_BODY_LIMIT_BYTES', 1024, 64 * 1024 * 1024),
    keyCacheSize: integer(env, 'LATCHKEY_KEY_CACHE_SIZE', 100, 10_000_000),
    changePollMs: integer(env, 'LATCHKEY_CHANGE_POLL_MS', 50, 1000),
    recordFlushMs: integer(env, 'LATCHKEY_RECORD_FLUSH_MS', 50, 60_000),
    recordMaxDelayMs: integer(env, 'LATCHKEY_RECORD_MAX_DELAY_MS', 50, 600_000),
    refusalFloorMs: integer(env, 'LATCHKEY_REFUSAL_FLOOR_MS', 0, 1000),
    dbPoolSize: integer(env, 'LATCHKEY_DB_POOL_SIZE', 1, 200),
    bootstrap: boolean(env, 'LATCHKEY_BOOTSTRAP'),
    smtpUrl,
    mailFrom,
    publicUrl: publicUrlOf(env.LATCHKEY_PUBLIC_URL, host, port),
    reminderIntervalSeconds: integer(env, 'LATCHKEY_REMINDER_INTERVAL_SECONDS', 10, 86_400),
    signatureMaxSkewSeconds: integer(env, 'LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS', 1, 3600),
    storageMaxSkewSeconds: integer(env, 'LATCHKEY_STORAGE_MAX_SKEW_SECONDS', 1, 3600),
    accessLog: accessLogOf(env.LATCHKEY_ACCESS_LOG),
    ...guessSettingsOf(env),
    ...loginSettingsOf(env),
    verifyAuth,
    redisUrl: redisUrlOf(env.LATCHKEY_REDIS_URL),
    redisPrefix: redisPrefixOf(env.LATCHKEY_REDIS_PREFIX),
    ratelimitSyncMs: integer(env, 'LATCHKEY_RATELIMIT_SYNC_MS', 10, 10_000),
  });
}

/** 'stdout' or a file path (resolved, so a later working-directory change cannot move it). */
function accessLogOf(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (value === 'stdout') return value;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20)) throw new ConfigError('LATCHKEY_ACCESS_LOG', `must be stdout or a file path, got ${quote(raw)}`);
  return resolve(value);
}

/** The guessing thresholds; an alert window shorter than the limits' window would alert on less than they throttle. */
function guessSettingsOf(env: NodeJS.ProcessEnv) {
  const guessWindowSeconds = integer(env, 'LATCHKEY_GUESS_WINDOW_SECONDS', 1, 3600);
  const guessAlertWindowSeconds = integer(env, 'LATCHKEY_GUESS_ALERT_WINDOW_SECONDS', 1, 86_400);
  if (guessAlertWindowSeconds < guessWindowSeconds) {
    throw new ConfigError('LATCHKEY_GUESS_ALERT_WINDOW_SECONDS', `must be at least LATCHKEY_GUESS_WINDOW_SECONDS (${guessWindowSeconds}), got ${guessAlertWindowSeconds}`);
  }
  return {
    guessWindowSeconds,
    guessSourceLimit: integer(env, 'LATCHKEY_GUESS_SOURCE_LIMIT', 1, 1_000_000),
    guessKeyLimit: integer(env, 'LATCHKEY_GUESS_KEY_LIMIT', 1, 1_000_000),
    guessAlertFailures: integer(env, 'LATCHKEY_GUESS_ALERT_FAILURES', 1, 100_000_000),
    guessAlertWindowSeconds,
    guessTracked: integer(env, 'LATCHKEY_GUESS_TRACKED', 1000, 10_000_000),
  };
}

function loginSettingsOf(env: NodeJS.ProcessEnv) {
  return {
    loginWindowSeconds: integer(env, 'LATCHKEY_LOGIN_WINDOW_SECONDS', 1, 86_400),
    loginMaxLockSeconds: integer(env, 'LATCHKEY_LOGIN_MAX_LOCK_SECONDS', 1, 86_400),
    loginPairFailures: integer(env, 'LATCHKEY_LOGIN_PAIR_FAILURES', 1, 1000),
    loginSourceFailures: integer(env, 'LATCHKEY_LOGIN_SOURCE_FAILURES', 1, 1_000_000),
    loginAccountFailures: integer(env, 'LATCHKEY_LOGIN_ACCOUNT_FAILURES', 1, 1_000_000),
    loginHashConcurrency: integer(env, 'LATCHKEY_LOGIN_HASH_CONCURRENCY', 1, 64),
    loginHashQueue: integer(env, 'LATCHKEY_LOGIN_HASH_QUEUE', 0, 100_000),
    loginDeviceDays: integer(env, 'LATCHKEY_LOGIN_DEVICE_DAYS', 1, 3650),
  };
}

/** Like the SMTP URL, its password must not reach a log line: errors never repeat the value. */
function redisUrlOf(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('LATCHKEY_REDIS_URL', 'must be a URL such as redis://127.0.0.1:6379 (percent-encode special characters in the password)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigError('LATCHKEY_REDIS_URL', `must start with redis:// or rediss:// (got ${parsed.protocol}//)`);
  if (parsed.hostname === '') throw new ConfigError('LATCHKEY_REDIS_URL', 'must name the Redis server, e.g. redis://127.0.0.1:6379');
  return value;
}

function redisPrefixOf(raw: string | undefined): string {
  const value = (raw ?? SETTINGS.LATCHKEY_REDIS_PREFIX!.default).trim();
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(value)) throw new ConfigError('LATCHKEY_REDIS_PREFIX', `must be 1 to 64 letters, digits or : _ - ., got ${quote(raw)}`);
  return value;
}

/** The SMTP URL's password must not reach a log line, so its errors never repeat the value. */
function smtpUrlOf(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('LATCHKEY_SMTP_URL', 'must be a URL such as smtp://user:password@mail.example.com:587 (percent-encode special characters in the password)');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError('LATCHKEY_SMTP_URL', `must start with smtp:// or smtps:// (got ${parsed.protocol}//)`);
  }
  if (parsed.hostname === '') throw new ConfigError('LATCHKEY_SMTP_URL', 'must name the mail server, e.g. smtp://mail.example.com:587');
  return value;
}

const ADDRESS = '[^\\s<>@",;:]+@[^\\s<>@",;:]+\\.[^\\s<>@",;:]+';
const MAIL_FROM_RE = new RegExp(`^(?:${ADDRESS}|[^<>\\u0000-\\u001f\\u007f]{1,100} <${ADDRESS}>)$`);

/** `address@domain` or `Name <address@domain>`; line breaks are refused (no header injection). */
function mailFromOf(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!MAIL_FROM_RE.test(value)) {
    throw new ConfigError('LATCHKEY_MAIL_FROM', `must be an address or "Name <address>", e.g. Latchkey <latchkey@example.com>, got ${quote(raw)}`);
  }
  return value;
}

function publicUrlOf(raw: string | undefined, host: string, port: number): string {
  const value = raw?.trim();
  if (!value) return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('LATCHKEY_PUBLIC_URL', `must be a URL such as https://latchkey.example.com, got ${quote(raw)}`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError('LATCHKEY_PUBLIC_URL', `must be an http:// or https:// address without query, fragment or credentials, got ${quote(raw)}`);
  }
  return value.replace(/\/+$/, '');
}
