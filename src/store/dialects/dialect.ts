import type { ColumnDefinitionBuilder, Dialect, Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

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
  /** Work after migrations (e.g. SQLite pragmas already set, PostgreSQL nothing). */
  close(db: Kysely<Database>): Promise<void>;
}
