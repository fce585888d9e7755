import type { Kysely, Migration } from 'kysely';

/**
 * Issue 11, usage control: a key's named rate limits, IP allowlist, metadata, credits (with an
 * optional refill) and the externalId tying it to an identity, the tenant's own customer, whose
 * limits and credits its keys share. Every new column is nullable and null means "none" (no
 * limits, any address, no metadata, unlimited credits), so keys made before read as before.
 * A change row may name an identity: every key with that externalId is evicted.
 */
export function usageControlsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      const keyColumns: [string, 'text' | 'bigint'][] = [
        ['ratelimits', 'text'],
        ['ip_allowlist', 'text'],
        ['meta', 'text'],
        ['external_id', 'text'],
        ['credits_remaining', 'bigint'],
        ['credits_refill', 'text'],
        ['credits_last_refill_at', 'bigint'],
      ];
      // One column per statement: SQLite adds one at a time.
      for (const [column, type] of keyColumns) await db.schema.alterTable('access_keys').addColumn(column, type).execute();
      await db.schema.createIndex('access_keys_external_id').on('access_keys').columns(['tenant_id', 'external_id']).execute();

      await db.schema
        .createTable('identities')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('ratelimits', 'text')
        .addColumn('meta', 'text')
        .addColumn('credits_remaining', 'bigint')
        .addColumn('credits_refill', 'text')
        .addColumn('credits_last_refill_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['tenant_id', 'external_id'])
        .execute();

      await db.schema.alterTable('changes').addColumn('external_id', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('changes').dropColumn('external_id').execute();
      await db.schema.dropTable('identities').execute();
      await db.schema.dropIndex('access_keys_external_id').execute();
      for (const column of ['credits_last_refill_at', 'credits_refill', 'credits_remaining', 'external_id', 'meta', 'ip_allowlist', 'ratelimits'])
        await db.schema.alterTable('access_keys').dropColumn(column).execute();
    },
  };
}
