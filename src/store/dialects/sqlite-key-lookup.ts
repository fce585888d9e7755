import Database from 'better-sqlite3';
import { KEY_COLUMNS, KEY_JOINS, type KeyLookup, keyLookupRow, linksSql, type RawKeyRow } from './key-lookup.js';

const SQL = `select ${KEY_COLUMNS},
  (select json_group_array(json(l.link)) from (${linksSql((columns) => `json_array(${columns.replace('r.permissions', 'json(r.permissions)')})`, '@id')}) l) as links
  ${KEY_JOINS} where k.id = @id`;

/**
 * The key-cache miss on SQLite: one statement, prepared once, run synchronously (better-sqlite3
 * has no other way) — a few tens of microseconds of event loop.
 *
 * It runs on a read-only connection of its own: the main connection may be inside a management
 * transaction waiting between two statements, and a read there would see (and the cache would
 * keep) rows that may still roll back. In WAL mode this connection reads the last commit without
 * waiting for any writer, and with no busy timeout it never waits on a lock: a busy database
 * fails the lookup (503, fail closed) rather than freezing the event loop. An in-memory database
 * has no file to share, so there the main connection answers.
 */
export function createSqliteKeyLookup(options: { file: string; database: Database.Database }): KeyLookup {
  const own = options.file === ':memory:' ? null : new Database(options.file, { readonly: true, fileMustExist: true });
  own?.pragma('busy_timeout = 0');
  const connection = own ?? options.database;
  let statement: Database.Statement<{ id: string }, RawKeyRow> | null = null;
  return {
    // Prepared on first use: the tables exist only once migrations ran.
    find: async (accessKeyId) => {
      statement ??= connection.prepare<{ id: string }, RawKeyRow>(SQL);
      const raw = statement.get({ id: accessKeyId });
      return raw === undefined ? null : keyLookupRow(raw);
    },
    close: () => own?.close(),
  };
}
