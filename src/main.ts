/**
 * The composition root: config → store → services → HTTP. Nothing else wires rooms together.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { MasterKeyring } from './crypto/keyring.js';
import { type KeyringOptions, loadKeyring, type LoadedKeyring, MasterKeyError, masterKeyFingerprint, readKeyringIfPresent } from './crypto/master-key.js';
import type { App } from './http/app-types.js';
import type { LoginSettings } from './services/auth-service.js';
import type { GuessSettings } from './services/guess-guard.js';
import { MASTER_KEY_FINGERPRINT } from './services/master-key-rotation.js';
import { createServices, type MailSettings, type Services } from './services/services.js';
import type { SigningSettings } from './services/signing-rules.js';
import { createStore, type Store } from './store/store.js';

/** The mail part of the configuration, as createServices takes it. */
export function mailSettingsOf(config: Readonly<Config>): MailSettings {
  return { smtpUrl: config.smtpUrl, from: config.mailFrom, publicUrl: config.publicUrl };
}

/** The signed-request part of the configuration, as createServices takes it. */
export function signingSettingsOf(config: Readonly<Config>): SigningSettings {
  return { maxSkewSeconds: config.signatureMaxSkewSeconds, s3MaxSkewSeconds: config.storageMaxSkewSeconds };
}

/** The throttled-guessing part of the configuration, as createServices takes it. */
export function guessSettingsOf(config: Readonly<Config>): GuessSettings {
  return {
    windowSeconds: config.guessWindowSeconds,
    sourceLimit: config.guessSourceLimit,
    keyLimit: config.guessKeyLimit,
    alertFailures: config.guessAlertFailures,
    alertWindowSeconds: config.guessAlertWindowSeconds,
    tracked: config.guessTracked,
  };
}

/** The sign-in part of the configuration, as createServices takes it. */
export function loginSettingsOf(config: Readonly<Config>): LoginSettings {
  return {
    windowSeconds: config.loginWindowSeconds,
    maxLockSeconds: config.loginMaxLockSeconds,
    pairFailures: config.loginPairFailures,
    sourceFailures: config.loginSourceFailures,
    accountFailures: config.loginAccountFailures,
    hashConcurrency: config.loginHashConcurrency,
    hashQueue: config.loginHashQueue,
    deviceDays: config.loginDeviceDays,
  };
}

/** Where the configuration takes the master keyring from (see loadKeyring). */
export function keyringOptionsOf(config: Readonly<Config>): KeyringOptions {
  if (config.masterKeys) return { fromEnv: config.masterKeys, envName: 'LATCHKEY_MASTER_KEYS', dataDir: config.dataDir };
  return { fromEnv: config.masterKey ? [config.masterKey] : null, envName: 'LATCHKEY_MASTER_KEY', dataDir: config.dataDir };
}

/** Refuses a keyring that does not hold the key the database's sealed values are under (stored on first use). */
export async function checkKeyring(store: Store, loaded: LoadedKeyring, keyring: MasterKeyring): Promise<void> {
  const standing = await store.meta.putIfAbsent(MASTER_KEY_FINGERPRINT, masterKeyFingerprint(keyring.current.key));
  if (keyring.keys.some(({ key }) => masterKeyFingerprint(key) === standing)) return;
  const named = loaded.keys.length === 1 ? `the master key (${loaded.where}) is not` : `none of the master keys (${loaded.where}) is`;
  throw new MasterKeyError(
    `${named} the one this database's secrets are sealed under (master key ${standing.slice(0, 8)}); ` +
      `every process sharing a database needs the same key: set ${loaded.keys.length === 1 ? 'LATCHKEY_MASTER_KEY' : 'LATCHKEY_MASTER_KEYS'} to it on each of them.`,
  );
}

/**
 * Migrations only: no services and no master key, so a database can be prepared (say, by a
 * deploy job) on a machine that holds no key material.
 */
export async function migrateDatabase(config: Readonly<Config>): Promise<{ database: string; applied: string[] }> {
  const store = createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const applied = await store.migrate();
    return { database: store.dialect.name, applied };
  } finally {
    await store.close();
  }
}

export interface Runtime {
  config: Readonly<Config>;
  store: Store;
  services: Services;
  masterKeySource: 'env' | 'file' | 'created';
  /** The master keys this process holds (the current one seals). */
  keyring: MasterKeyring;
  /** The setting or file the keyring came from. */
  keyringWhere: string;
  close(): Promise<void>;
}

/** Store and services, migrated and started: what both the server and the CLI need. */
export async function openRuntime(config: Readonly<Config>, logger: Logger, options: { background?: boolean } = {}): Promise<Runtime> {
  // A given or existing key is checked before anything else; a new one is only made once the
  // database answered, so a start that cannot reach it leaves no key file behind.
  const given = readKeyringIfPresent(keyringOptionsOf(config));
  const store = createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  for (const { file, mode } of store.dialect.exposedFiles ?? []) {
    logger.warn({ file, mode }, `${file} is readable by other users (mode ${mode}): it holds password hashes, emails and access records; run chmod 600 on it`);
  }
  let master: LoadedKeyring;
  let keyring: MasterKeyring;
  try {
    const applied = await store.migrate();
    if (applied.length > 0) logger.info({ migrations: applied, database: store.dialect.name }, 'migrations applied');
    master = given ?? loadKeyring(keyringOptionsOf(config));
    keyring = new MasterKeyring(master.keys);
    await checkKeyring(store, master, keyring);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const services = createServices({
    store,
    logger,
    masterKey: keyring,
    signing: signingSettingsOf(config),
    sessionTtlMinutes: config.sessionTtlMinutes,
    keyCacheSize: config.keyCacheSize,
    changePollMs: config.changePollMs,
    recordFlushMs: config.recordFlushMs,
    recordMaxDelayMs: config.recordMaxDelayMs,
    accessLog: config.accessLog,
    mail: mailSettingsOf(config),
    reminderIntervalMs: config.reminderIntervalSeconds * 1000,
    guess: guessSettingsOf(config),
    login: loginSettingsOf(config),
    rateLimits: { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, syncMs: config.ratelimitSyncMs },
  });
  if (options.background !== false) {
    if (config.smtpUrl === null) {
      logger.warn('LATCHKEY_SMTP_URL is not set: no mail will be sent (expiry reminders reach the bell only; the email step-up method is unavailable)');
    }
    await services.start();
  }
  return {
    config,
    store,
    services,
    masterKeySource: master.source,
    keyring,
    keyringWhere: master.where,
    async close() {
      await services.stop();
      await store.close();
    },
  };
}

/** The folder holding package.json: this file runs from src/ (tests) or dist/src/ (built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`latchkey: cannot find the package folder (package.json) above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export interface Server {
  app: App;
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Readonly<Config>, logger: Logger): Promise<Server> {
  const runtime = await openRuntime(config, logger);
  // Loaded here, not at the top: one-shot CLI commands open a runtime and never need Fastify.
  const { buildApp } = await import('./http/app.js');
  const app = await buildApp({ services: runtime.services, config, logger, consoleDir: join(packageRoot(), 'console', 'dist') });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    close() {
      // Stop taking requests, then write buffered access records, then let go of the database.
      closing ??= (async () => {
        await app.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}
