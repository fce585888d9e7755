import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13 part 3, keys imported with only a SHA-256 digest of their whole token (from Unkey and
 * the like): such a token is not Latchkey-shaped, so verification finds its key by that digest.
 * Null for every other key; unique where set (two keys cannot answer the same token).
 */
export function importedKeysMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('access_keys').addColumn('token_digest', 'text').execute();
      await db.schema.createIndex('access_keys_token_digest').unique().on('access_keys').column('token_digest').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('access_keys_token_digest').execute();
      await db.schema.alterTable('access_keys').dropColumn('token_digest').execute();
    },
  };
}
