/**
 * Backup and restore of the embedded SQLite database (issue 13 item 1).
 *
 * Backup copies through SQLite's online backup API (better-sqlite3's `backup()`) from a
 * connection of its own: a consistent copy of one moment while the server keeps reading and
 * writing (a write by another connection during the copy makes SQLite start the copy again).
 * The copy goes to a temporary file (0600) next to the target and takes the target's name only
 * once it is complete and checked.
 *
 * Restore checks the file first (a SQLite database, intact, with Latchkey's tables and a schema
 * this build knows), then copies it into an empty data directory the same way; the caller
 * applies the migrations of this build after.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A refusal: nothing was written; the message is one line that says why and what to do. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** What a backup file holds, as its rows say. */
export interface BackupSummary {
  file: string;
  bytes: number;
  /** The last migration the file's schema has. */
  schema: string;
  tenants: number;
  users: number;
  accessKeys: { total: number; enabled: number; disabled: number; deleted: number };
  auditEvents: number;
  /** The fingerprint of the master key the file's secrets are sealed under (null: none recorded yet). */
  masterKeyFingerprint: string | null;
}

/** Tables every Latchkey schema since the first has: a file without them is not Latchkey's. */
const CORE_TABLES = ['latchkey_migrations', 'tenants', 'users', 'access_keys', 'audit_events'];

/** The files SQLite keeps for one database. */
const sqliteFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

/**
 * Copies the database `source` into `target` while other connections use it. Refuses an
 * existing target unless `force`. Answers what the copy holds.
 */
export async function backupSqlite(options: { source: string; target: string; force: boolean; knownMigrations: readonly string[] }): Promise<BackupSummary> {
  const target = resolve(options.target);
  if (!existsSync(options.source)) throw new BackupError(`No Latchkey database at ${options.source}: check LATCHKEY_DATA_DIR.`);
  if (sqliteFiles(resolve(options.source)).includes(target)) throw new BackupError(`${target} is the live database (or one of its files): write the backup elsewhere.`);
  if (existsSync(target) && !options.force) throw new BackupError(`${target} already exists: choose another file, or add --force to replace it.`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new BackupError(`${target} is a directory: name a file.`);
  if (!existsSync(dirname(target))) throw new BackupError(`The directory ${dirname(target)} does not exist.`);
  const source = openReadOnly(options.source, `the database ${options.source}`);
  const temporary = join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
  try {
    // The copy gets the full integrity check (summarize); the live database only its schema's.
    latchkeySchema(source, `the database ${options.source}`, options.knownMigrations, false);
    // Created 0600 before SQLite writes into it: the copy holds password hashes and emails.
    closeSync(openSync(temporary, 'wx', 0o600));
    await source.backup(temporary, { progress: () => 1 << 20 });
    // The copy's own journal mode: a file that stands alone (no -wal beside it when moved).
    const copy = new Database(temporary);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const summary = summarize(temporary, target, options.knownMigrations);
    const fd = openSync(temporary, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.force) renameSync(temporary, target);
    else {
      // link() fails if the target appeared meanwhile: a file made since the check is not replaced.
      try {
        linkSync(temporary, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${target} already exists: choose another file, or add --force to replace it.`);
        throw error;
      }
      unlinkSync(temporary);
    }
    return { ...summary, file: target };
  } finally {
    source.close();
    for (const file of sqliteFiles(temporary)) if (existsSync(file)) unlinkSync(file);
  }
}

/**
 * Checks `file` as a backup for this build and answers what it holds; refuses a file that is not
 * a SQLite database, is damaged or cut short, is not Latchkey's, or has a schema newer than this build.
 */
export function inspectSqliteBackup(file: string, knownMigrations: readonly string[]): BackupSummary {
  if (!existsSync(file)) throw new BackupError(`No such file: ${file}.`);
  if (!statSync(file).isFile()) throw new BackupError(`${file} is not a file.`);
  return summarize(file, resolve(file), knownMigrations);
}

/**
 * Copies the backup `file` into `dataDir` as `databaseFile`. The directory must be empty (a
 * master.key file put there first may stay); nothing is changed when it is refused.
 */
export async function restoreSqlite(options: {
  file: string;
  dataDir: string;
  databaseFile: string;
  allowedFiles: readonly string[];
  knownMigrations: readonly string[];
  /** Further checks of the backup before anything is written (throws to refuse). */
  checkBefore?: (summary: BackupSummary) => void;
}): Promise<BackupSummary> {
  const summary = inspectSqliteBackup(options.file, options.knownMigrations);
  options.checkBefore?.(summary);
  if (existsSync(options.dataDir)) {
    if (!statSync(options.dataDir).isDirectory()) throw new BackupError(`LATCHKEY_DATA_DIR ${options.dataDir} is not a directory.`);
    const present = readdirSync(options.dataDir).filter((name) => !options.allowedFiles.includes(name));
    if (present.length > 0) {
      const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? ', …' : '');
      throw new BackupError(`LATCHKEY_DATA_DIR ${options.dataDir} is not empty (${shown}): restore only into an empty data directory.`);
    }
  } else {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  }
  const target = join(options.dataDir, options.databaseFile);
  const temporary = join(options.dataDir, `.${options.databaseFile}.restoring-${randomBytes(6).toString('hex')}`);
  const source = openReadOnly(options.file, options.file);
  try {
    closeSync(openSync(temporary, 'wx', 0o600));
    await source.backup(temporary, { progress: () => 1 << 20 });
    renameSync(temporary, target);
  } catch (error) {
    for (const file of sqliteFiles(temporary)) if (existsSync(file)) unlinkSync(file);
    throw error;
  } finally {
    source.close();
  }
  return summary;
}

/** Removes a restored database again (its migrations failed): the data directory is as it was. */
export function removeRestored(file: string): void {
  for (const each of sqliteFiles(file)) if (existsSync(each)) unlinkSync(each);
}

function openReadOnly(file: string, what: string): Database.Database {
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`Cannot open ${what}: ${(error as Error).message}.`);
  }
}

/** The file's last migration, after checking it is an intact Latchkey database this build can take. */
function latchkeySchema(db: Database.Database, what: string, knownMigrations: readonly string[], integrity = true): string {
  let tables: Set<string>;
  try {
    tables = new Set((db.prepare(`select name from sqlite_schema where type = 'table'`).all() as { name: string }[]).map((row) => row.name));
  } catch (error) {
    throw new BackupError(`${what} is not a SQLite database (${(error as Error).message}).`);
  }
  const missing = CORE_TABLES.filter((table) => !tables.has(table));
  if (missing.length > 0) throw new BackupError(`${what} is not a Latchkey database (no ${missing.join(', ')} table).`);
  let check: string[] = ['ok'];
  if (integrity)
    try {
      check = (db.prepare('pragma integrity_check').all() as { integrity_check: string }[]).map((row) => row.integrity_check);
    } catch (error) {
      throw new BackupError(`${what} is damaged or incomplete (${(error as Error).message}).`);
    }
  if (check.length !== 1 || check[0] !== 'ok') throw new BackupError(`${what} is damaged or incomplete (integrity check: ${check[0] ?? 'no answer'}).`);
  const applied = (db.prepare('select name from latchkey_migrations order by name').all() as { name: string }[]).map((row) => row.name);
  const unknown = applied.filter((name) => !knownMigrations.includes(name));
  if (unknown.length > 0) {
    throw new BackupError(`${what} comes from a newer Latchkey (schema ${unknown.at(-1)}; this build knows up to ${knownMigrations.at(-1)}): restore it with that version or a later one.`);
  }
  if (applied.length === 0) throw new BackupError(`${what} is not a Latchkey database (no migration applied).`);
  return applied.at(-1)!;
}

function summarize(file: string, shownAs: string, knownMigrations: readonly string[]): BackupSummary {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${shownAs} is not a SQLite database (${(error as Error).message}).`);
  }
  try {
    const schema = latchkeySchema(db, shownAs, knownMigrations);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const states = db.prepare('select state, count(*) as n from access_keys group by state').all() as { state: string; n: number }[];
    const byState = (state: string) => states.find((row) => row.state === state)?.n ?? 0;
    const hasMeta = db.prepare(`select 1 from sqlite_schema where type = 'table' and name = 'latchkey_meta'`).get() !== undefined;
    const fingerprint = hasMeta ? ((db.prepare(`select value from latchkey_meta where name = 'master_key_fingerprint'`).get() as { value: string } | undefined)?.value ?? null) : null;
    return {
      file: shownAs,
      bytes: statSync(file).size,
      schema,
      tenants: count('select count(*) as n from tenants'),
      users: count('select count(*) as n from users'),
      accessKeys: { total: states.reduce((sum, row) => sum + row.n, 0), enabled: byState('enabled'), disabled: byState('disabled'), deleted: byState('deleted') },
      auditEvents: count('select count(*) as n from audit_events'),
      masterKeyFingerprint: fingerprint,
    };
  } finally {
    db.close();
  }
}
