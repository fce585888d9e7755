import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect, sql } from 'kysely';
import { StoreBusyError } from '../../core/errors.js';
import type { StoreDialect } from './dialect.js';
import { createSqliteKeyLookup } from './sqlite-key-lookup.js';
import { createSqliteUsageWriter } from './sqlite-usage-writer.js';

/**
 * How long a statement on the main connection may wait for a write lock another connection holds
 * (the CLI in another process, the usage writer): under the 5 s every request answers in.
 */
export const SQLITE_LOCK_WAIT_MS = 4_000;
/** The usage writer blocks only its own thread while it waits, so it may wait as SQLite does. */
const WORKER_BUSY_TIMEOUT_MS = 5_000;
/** First pause between tries; it doubles up to the longest, so a short lock costs little wait. */
const FIRST_RETRY_MS = 2;
const LONGEST_RETRY_MS = 50;

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLITE_BUSY_SNAPSHOT is left out: trying the same statement again cannot cure it.
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT';
};

/** Kysely's one SQLite connection is used by one caller at a time; callers queue in order. */
class ConnectionMutex {
  #held = false;
  readonly #queue: (() => void)[] = [];
  async lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }
  unlock(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}

/**
 * The main connection runs with busy_timeout 0: SQLite's own busy wait sleeps inside the driver's
 * synchronous call, that is on the event loop, so a lock held by another process froze every
 * request (a cached verification took 4,988 ms). Instead a statement that finds the database
 * locked fails at once and is tried again after a timer, until the deadline set when its caller
 * asked for the connection. A statement that failed with SQLITE_BUSY changed nothing, so trying
 * it again is safe. Between tries, when no transaction is open, the connection is handed to the
 * callers queued behind: reads never wait for the lock (WAL), so they must not wait behind a
 * writer that does.
 */
class LockWaitingConnection implements DatabaseConnection {
  constructor(
    private readonly database: Database.Database,
    private readonly mutex: ConnectionMutex,
    private readonly askedAt: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let pause = FIRST_RETRY_MS;
    for (;;) {
      try {
        return run<R>(this.database, query);
      } catch (error) {
        if (!isBusy(error)) throw error;
        const waited = performance.now() - this.askedAt;
        if (waited >= SQLITE_LOCK_WAIT_MS) throw new StoreBusyError(waited, { cause: error });
        const lend = !this.database.inTransaction;
        if (lend) this.mutex.unlock();
        await sleep(Math.min(pause, SQLITE_LOCK_WAIT_MS - waited));
        if (lend) await this.mutex.lock();
        pause = Math.min(pause * 2, LONGEST_RETRY_MS);
      }
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const row of this.database.prepare(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/** One statement, as Kysely's own SQLite driver runs it. */
function run<R>(database: Database.Database, { sql, parameters }: CompiledQuery): QueryResult<R> {
  const statement = database.prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters as unknown[]) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters as unknown[]);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * Kysely's SQLite driver with the lock wait above, and transactions that take the write lock
 * when they begin (BEGIN IMMEDIATE): the usage writer commits from its own connection at any
 * time, and a deferred transaction that had read before it wrote could then not be upgraded and
 * would fail at once with SQLITE_BUSY. (No savepoints: nothing nests transactions.)
 */
class LockWaitingDriver implements Driver {
  readonly #mutex = new ConnectionMutex();
  constructor(private readonly database: Database.Database) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // The deadline counts from here: time queued behind other callers counts too, so every
    // caller answers within SQLITE_LOCK_WAIT_MS of asking (plus its own work).
    const askedAt = performance.now();
    await this.#mutex.lock();
    return new LockWaitingConnection(this.database, this.#mutex, askedAt);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    this.database.close();
  }
}

class LockWaitingDialect extends SqliteDialect {
  readonly #database: Database.Database;
  constructor(database: Database.Database) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new LockWaitingDriver(this.#database);
  }
}

/** Embedded SQLite: WAL for concurrent readers, synchronous=FULL so a commit survives power loss. */
export function createSqliteDialect(file: string): StoreDialect {
  if (file !== ':memory:') {
    // Password hashes, emails and records: the directory is the owner's alone, and the database
    // is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same mode).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  const exposedFiles = file === ':memory:' ? [] : readableByOthers([file, `${file}-wal`, `${file}-shm`]);
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 0');
  const usage = createSqliteUsageWriter({ file, database, busyTimeoutMs: WORKER_BUSY_TIMEOUT_MS });
  const keyLookup = createSqliteKeyLookup({ file, database });
  return {
    name: 'sqlite',
    kyselyDialect: new LockWaitingDialect(database),
    serialType: 'integer',
    serialPrimaryKey: (col) => col.primaryKey().autoIncrement(),
    compactTable: (builder) => builder.modifyEnd(sql`without rowid`),
    lockUser: async () => {},
    jsonInteger: (column, field) => sql<number>`json_extract(${sql.raw(column)}, ${sql.lit(`$.${field}`)})`,
    isUniqueViolation: (error) => typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
    isUnavailable: (error) => {
      if (error instanceof StoreBusyError) return true;
      const code = String((error as { code?: unknown } | null)?.code ?? '');
      return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_BUSY');
    },
    // Straight on the handle, not through Kysely: a request waiting for another process's lock
    // holds Kysely's one connection, and readiness must not wait behind it. Reading the schema
    // touches the file; in WAL mode a reader never waits for a writer.
    ping: async () => {
      database.prepare('select count(*) from sqlite_schema').get();
    },
    usage,
    keyLookup,
    exposedFiles,
    close: async (db) => {
      keyLookup.close();
      await usage.close();
      await db.destroy();
    },
  };
}

/** Those of the files (that exist) whose mode lets the group or others in, with their mode in octal. */
function readableByOthers(files: readonly string[]): { file: string; mode: string }[] {
  const exposed: { file: string; mode: string }[] = [];
  for (const file of files) {
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      continue;
    }
    if (mode & 0o077) exposed.push({ file, mode: mode.toString(8) });
  }
  return exposed;
}
