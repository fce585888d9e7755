import type { Kysely, Migration } from 'kysely';

/**
 * Issue 4: signatures of signed requests accepted under a tenant's replay protection, kept until
 * the request could no longer be accepted anyway. The primary key is what makes a replay lose:
 * two processes given the same request race on one insert and exactly one wins.
 */
export function seenSignaturesMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('seen_signatures')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('seen_signatures_pk', ['access_key_id', 'signature'])
        .execute();
      await db.schema.createIndex('seen_signatures_expires').on('seen_signatures').column('expires_at').execute();
    },
  };
}
