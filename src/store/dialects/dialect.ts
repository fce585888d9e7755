import type { ColumnDefinitionBuilder, Dialect, Kysely, Transaction } from 'kysely';
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
   * Serialises writers that decide on a count (the key quota): PostgreSQL locks the owner's
   * row; SQLite already has a single writer, so it does nothing.
   */
  lockUser(trx: Transaction<Database>, userId: string): Promise<void>;
  isUniqueViolation(error: unknown): boolean;
  /** True when the error means the database cannot be reached (fail closed, 503). */
  isUnavailable(error: unknown): boolean;
  /** The bulk writer of access records and last-used times (see UsageWriter). */
  readonly usage: UsageWriter;
  /** The key-cache miss: one prepared statement or one query (see key-lookup.ts). */
  readonly keyLookup: KeyLookup;
  /** Lets go of the database (and of the usage writer, after what it was given is written). */
  close(db: Kysely<Database>): Promise<void>;
}

/** One access record as a row: id, tenant_id, access_key_id, at, outcome, code, source_ip, user_agent, scheme, permission, detail. */
export type AccessRecordRow = [
  id: string,
  tenantId: string,
  accessKeyId: string,
  at: number,
  outcome: 'success' | 'failure',
  code: string | null,
  sourceIp: string | null,
  userAgent: string | null,
  scheme: string,
  permission: string | null,
  detail: string | null,
];

/**
 * Access records and last-used times arrive by the thousand per second, so each database writes
 * them its cheapest way: SQLite on a connection of its own in a worker thread (its driver blocks
 * the thread it runs on), PostgreSQL with one array-parameter statement per batch. Each call is
 * one transaction: it lands whole or not at all.
 */
export interface UsageWriter {
  insertAccessRecords(rows: AccessRecordRow[]): Promise<void>;
  /** Raises each key's last-used time to `at` (epoch ms); never lowers it. */
  touchLastUsed(entries: { accessKeyId: string; at: number }[]): Promise<void>;
}
