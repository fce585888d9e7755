import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13 part 4, leak response: one row per report that a key's token was found in the wild
 * (by a scanner through POST /v1/leaks, or by its holder through self-revoke). Where it was
 * found (url, source), never the token. A key's latest report is its leak flag.
 */
export function leaksMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('key_leaks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('access_key_id', 'text', (c) => c.notNull().references('access_keys.id').onDelete('cascade'))
        .addColumn('reported_at', 'bigint', (c) => c.notNull())
        .addColumn('reported_by', 'text', (c) => c.notNull())
        .addColumn('reporter_key_id', 'text')
        .addColumn('token_type', 'text')
        .addColumn('url', 'text')
        .addColumn('source', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('key_leaks_key').on('key_leaks').columns(['access_key_id', 'reported_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('key_leaks').execute();
    },
  };
}
