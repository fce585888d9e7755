import type { SealingKeys } from '../crypto/envelope.js';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from './actor.js';
import { AccessLogStream } from './access-log.js';
import { AccessRecorder } from './access-recorder.js';
import { AuditService } from './audit-service.js';
import { AuthService, type LoginSettings } from './auth-service.js';
import { ExpiryReminders } from './expiry-reminders.js';
import { UnusedKeys } from './unused-keys.js';
import { DEFAULT_GUESS_SETTINGS, GuessGuard, type GuessSettings } from './guess-guard.js';
import { KeyCache, REFRESH_TICK_MS } from './key-cache.js';
import { KeysService } from './keys-service.js';
import { KeyImportService } from './key-import-service.js';
import { LeaksService } from './leaks-service.js';
import { MailOutbox } from './mail-outbox.js';
import { MailSender } from './mail-sender.js';
import { purgeExpired } from './maintenance.js';
import { PasswordRecoveryService } from './password-recovery.js';
import { NotificationsService } from './notifications-service.js';
import { RolesService } from './roles-service.js';
import type { SigningSettings } from './signing-rules.js';
import { StepUpService } from './step-up-service.js';
import { TenantsService } from './tenants-service.js';
import { TotpService } from './totp-service.js';
import { UsageControlsService } from './usage-controls-service.js';
import { UsageService } from './usage-service.js';
import { UnderAttackAlerts } from './under-attack-alerts.js';
import { UsersService } from './users-service.js';
import { VerificationService } from './verification-service.js';
import { CreditBatcher } from './usage-controls/credit-batcher.js';
import { DatabaseRateLimiter } from './usage-controls/database-limiter.js';
import { LocalRateLimiter } from './usage-controls/local-limiter.js';
import type { RateLimiter } from './usage-controls/rate-limiter.js';
import { RedisRateLimiter } from './usage-controls/redis-limiter.js';
import { UsageGate } from './usage-controls/usage-gate.js';

/** Mail settings (LATCHKEY_SMTP_URL, LATCHKEY_MAIL_FROM, LATCHKEY_PUBLIC_URL); no smtpUrl = no mail. */
export interface MailSettings {
  smtpUrl: string | null;
  from: string | null;
  /** Where the console is reached, for links in mails. */
  publicUrl: string;
  /** Tries before a mail is given up (default MAIL_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export interface ServicesOptions {
  store: Store;
  logger: Logger;
  masterKey: SealingKeys;
  /** Clock skew allowed to signed requests, from the configuration. */
  signing: SigningSettings;
  clock?: Clock;
  sessionTtlMinutes: number;
  keyCacheSize: number;
  changePollMs: number;
  recordFlushMs: number;
  /** The longest wait between costly usage writes (default 30 s). */
  recordMaxDelayMs?: number;
  /** Where every verification attempt goes as a JSON line: 'stdout', a file path, or null for nowhere. */
  accessLog?: string | null;
  /** Without it, no mail is sent (notifications still reach the bell). */
  mail?: MailSettings;
  /** How often the expiry reminder pass runs (default one minute). */
  reminderIntervalMs?: number;
  /** How often the mail sender looks at the outbox for mail queued by other processes or due a retry. */
  mailPollMs?: number;
  /** Throttled guessing thresholds (LATCHKEY_GUESS_*; default DEFAULT_GUESS_SETTINGS). */
  guess?: GuessSettings;
  /** Sign-in thresholds (LATCHKEY_LOGIN_*; default DEFAULT_LOGIN_SETTINGS). */
  login?: LoginSettings;
  /** Where rate limits are counted (LATCHKEY_REDIS_URL, LATCHKEY_RATELIMIT_SYNC_MS); default: memory on SQLite, the database on PostgreSQL. */
  rateLimits?: RateLimitSettings;
}

export interface RateLimitSettings {
  redisUrl: string | null;
  syncMs: number;
  /** Prefix of the Redis keys (tests give each run its own). */
  redisPrefix?: string;
}

/** Redis when configured; else this process's memory on SQLite (one process), the database's shared counts on PostgreSQL (several). */
function rateLimiterFor(store: Store, logger: Logger, clock: Clock, settings: RateLimitSettings): RateLimiter {
  const now = () => clock.now().getTime();
  if (settings.redisUrl !== null) return new RedisRateLimiter({ url: settings.redisUrl, logger, now, ...(settings.redisPrefix !== undefined && { prefix: settings.redisPrefix }) });
  if (store.dialect.name === 'postgres') return new DatabaseRateLimiter({ store, syncMs: settings.syncMs, logger, now });
  return new LocalRateLimiter({ now });
}

/** The database as the HTTP layer and the CLI may see it: its name and health, never its repositories. */
export interface DatabaseHealth {
  readonly name: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** True when the error means the database cannot be reached (answer 503, fail closed). */
  isUnavailable(error: unknown): boolean;
}

export interface Services {
  database: DatabaseHealth;
  clock: Clock;
  audit: AuditService;
  auth: AuthService;
  tenants: TenantsService;
  users: UsersService;
  roles: RolesService;
  keys: KeysService;
  /** Identities and credit changes (issue 11). */
  usageControls: UsageControlsService;
  usage: UsageService;
  keyCache: KeyCache;
  recorder: AccessRecorder;
  verification: VerificationService;
  totp: TotpService;
  /** "Forgot password" by email (available only with SMTP). */
  recovery: PasswordRecoveryService;
  stepUp: StepUpService;
  notifications: NotificationsService;
  reminders: ExpiryReminders;
  /** Disables keys unused for the tenant's disableUnusedAfterDays, after a reminder (runs with the expiry reminders). */
  unusedKeys: UnusedKeys;
  /** Failed verifications counted per source and key ID (RATE_LIMITED). */
  guesses: GuessGuard;
  /** Keys imported from another system (POST /v1/access-keys/import, latchkey keys import). */
  keyImport: KeyImportService;
  /** Leaked tokens reported by scanners (POST /v1/leaks) or revoked by their holders. */
  leaks: LeaksService;
  /** key.under_attack alerts being written (`settled()` waits for them). */
  underAttack: UnderAttackAlerts;
  /** Null when no SMTP server is configured. */
  mailSender: MailSender | null;
  /** Usage control at verification: IP allowlists, rate limits (its `limiter` says where they are counted), credits. */
  usageGate: UsageGate;
  /** Starts background work: change polling, hourly purges, expiry reminders, unused keys and the mail sender. */
  start(): Promise<void>;
  /** Stops background work (letting a reminder pass or a mail in flight finish) and writes buffered access records. */
  stop(): Promise<void>;
}

const RATE_LIMIT_MODES = {
  memory: 'in this process (exact for one process)',
  redis: 'in Redis (exact across processes)',
  database: 'in each process and synchronised through the database (bounded overshoot across processes; see README, Rate limits)',
} as const;

const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createServices(options: ServicesOptions): Services {
  const { store, logger, masterKey } = options;
  const clock = options.clock ?? systemClock;
  const audit = new AuditService({ store, clock, logger });
  const keyCache = new KeyCache({ store, max: options.keyCacheSize });
  // This process drops what a write changed as soon as it commits; other processes on their next poll (which here skips these rows).
  const stopEvicting = store.onCommit((changes, seqs) => {
    for (const change of changes) keyCache.evict(change);
    keyCache.evictedOnCommit(seqs);
  });
  const accessLog = options.accessLog ? new AccessLogStream(options.accessLog, (dropped) => logger.warn({ dropped }, 'the access log could not keep up; lines were dropped')) : null;
  const recorder = new AccessRecorder({ store, logger, flushMs: options.recordFlushMs, ...(options.recordMaxDelayMs !== undefined && { maxDelayMs: options.recordMaxDelayMs }), accessLog });
  const timers: NodeJS.Timeout[] = [];
  let polling = false;

  const mail = options.mail ?? { smtpUrl: null, from: null, publicUrl: 'http://127.0.0.1:8080' };
  if (mail.smtpUrl && !mail.from) throw new Error('createServices: mail.from is required when mail.smtpUrl is set');
  const mailSender =
    mail.smtpUrl && mail.from
      ? new MailSender({
          store,
          logger,
          clock,
          masterKey,
          transport: nodemailer.createTransport({ url: mail.smtpUrl, ...SMTP_TIMEOUTS }),
          from: mail.from,
          pollMs: options.mailPollMs ?? 5_000,
          ...(mail.maxAttempts !== undefined && { maxAttempts: mail.maxAttempts }),
        })
      : null;
  const outbox = new MailOutbox({ clock, masterKey, configured: mailSender !== null, onQueued: () => mailSender?.wake() });
  const notifications = new NotificationsService({ store, clock, mail: outbox, publicUrl: mail.publicUrl });
  const totp = new TotpService({ store, clock, audit, masterKey });
  const stepUp = new StepUpService({ store, clock, audit, masterKey, mail: outbox, totp });
  /** A sealed secret that does not open under its own key ID and tenant: tampered with, never a client's mistake. */
  const sealBroken = ({ tenantId, accessKeyId }: { tenantId: string; accessKeyId: string }): void => {
    logger.error(
      { tenantId, accessKeyId },
      "an access key's sealed secret does not open under its key ID and tenant: its row was altered or given another key's secret (or sealed under another master key); signed requests with it and reveals are refused until it is rotated",
    );
    audit
      .recordBySystem(tenantId, { action: 'access_key.secret_unreadable', targetType: 'access_key', targetId: accessKeyId, result: 'failure', details: { reason: 'SEALED_SECRET_INVALID' } })
      .catch((error: unknown) => logger.error({ err: error, accessKeyId }, 'could not audit an unreadable sealed secret'));
  };
  const keys = new KeysService({ store, clock, audit, masterKey, stepUp, notifications, onSealBroken: sealBroken });
  const reminders = new ExpiryReminders({ store, clock, logger, notifications });
  const unusedKeys = new UnusedKeys({ store, clock, logger, audit, notifications });
  const underAttack = new UnderAttackAlerts({ store, clock, logger, audit, notifications });
  const guesses: GuessGuard = new GuessGuard({
    settings: options.guess ?? DEFAULT_GUESS_SETTINGS,
    onAttack: (key, attack) => underAttack.raise(key, attack, () => guesses.alertFailed(key.accessKeyId)),
  });
  const usageGate = new UsageGate({
    limiter: rateLimiterFor(store, logger, clock, options.rateLimits ?? { redisUrl: null, syncMs: 100 }),
    // Guarded UPDATEs (never below zero, whatever other processes spend meanwhile), one in flight per key and process.
    spendCredits: new CreditBatcher((spend) => store.credits.spend(spend)).spend,
  });
  const recovery = new PasswordRecoveryService({ store, clock, audit, logger, mail: outbox, publicUrl: mail.publicUrl });
  const verification = new VerificationService({
    keys: keyCache,
    recorder,
    clock,
    masterKey,
    store,
    signing: options.signing,
    guesses,
    onSealBroken: sealBroken,
    usage: usageGate,
  });
  const leaks = new LeaksService({ store, clock, audit, notifications, verification, logger });
  let reminding: Promise<unknown> | null = null;
  const remind = () => {
    reminding ??= reminders
      .run()
      .catch((error: unknown) => logger.warn({ err: error }, 'expiry reminders failed; will retry'))
      .then(() => unusedKeys.run())
      .catch((error: unknown) => logger.warn({ err: error }, 'unused-key pass failed; will retry'))
      .finally(() => (reminding = null));
    return reminding;
  };

  return {
    database: { name: store.dialect.name, ping: () => store.ping(), isUnavailable: (error) => store.dialect.isUnavailable(error) },
    clock,
    audit,
    keyCache,
    recorder,
    totp,
    stepUp,
    notifications,
    reminders,
    unusedKeys,
    guesses,
    underAttack,
    mailSender,
    usageGate,
    recovery,
    auth: new AuthService({ store, clock, audit, sessionTtlMinutes: options.sessionTtlMinutes, totp, masterKey, ...(options.login && { login: options.login }) }),
    tenants: new TenantsService({ store, clock, audit, mailConfigured: mailSender !== null }),
    users: new UsersService({ store, clock, audit, notifications, totp }),
    roles: new RolesService({ store, clock, audit, notifications }),
    keys,
    usageControls: new UsageControlsService({ store, clock, audit }),
    usage: new UsageService({ store, clock, keys }),
    verification,
    leaks,
    keyImport: new KeyImportService({ store, clock, audit, masterKey, stepUp }),
    async start() {
      await keyCache.start();
      await usageGate.limiter.start();
      logger.info({ mode: usageGate.limiter.mode }, `rate limits are counted ${RATE_LIMIT_MODES[usageGate.limiter.mode]}`);
      const poll = setInterval(() => {
        if (polling) return;
        polling = true;
        keyCache
          .poll()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not read key changes; will retry'))
          .finally(() => (polling = false));
      }, options.changePollMs);
      // The backstop behind the change log: a few entries read again per tick (see KeyCache.refresh).
      const refresh = setInterval(() => {
        keyCache.refresh().catch((error: unknown) => logger.warn({ err: error }, 'could not refresh cached keys; will retry'));
      }, REFRESH_TICK_MS);
      const purge = setInterval(() => {
        purgeExpired(store, clock, logger).catch((error: unknown) => logger.warn({ err: error }, 'purge failed; will retry'));
      }, 3_600_000);
      const remindTimer = setInterval(() => void remind(), options.reminderIntervalMs ?? 60_000);
      poll.unref();
      refresh.unref();
      purge.unref();
      remindTimer.unref();
      timers.push(poll, refresh, purge, remindTimer);
      await purgeExpired(store, clock, logger);
      mailSender?.start();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await reminding;
      await underAttack.settled();
      await recovery.settled();
      await mailSender?.stop();
      await recorder.close();
      await usageGate.limiter.stop().catch((error: unknown) => logger.warn({ err: error }, 'could not write the last rate-limit counts'));
      stopEvicting();
    },
  };
}
