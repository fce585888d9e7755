import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import type { StoreDialect } from './dialect.js';
import { createSqliteKeyLookup } from './sqlite-key-lookup.js';
import { createSqliteUsageWriter } from './sqlite-usage-writer.js';

const BUSY_TIMEOUT_MS = 5000;

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). The usage writer commits
 * from its own connection at any time; a deferred transaction that had read before it wrote could
 * then not be upgraded and would fail at once with SQLITE_BUSY, busy timeout or not.
 */
class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionsDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.#config);
  }
}

/** Embedded SQLite: WAL for concurrent readers, synchronous=FULL so a commit survives power loss. */
export function createSqliteDialect(file: string): StoreDialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const usage = createSqliteUsageWriter({ file, database, busyTimeoutMs: BUSY_TIMEOUT_MS });
  const keyLookup = createSqliteKeyLookup({ file, database });
  return {
    name: 'sqlite',
    kyselyDialect: new ImmediateTransactionsDialect({ database }),
    serialType: 'integer',
    serialPrimaryKey: (col) => col.primaryKey().autoIncrement(),
    lockUser: async () => {},
    isUniqueViolation: (error) => typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
    isUnavailable: (error) => {
      const code = String((error as { code?: unknown } | null)?.code ?? '');
      return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_BUSY');
    },
    usage,
    keyLookup,
    close: async (db) => {
      keyLookup.close();
      await usage.close();
      await db.destroy();
    },
  };
}
