import type { ColumnDefinitionBuilder, CreateTableBuilder, Dialect, Kysely, RawBuilder, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { KeyLookup } from './key-lookup.js';

/** Everything that differs between SQLite and PostgreSQL, behind one interface. */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly kyselyDialect: Dialect;
  /** Column type and modifiers of an auto-incrementing integer primary key. */
  serialPrimaryKey(builder: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  readonly serialType: 'integer' | 'bigserial';
  /**
   * Stores a table with a primary key as that key's tree alone (SQLite WITHOUT ROWID), where a
   * row id and a second index would roughly double small rows; PostgreSQL keeps it as is.
   */
  compactTable<T extends string, C extends string>(builder: CreateTableBuilder<T, C>): CreateTableBuilder<T, C>;
  /**
   * Serialises writers that decide on a count (the key quota): PostgreSQL locks the owner's
   * row; SQLite already has a single writer, so it does nothing.
   */
  lockUser(trx: Transaction<Database>, userId: string): Promise<void>;
  isUniqueViolation(error: unknown): boolean;
  /** An integer field of a JSON text column (`column` and `field` are trusted identifiers, never input): credits' refill amount. */
  jsonInteger(column: string, field: string): RawBuilder<number>;
  /** True when the error means the database cannot be reached (fail closed, 503). */
  isUnavailable(error: unknown): boolean;
  /** Resolves when the database answers; never waits behind a lock another connection holds. */
  ping(db: Kysely<Database>): Promise<void>;
  /**
   * A connection of its own for migrations, free of the time limits requests run under (a
   * migration may rewrite a big table); absent when the store's own connection has none.
   */
  migrationDialect?(): Dialect;
  /** Database files found open to the group or others when the store opened (SQLite; the start warns about them). */
  readonly exposedFiles?: readonly { file: string; mode: string }[];
  /** The bulk writer of access records and last-used times (see UsageWriter). */
  readonly usage: UsageWriter;
  /** The key-cache miss: one prepared statement or one query (see key-lookup.ts). */
  readonly keyLookup: KeyLookup;
  /** Lets go of the database (and of the usage writer, after what it was given is written). */
  close(db: Kysely<Database>): Promise<void>;
}

/**
 * One detailed attempt as JSON text: [id, at (epoch ms), code, source_ip, user_agent, scheme,
 * permission, detail (JSON text or null)]. Usage waits in memory as this text's UTF-8 bytes, outside
 * V8's heap (see RecordLog), not as a record object, its Date and its strings: nothing for the
 * garbage collector to copy while it waits, and nothing to serialize again for the write.
 */
export type RecordText = string;

/** A key's records for one ring, oldest first, at most `ringSize` of them. */
export type RingBatch = [accessKeyId: string, outcome: 'success' | 'failure', ringSize: number, records: RecordText[]];

/** Counts to add to one counter row: access_key_id, start, code, total, counts (JSON array). */
export type CounterDelta = [accessKeyId: string, start: number, code: string, total: number, counts: string];

/** What one flush writes, in one transaction. Minute rows are unique per (key, start, code) and sorted by key. */
export interface UsageBatch {
  /** At most one ring per key and outcome. */
  rings: RingBatch[];
  minutes: CounterDelta[];
}

/** A minute row's primary key: where a roll-up goes on from. */
export type MinuteRowKey = [accessKeyId: string, start: number, code: string];

/**
 * Usage data arrives by the thousand per second, so each database writes it its cheapest way:
 * SQLite on a connection of its own in a worker thread (its driver blocks the thread it runs
 * on), PostgreSQL with one array-parameter statement per batch. Each call is one transaction:
 * it lands whole or not at all.
 */
export interface UsageWriter {
  /** Puts records in their key's ring (each overwrites the ring's oldest slot) and adds the counts. */
  writeUsage(batch: UsageBatch): Promise<void>;
  /** Raises each key's last-used time to `at` (epoch ms) with its source address; never lowers it. */
  touchLastUsed(entries: { accessKeyId: string; at: number; ip: string | null }[]): Promise<void>;
  /**
   * Moves up to `limit` minute rows whose hour started at or before `lastStart`, the first ones
   * after `after` in primary-key order, into their day's hour rows (each row's total added to its
   * hour's slot) and deletes them, in one transaction: each attempt is counted in exactly one of
   * the two tables, before and after. Returns how many rows it looked at and the last one's key
   * (null when none), to go on from there; rows another writer holds are left for a later run.
   */
  rollUpMinutes(lastStart: number, after: MinuteRowKey | null, limit: number): Promise<{ rows: number; last: MinuteRowKey | null }>;
}
