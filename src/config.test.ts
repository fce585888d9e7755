import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig } from './config.js';

/** Runs loadConfig and returns the ConfigError it stops with (fails the test if it does not). */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('starts on 127.0.0.1:8080 with SQLite in ./data and secure defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: resolve('./data'),
      databaseUrl: null,
      masterKey: null,
      masterKeys: null,
      logLevel: 'info',
      sessionTtlMinutes: 720,
      cookieSecure: false,
      trustProxy: false,
      wireVerify: true,
      bodyLimitBytes: 1_048_576,
      keyCacheSize: 200_000,
      changePollMs: 250,
      recordFlushMs: 500,
      recordMaxDelayMs: 30_000,
      refusalFloorMs: 20,
      dbPoolSize: 10,
      bootstrap: true,
      smtpUrl: null,
      mailFrom: null,
      publicUrl: 'http://127.0.0.1:8080',
      reminderIntervalSeconds: 60,
      signatureMaxSkewSeconds: 300,
      storageMaxSkewSeconds: 900,
      accessLog: null,
      guessWindowSeconds: 60,
      guessSourceLimit: 30,
      guessKeyLimit: 60,
      guessAlertFailures: 100,
      guessAlertWindowSeconds: 600,
      guessTracked: 50_000,
      loginWindowSeconds: 900,
      loginMaxLockSeconds: 900,
      loginPairFailures: 5,
      loginSourceFailures: 30,
      loginAccountFailures: 100,
      loginHashConcurrency: 2,
      loginHashQueue: 32,
      loginDeviceDays: 365,
      verifyAuth: 'verifier',
      redisUrl: null,
      redisPrefix: 'latchkey:',
      ratelimitSyncMs: 100,
    });
  });

  it('gives the same result when every documented default is set explicitly', () => {
    const documented = Object.fromEntries(
      Object.entries(SETTINGS)
        .filter(([, setting]) => !setting.default.startsWith('('))
        .map(([name, setting]) => [name, setting.default]),
    );
    expect(loadConfig(documented)).toEqual(loadConfig({}));
  });

  it('ignores variables that are not Latchkey settings', () => {
    expect(loadConfig({ PATH: '/usr/bin', PORT: 'not a port', LATCHKEYS: 'x' })).toEqual(loadConfig({}));
  });

  it('is frozen, so nothing can change it after start', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('loadConfig values', () => {
  it('reads every setting', () => {
    const key = randomBytes(32);
    const config = loadConfig({
      LATCHKEY_HOST: '0.0.0.0',
      LATCHKEY_PORT: '0',
      LATCHKEY_DATA_DIR: '/var/lib/latchkey',
      LATCHKEY_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      LATCHKEY_MASTER_KEY: key.toString('base64'),
      LATCHKEY_LOG_LEVEL: 'WARN',
      LATCHKEY_SESSION_TTL_MINUTES: '60',
      LATCHKEY_COOKIE_SECURE: 'true',
      LATCHKEY_TRUST_PROXY: 'yes',
      LATCHKEY_WIRE_VERIFY: 'off',
      LATCHKEY_BODY_LIMIT_BYTES: '2048',
      LATCHKEY_KEY_CACHE_SIZE: '1000',
      LATCHKEY_CHANGE_POLL_MS: '1000',
      LATCHKEY_RECORD_FLUSH_MS: '50',
      LATCHKEY_RECORD_MAX_DELAY_MS: '5000',
      LATCHKEY_REFUSAL_FLOOR_MS: '0',
      LATCHKEY_DB_POOL_SIZE: '4',
      LATCHKEY_BOOTSTRAP: 'off',
      LATCHKEY_SMTP_URL: 'smtps://mailer:p%40ss@mail.example.com:465',
      LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.com>',
      LATCHKEY_PUBLIC_URL: 'https://keys.example.com/console/',
      LATCHKEY_REMINDER_INTERVAL_SECONDS: '300',
      LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS: '120',
      LATCHKEY_STORAGE_MAX_SKEW_SECONDS: '600',
      LATCHKEY_ACCESS_LOG: '/var/log/latchkey/access.jsonl',
      LATCHKEY_GUESS_WINDOW_SECONDS: '30',
      LATCHKEY_GUESS_SOURCE_LIMIT: '5',
      LATCHKEY_GUESS_KEY_LIMIT: '10',
      LATCHKEY_GUESS_ALERT_FAILURES: '50',
      LATCHKEY_GUESS_ALERT_WINDOW_SECONDS: '300',
      LATCHKEY_GUESS_TRACKED: '5000',
      LATCHKEY_LOGIN_WINDOW_SECONDS: '600',
      LATCHKEY_LOGIN_MAX_LOCK_SECONDS: '300',
      LATCHKEY_LOGIN_PAIR_FAILURES: '3',
      LATCHKEY_LOGIN_SOURCE_FAILURES: '50',
      LATCHKEY_LOGIN_ACCOUNT_FAILURES: '500',
      LATCHKEY_LOGIN_HASH_CONCURRENCY: '4',
      LATCHKEY_LOGIN_HASH_QUEUE: '0',
      LATCHKEY_LOGIN_DEVICE_DAYS: '30',
      LATCHKEY_VERIFY_AUTH: 'open',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/var/lib/latchkey',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      logLevel: 'warn',
      sessionTtlMinutes: 60,
      cookieSecure: true,
      trustProxy: true,
      wireVerify: false,
      bodyLimitBytes: 2048,
      keyCacheSize: 1000,
      changePollMs: 1000,
      recordFlushMs: 50,
      recordMaxDelayMs: 5000,
      refusalFloorMs: 0,
      dbPoolSize: 4,
      bootstrap: false,
      smtpUrl: 'smtps://mailer:p%40ss@mail.example.com:465',
      mailFrom: 'Latchkey <latchkey@example.com>',
      publicUrl: 'https://keys.example.com/console',
      reminderIntervalSeconds: 300,
      signatureMaxSkewSeconds: 120,
      storageMaxSkewSeconds: 600,
      accessLog: '/var/log/latchkey/access.jsonl',
      guessWindowSeconds: 30,
      guessSourceLimit: 5,
      guessKeyLimit: 10,
      guessAlertFailures: 50,
      guessAlertWindowSeconds: 300,
      guessTracked: 5000,
      loginWindowSeconds: 600,
      loginMaxLockSeconds: 300,
      loginPairFailures: 3,
      loginSourceFailures: 50,
      loginAccountFailures: 500,
      loginHashConcurrency: 4,
      loginHashQueue: 0,
      loginDeviceDays: 30,
      verifyAuth: 'open',
    });
    expect(config.masterKey?.equals(key)).toBe(true);
  });

  it('accepts postgresql:// as well as postgres://, and hex master keys', () => {
    const key = randomBytes(32);
    const config = loadConfig({ LATCHKEY_DATABASE_URL: 'postgresql://u@db/x', LATCHKEY_MASTER_KEY: key.toString('hex') });
    expect(config.databaseUrl).toBe('postgresql://u@db/x');
    expect(config.masterKey?.equals(key)).toBe(true);
  });

  it('links mails to the listening address unless LATCHKEY_PUBLIC_URL says otherwise, and takes a bare sender address', () => {
    expect(loadConfig({ LATCHKEY_HOST: '::1', LATCHKEY_PORT: '9000' }).publicUrl).toBe('http://[::1]:9000');
    expect(loadConfig({ LATCHKEY_SMTP_URL: 'smtp://127.0.0.1:2525', LATCHKEY_MAIL_FROM: 'keys@example.com' })).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:2525', mailFrom: 'keys@example.com' });
  });

  it('counts rate limits in Redis when LATCHKEY_REDIS_URL names one (redis:// or rediss://), and takes the sync interval', () => {
    expect(loadConfig({ LATCHKEY_REDIS_URL: 'redis://:s3cret@127.0.0.1:6379/2', LATCHKEY_RATELIMIT_SYNC_MS: '250' })).toMatchObject({
      redisUrl: 'redis://:s3cret@127.0.0.1:6379/2',
      ratelimitSyncMs: 250,
    });
    expect(loadConfig({ LATCHKEY_REDIS_URL: 'rediss://cache.example.com:6380' }).redisUrl).toBe('rediss://cache.example.com:6380');
    expect(loadConfig({ LATCHKEY_REDIS_URL: ' ' }).redisUrl).toBeNull();
    expect(loadConfig({ LATCHKEY_REDIS_PREFIX: 'staging:lk:' }).redisPrefix).toBe('staging:lk:');
  });

  it('takes a master keyring from LATCHKEY_MASTER_KEYS, the current key first, base64 and hex mixed', () => {
    const current = randomBytes(32);
    const previous = randomBytes(32);
    const config = loadConfig({ LATCHKEY_MASTER_KEYS: ` ${current.toString('base64')} , ${previous.toString('hex')}` });
    expect(config.masterKeys?.map((k) => k.toString('hex'))).toEqual([current.toString('hex'), previous.toString('hex')]);
    expect(config.masterKey).toBeNull();
  });

  it('treats empty DATABASE_URL, MASTER_KEY(S) and DATA_DIR as unset', () => {
    const config = loadConfig({ LATCHKEY_DATABASE_URL: '', LATCHKEY_MASTER_KEY: '', LATCHKEY_MASTER_KEYS: '', LATCHKEY_DATA_DIR: '' });
    expect(config.databaseUrl).toBeNull();
    expect(config.masterKey).toBeNull();
    expect(config.masterKeys).toBeNull();
    expect(config.dataDir).toBe(resolve('./data'));
  });
});

describe('loadConfig refusals', () => {
  const bad: Array<[string, string]> = [
    ['LATCHKEY_HOST', ''],
    ['LATCHKEY_HOST', 'local host'],
    ['LATCHKEY_PORT', 'http'],
    ['LATCHKEY_PORT', '65536'],
    ['LATCHKEY_PORT', '-1'],
    ['LATCHKEY_PORT', '80.5'],
    ['LATCHKEY_PORT', ''],
    ['LATCHKEY_DATABASE_URL', 'not a url'],
    ['LATCHKEY_DATABASE_URL', 'mysql://root@localhost/db'],
    ['LATCHKEY_DATABASE_URL', 'sqlite:///tmp/x.db'],
    ['LATCHKEY_MASTER_KEY', 'short'],
    ['LATCHKEY_MASTER_KEY', randomBytes(16).toString('base64')],
    ['LATCHKEY_MASTER_KEY', randomBytes(31).toString('hex')],
    ['LATCHKEY_MASTER_KEYS', `${randomBytes(32).toString('base64')},short`],
    ['LATCHKEY_MASTER_KEYS', `${randomBytes(32).toString('base64')},`],
    ['LATCHKEY_MASTER_KEYS', `${'ab'.repeat(32)},${'ab'.repeat(32)}`],
    ['LATCHKEY_LOG_LEVEL', 'verbose'],
    ['LATCHKEY_SESSION_TTL_MINUTES', '0'],
    ['LATCHKEY_SESSION_TTL_MINUTES', '43201'],
    ['LATCHKEY_COOKIE_SECURE', 'maybe'],
    ['LATCHKEY_TRUST_PROXY', '2'],
    ['LATCHKEY_WIRE_VERIFY', 'wire'],
    ['LATCHKEY_BODY_LIMIT_BYTES', '1023'],
    ['LATCHKEY_BODY_LIMIT_BYTES', '1e6'],
    ['LATCHKEY_KEY_CACHE_SIZE', '99'],
    ['LATCHKEY_CHANGE_POLL_MS', '49'],
    ['LATCHKEY_CHANGE_POLL_MS', '1001'],
    ['LATCHKEY_RECORD_FLUSH_MS', '60001'],
    ['LATCHKEY_RECORD_MAX_DELAY_MS', '10'],
    ['LATCHKEY_REFUSAL_FLOOR_MS', '-1'],
    ['LATCHKEY_REFUSAL_FLOOR_MS', '1001'],
    ['LATCHKEY_DB_POOL_SIZE', '0'],
    ['LATCHKEY_DB_POOL_SIZE', '201'],
    ['LATCHKEY_BOOTSTRAP', 'sometimes'],
    ['LATCHKEY_SMTP_URL', 'mail.example.com:25'],
    ['LATCHKEY_SMTP_URL', 'https://mail.example.com'],
    ['LATCHKEY_MAIL_FROM', 'Latchkey'],
    ['LATCHKEY_MAIL_FROM', 'Latchkey <latchkey@example.com>\r\nBcc: all@example.com'],
    ['LATCHKEY_PUBLIC_URL', 'keys.example.com'],
    ['LATCHKEY_PUBLIC_URL', 'ftp://keys.example.com'],
    ['LATCHKEY_PUBLIC_URL', 'https://keys.example.com/?next=x'],
    ['LATCHKEY_REMINDER_INTERVAL_SECONDS', '9'],
    ['LATCHKEY_REMINDER_INTERVAL_SECONDS', '86401'],
    ['LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS', '0'],
    ['LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS', '3601'],
    ['LATCHKEY_STORAGE_MAX_SKEW_SECONDS', '15m'],
    ['LATCHKEY_ACCESS_LOG', '/var/log/access\n.jsonl'],
    ['LATCHKEY_REDIS_URL', '127.0.0.1:6379'],
    ['LATCHKEY_REDIS_URL', 'http://127.0.0.1:6379'],
    ['LATCHKEY_REDIS_PREFIX', 'has space'],
    ['LATCHKEY_REDIS_PREFIX', '{slot}'],
    ['LATCHKEY_RATELIMIT_SYNC_MS', '9'],
    ['LATCHKEY_RATELIMIT_SYNC_MS', '10001'],
    ['LATCHKEY_GUESS_WINDOW_SECONDS', '0'],
    ['LATCHKEY_GUESS_WINDOW_SECONDS', '3601'],
    ['LATCHKEY_GUESS_SOURCE_LIMIT', '0'],
    ['LATCHKEY_GUESS_KEY_LIMIT', 'many'],
    ['LATCHKEY_GUESS_ALERT_FAILURES', '0'],
    ['LATCHKEY_GUESS_ALERT_WINDOW_SECONDS', '30'],
    ['LATCHKEY_GUESS_TRACKED', '999'],
    ['LATCHKEY_LOGIN_WINDOW_SECONDS', '0'],
    ['LATCHKEY_LOGIN_MAX_LOCK_SECONDS', 'soon'],
    ['LATCHKEY_LOGIN_PAIR_FAILURES', '0'],
    ['LATCHKEY_LOGIN_SOURCE_FAILURES', '-1'],
    ['LATCHKEY_LOGIN_ACCOUNT_FAILURES', '1.5'],
    ['LATCHKEY_LOGIN_HASH_CONCURRENCY', '65'],
    ['LATCHKEY_LOGIN_HASH_QUEUE', 'many'],
    ['LATCHKEY_LOGIN_DEVICE_DAYS', '0'],
    ['LATCHKEY_VERIFY_AUTH', 'nobody'],
  ];

  it.each(bad)('stops on %s=%j with one error naming the variable', (name, value) => {
    const error = refusal({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('keeps the error on one line even when the bad value holds line breaks or control characters', () => {
    for (const [name, value] of [
      ['LATCHKEY_PORT', '80\n81'],
      ['LATCHKEY_HOST', 'evil\nLATCHKEY_OK'],
      ['LATCHKEY_LOG_LEVEL', 'info\r\nx'],
      ['LATCHKEY_BOOTSTRAP', 'yes\u001b[2J'],
    ] as const) {
      const error = refusal({ [name]: value });
      expect(error.variable).toBe(name);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
      expect(error.message, name).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('covers every setting that can be wrong', () => {
    const named = new Set(bad.map(([name]) => name));
    for (const name of Object.keys(SETTINGS)) if (name !== 'LATCHKEY_DATA_DIR') expect(named, name).toContain(name);
  });

  it('refuses an alert window shorter than the guessing window, naming both', () => {
    const error = refusal({ LATCHKEY_GUESS_WINDOW_SECONDS: '120', LATCHKEY_GUESS_ALERT_WINDOW_SECONDS: '60' });
    expect(error.variable).toBe('LATCHKEY_GUESS_ALERT_WINDOW_SECONDS');
    expect(error.message).toBe('LATCHKEY_GUESS_ALERT_WINDOW_SECONDS: must be at least LATCHKEY_GUESS_WINDOW_SECONDS (120), got 60');
  });

  it('needs a sender address to send mail', () => {
    const error = refusal({ LATCHKEY_SMTP_URL: 'smtp://mail.example.com:587' });
    expect(error.variable).toBe('LATCHKEY_MAIL_FROM');
    expect(error.message).toContain('LATCHKEY_SMTP_URL');
  });

  it('does not repeat a master key, database or SMTP password in its errors', () => {
    expect(refusal({ LATCHKEY_SMTP_URL: 'smtp://u:hunter2@[bad' }).message).not.toContain('hunter2');
    expect(refusal({ LATCHKEY_SMTP_URL: 'imap://u:hunter2@mail.example.com' }).message).not.toContain('hunter2');
    expect(refusal({ LATCHKEY_REDIS_URL: 'redis://u:hunter2@[bad' }).message).not.toContain('hunter2');
    expect(refusal({ LATCHKEY_REDIS_URL: 'memcached://u:hunter2@cache' }).message).not.toContain('hunter2');
    const wrongKey = randomBytes(24).toString('base64');
    expect(refusal({ LATCHKEY_MASTER_KEY: wrongKey }).message).not.toContain(wrongKey);
    const goodKey = randomBytes(32).toString('base64');
    const keysError = refusal({ LATCHKEY_MASTER_KEYS: `${goodKey},${wrongKey}` });
    expect(keysError.message).toContain('key 2');
    expect(keysError.message).not.toContain(wrongKey);
    expect(keysError.message).not.toContain(goodKey);
  });

  it('refuses LATCHKEY_MASTER_KEY and LATCHKEY_MASTER_KEYS together', () => {
    const key = randomBytes(32).toString('base64');
    const error = refusal({ LATCHKEY_MASTER_KEY: key, LATCHKEY_MASTER_KEYS: key });
    expect(error.variable).toBe('LATCHKEY_MASTER_KEYS');
    expect(error.message).toContain('LATCHKEY_MASTER_KEY');
    const url = 'mysql://root:hunter2hunter2@localhost/db';
    expect(refusal({ LATCHKEY_DATABASE_URL: url }).message).not.toContain('hunter2');
    expect(refusal({ LATCHKEY_DATABASE_URL: 'postgres://root:hunter2@[bad' }).message).not.toContain('hunter2');
  });

  it('refuses unknown LATCHKEY_* variables, such as a misspelt setting', () => {
    const error = refusal({ LATCHKEY_PROT: '9090' });
    expect(error.variable).toBe('LATCHKEY_PROT');
    expect(error.message).toContain('LATCHKEY_PORT');
  });

  it('allows LATCHKEY_TEST_* variables, which belong to the test suites', () => {
    expect(loadConfig({ LATCHKEY_TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' })).toEqual(loadConfig({}));
  });
});
