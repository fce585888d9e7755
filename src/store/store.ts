import { CamelCasePlugin, Kysely, Migrator, type Migration, type MigrationProvider } from 'kysely';
import { join } from 'node:path';
import type { StoreDialect } from './dialects/dialect.js';
import { createPostgresDialect } from './dialects/postgres.js';
import { createSqliteDialect } from './dialects/sqlite.js';
import { initialMigration } from './migrations/001-initial.js';
import { metaMigration } from './migrations/002-meta.js';
import { stepUpNotificationsMigration } from './migrations/003-step-up-notifications.js';
import { seenSignaturesMigration } from './migrations/004-seen-signatures.js';
import { derivedCsrfMigration } from './migrations/005-derived-csrf.js';
import { changeSubjectsMigration } from './migrations/006-change-subjects.js';
import { auditViaMigration } from './migrations/007-audit-via.js';
import { usageRingsMigration } from './migrations/008-usage-rings.js';
import { recoveryMigration } from './migrations/009-recovery.js';
import { unusedKeysMigration } from './migrations/012-unused-keys.js';
import { usageControlsMigration } from './migrations/010-usage-controls.js';
import { ratelimitWindowsMigration } from './migrations/013-ratelimit-windows.js';
import { importedKeysMigration } from './migrations/014-imported-keys.js';
import { leaksMigration } from './migrations/015-leaks.js';
import { hoursFromMinutesMigration } from './migrations/016-hours-from-minutes.js';
import type { Database } from './schema.js';
import { AccessKeysRepo } from './repos/access-keys-repo.js';
import { AccessRecordsRepo } from './repos/access-records-repo.js';
import { AuditRepo } from './repos/audit-repo.js';
import { ChangesRepo, type Change, type ChangeRecorder } from './repos/changes-repo.js';
import { CreditsRepo } from './repos/credits-repo.js';
import { IdentitiesRepo } from './repos/identities-repo.js';
import { ExpiryRemindersRepo } from './repos/expiry-reminders-repo.js';
import { KeyLeaksRepo } from './repos/key-leaks-repo.js';
import { GroupsRepo } from './repos/groups-repo.js';
import { LoginFailuresRepo } from './repos/login-failures-repo.js';
import { MailOutboxRepo } from './repos/mail-outbox-repo.js';
import { MetaRepo } from './repos/meta-repo.js';
import { SealedValuesRepo } from './repos/sealed-values-repo.js';
import { NotificationsRepo } from './repos/notifications-repo.js';
import { RolesRepo } from './repos/roles-repo.js';
import { SessionsRepo } from './repos/sessions-repo.js';
import { TenantsRepo } from './repos/tenants-repo.js';
import { PasswordResetsRepo } from './repos/password-resets-repo.js';
import { RecoveryCodesRepo } from './repos/recovery-codes-repo.js';
import { TotpRepo } from './repos/totp-repo.js';
import { UsageRepo } from './repos/usage-repo.js';
import { UnusedKeysRepo } from './repos/unused-keys-repo.js';
import { UsersRepo } from './repos/users-repo.js';
import { RatelimitWindowsRepo } from './repos/ratelimit-windows-repo.js';

export const SQLITE_FILE = 'latchkey.db';

export interface StoreOptions {
  /** postgres://… for PostgreSQL; null for the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
}

/** The repositories, each bound to one connection: the store's own, or one transaction's. */
export interface Repos {
  readonly tenants: TenantsRepo;
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly loginFailures: LoginFailuresRepo;
  readonly roles: RolesRepo;
  readonly groups: GroupsRepo;
  readonly accessKeys: AccessKeysRepo;
  readonly accessRecords: AccessRecordsRepo;
  readonly usage: UsageRepo;
  readonly audit: AuditRepo;
  readonly changes: ChangesRepo;
  readonly meta: MetaRepo;
  readonly totp: TotpRepo;
  readonly passwordResets: PasswordResetsRepo;
  readonly recoveryCodes: RecoveryCodesRepo;
  readonly notifications: NotificationsRepo;
  readonly outbox: MailOutboxRepo;
  readonly expiryReminders: ExpiryRemindersRepo;
  /** Every sealed value, for master-key rotation (see SealedValuesRepo). */
  readonly sealed: SealedValuesRepo;
  readonly unusedKeys: UnusedKeysRepo;
  /** Usage credits of keys and identities: the atomic spend verification calls, and administrators' changes. */
  readonly credits: CreditsRepo;
  readonly identities: IdentitiesRepo;
  readonly ratelimitWindows: RatelimitWindowsRepo;
  readonly keyLeaks: KeyLeaksRepo;
}

/** The repositories of one transaction (see Store.transaction). */
export type Tx = Repos;

/** Called after each commit (never after a rollback) with what the transaction changed and the numbers of their change rows (`seqs[i]` is `changes[i]`'s). */
export type CommitListener = (changes: readonly Change[], seqs: readonly number[]) => void;

export interface Store extends Repos {
  readonly dialect: StoreDialect;
  /** For migrations and tests that look at rows directly; services use repositories only. */
  readonly db: Kysely<Database>;
  /**
   * One unit of work: `work` gets repositories bound to one transaction, which commits when it
   * resolves and rolls back when it throws. Every write that can change a verification answer
   * registers its change (the repository method does it itself), so the change rows land in
   * this transaction, and after the commit every listener hears what changed (the key cache
   * evicts it). Kysely does not nest transactions: inside `work`, use `tx`, never the store.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Hears every commit's changes; returns the function that stops listening. */
  onCommit(listener: CommitListener): () => void;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Every migration of this build, in order: a database that has applied one not named here comes from a newer build. */
const MIGRATIONS: Record<string, (dialect: StoreDialect) => Migration> = {
  '001-initial': initialMigration,
  '002-meta': metaMigration,
  '003-step-up-notifications': stepUpNotificationsMigration,
  '004-seen-signatures': seenSignaturesMigration,
  '005-derived-csrf': derivedCsrfMigration,
  '006-change-subjects': changeSubjectsMigration,
  '007-audit-via': auditViaMigration,
  '008-usage-rings': usageRingsMigration,
  '009-recovery': recoveryMigration,
  '010-usage-controls': usageControlsMigration,
  '012-unused-keys': unusedKeysMigration,
  '013-ratelimit-windows': ratelimitWindowsMigration,
  '014-imported-keys': importedKeysMigration,
  '015-leaks': leaksMigration,
  '016-hours-from-minutes': hoursFromMinutesMigration,
};

/** The names of this build's migrations, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

class StaticMigrations implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

export function createStore(options: StoreOptions): Store {
  const dialect = options.databaseUrl
    ? createPostgresDialect(options.databaseUrl, options.poolSize === undefined ? {} : { poolSize: options.poolSize })
    : createSqliteDialect(join(options.dataDir, SQLITE_FILE));
  const db = new Kysely<Database>({ dialect: dialect.kyselyDialect, plugins: [new CamelCasePlugin()] });
  return {
    ...storeOn(db, dialect),
    async migrate() {
      const own = dialect.migrationDialect?.();
      const on = own ? new Kysely<Database>({ dialect: own, plugins: [new CamelCasePlugin()] }) : db;
      const m = latchkeyMigrator(on, dialect);
      const { error, results } = await appliedInOrder(m)
        .then(() => m.migrateToLatest())
        .finally(() => (own ? on.destroy() : undefined));
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    close: () => dialect.close(db),
  };
}

/**
 * Kysely's migrator over this build's migrations, the first ones up to `through` (all of them by
 * default; tests make databases of an older schema with it), on the tables Latchkey keeps them in.
 */
export function latchkeyMigrator(db: Kysely<Database>, dialect: StoreDialect, through: string = MIGRATION_NAMES.at(-1)!): Migrator {
  const last = MIGRATION_NAMES.indexOf(through);
  if (last === -1) throw new Error(`latchkeyMigrator: no migration is named ${through}`);
  return new Migrator({
    db,
    provider: new StaticMigrations(Object.fromEntries(MIGRATION_NAMES.slice(0, last + 1).map((name) => [name, MIGRATIONS[name]!(dialect)]))),
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
    // Kysely checks the order of applied migrations by the time each ran: a database restored
    // onto a machine whose clock is behind the one that last migrated it looked "corrupted".
    // The order is checked by name instead (appliedInOrder).
    allowUnorderedMigrations: true,
  });
}

/**
 * Refuses a database whose applied migrations are not the first ones by name (one applied after
 * a missing one): what Kysely's own check guards against, without its dependence on the clock.
 * A migration unknown to this version is refused by Kysely itself.
 */
async function appliedInOrder(m: Migrator): Promise<void> {
  const migrations = await m.getMigrations();
  const pending = migrations.findIndex((info) => info.executedAt === undefined);
  if (pending === -1) return;
  const later = migrations.slice(pending).find((info) => info.executedAt !== undefined);
  if (later !== undefined) throw new Error(`corrupted migrations: ${later.name} was applied but ${migrations[pending]!.name}, which comes before it, was not`);
}

/**
 * A store over an open Kysely (createStore's, or a test's own on the same connection), without
 * migrations of its own; close() lets go of `db`.
 */
export function storeOn(db: Kysely<Database>, dialect: StoreDialect): Omit<Store, 'migrate'> {
  const listeners = new Set<CommitListener>();
  return {
    dialect,
    db,
    ...repos(db, dialect, outsideTransaction, () => Promise.reject(new Error('A row is locked only inside store.transaction.'))),
    async transaction(work) {
      const changes: Change[] = [];
      const seqs: number[] = [];
      const result = await db.transaction().execute((trx) => work(repos(trx, dialect, changeLog(trx, changes, seqs), (userId) => dialect.lockUser(trx, userId))));
      if (changes.length > 0) for (const listener of listeners) listener(changes, seqs);
      return result;
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ping: () => dialect.ping(db),
    close: () => dialect.close(db),
  };
}

/** Writes each change once into the transaction's change log and keeps it for the commit listeners. */
function changeLog(trx: Kysely<Database>, changes: Change[], seqs: number[]): ChangeRecorder {
  const log = new ChangesRepo(trx);
  const seen = new Set<string>();
  return {
    async record(change) {
      const id = JSON.stringify(change);
      if (seen.has(id)) return;
      seen.add(id);
      changes.push(change);
      // The time only bounds how long the row is kept (maintenance purges old rows).
      seqs.push(await log.append(change, new Date()));
    },
  };
}

/**
 * Outside a transaction a change could land without its change row, so such writes are refused:
 * every writing repository method records its change before it writes anything.
 */
const outsideTransaction: ChangeRecorder = {
  record: () => Promise.reject(new Error('A write that can change verification runs in store.transaction (it records its change row there).')),
};

function repos(db: Kysely<Database>, dialect: StoreDialect, changes: ChangeRecorder, lockUser: (userId: string) => Promise<void>): Repos {
  return {
    tenants: new TenantsRepo({ db, changes }),
    users: new UsersRepo({ db, changes, lockUser }),
    sessions: new SessionsRepo(db),
    loginFailures: new LoginFailuresRepo(db),
    roles: new RolesRepo({ db, changes }),
    groups: new GroupsRepo({ db, changes }),
    accessKeys: new AccessKeysRepo({ db, dialect, changes, lockUser }),
    accessRecords: new AccessRecordsRepo(db, dialect),
    usage: new UsageRepo(db, dialect),
    audit: new AuditRepo(db),
    changes: new ChangesRepo(db),
    meta: new MetaRepo(db),
    totp: new TotpRepo(db),
    passwordResets: new PasswordResetsRepo(db),
    recoveryCodes: new RecoveryCodesRepo(db),
    notifications: new NotificationsRepo(db),
    outbox: new MailOutboxRepo(db),
    expiryReminders: new ExpiryRemindersRepo(db),
    sealed: new SealedValuesRepo(db),
    unusedKeys: new UnusedKeysRepo({ db, changes }),
    credits: new CreditsRepo({ db, dialect, changes }),
    identities: new IdentitiesRepo({ db, changes }),
    ratelimitWindows: new RatelimitWindowsRepo(db),
    keyLeaks: new KeyLeaksRepo(db),
  };
}
