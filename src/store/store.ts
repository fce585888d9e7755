import { CamelCasePlugin, Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { join } from 'node:path';
import type { StoreDialect } from './dialects/dialect.js';
import { createPostgresDialect } from './dialects/postgres.js';
import { createSqliteDialect } from './dialects/sqlite.js';
import { initialMigration } from './migrations/001-initial.js';
import { metaMigration } from './migrations/002-meta.js';
import { stepUpNotificationsMigration } from './migrations/003-step-up-notifications.js';
import { seenSignaturesMigration } from './migrations/004-seen-signatures.js';
import { derivedCsrfMigration } from './migrations/005-derived-csrf.js';
import type { Database } from './schema.js';
import { AccessKeysRepo } from './repos/access-keys-repo.js';
import { AccessRecordsRepo } from './repos/access-records-repo.js';
import { AuditRepo } from './repos/audit-repo.js';
import { ChangesRepo } from './repos/changes-repo.js';
import { ExpiryRemindersRepo } from './repos/expiry-reminders-repo.js';
import { GroupsRepo } from './repos/groups-repo.js';
import { LoginFailuresRepo } from './repos/login-failures-repo.js';
import { MailOutboxRepo } from './repos/mail-outbox-repo.js';
import { MetaRepo } from './repos/meta-repo.js';
import { NotificationsRepo } from './repos/notifications-repo.js';
import { RolesRepo } from './repos/roles-repo.js';
import { SessionsRepo } from './repos/sessions-repo.js';
import { TenantsRepo } from './repos/tenants-repo.js';
import { TotpRepo } from './repos/totp-repo.js';
import { UsersRepo } from './repos/users-repo.js';

export const SQLITE_FILE = 'latchkey.db';

export interface StoreOptions {
  /** postgres://… for PostgreSQL; null for the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
}

export interface Store {
  readonly dialect: StoreDialect;
  readonly db: Kysely<Database>;
  readonly tenants: TenantsRepo;
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly loginFailures: LoginFailuresRepo;
  readonly roles: RolesRepo;
  readonly groups: GroupsRepo;
  readonly accessKeys: AccessKeysRepo;
  readonly accessRecords: AccessRecordsRepo;
  readonly audit: AuditRepo;
  readonly changes: ChangesRepo;
  readonly meta: MetaRepo;
  readonly totp: TotpRepo;
  readonly notifications: NotificationsRepo;
  readonly outbox: MailOutboxRepo;
  readonly expiryReminders: ExpiryRemindersRepo;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

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
  const migrator = new Migrator({
    db,
    provider: new StaticMigrations({
      '001-initial': initialMigration(dialect),
      '002-meta': metaMigration(),
      '003-step-up-notifications': stepUpNotificationsMigration(),
      '004-seen-signatures': seenSignaturesMigration(),
      '005-derived-csrf': derivedCsrfMigration(),
    }),
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
  });
  return {
    dialect,
    db,
    tenants: new TenantsRepo(db),
    users: new UsersRepo(db),
    sessions: new SessionsRepo(db),
    loginFailures: new LoginFailuresRepo(db),
    roles: new RolesRepo(db),
    groups: new GroupsRepo(db),
    accessKeys: new AccessKeysRepo(db, dialect),
    accessRecords: new AccessRecordsRepo(db, dialect),
    audit: new AuditRepo(db),
    changes: new ChangesRepo(db),
    meta: new MetaRepo(db),
    totp: new TotpRepo(db),
    notifications: new NotificationsRepo(db),
    outbox: new MailOutboxRepo(db),
    expiryReminders: new ExpiryRemindersRepo(db),
    async migrate() {
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => dialect.close(db),
  };
}
