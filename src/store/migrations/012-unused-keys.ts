import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13 item 5, unused keys: when a key was last enabled (a key an administrator re-enabled
 * counts as unused from then on, not from its last use before), and one row per key and quiet
 * period reminded, so the reminder goes once across processes.
 */
export function unusedKeysMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('access_keys').addColumn('enabled_at', 'bigint').execute();
      // idle_since: the start of the quiet period reminded of (last use, else creation or
      // re-enabling). A use starts a new period, which is reminded of again; the primary key
      // makes each reminder happen once whichever process writes it first.
      await db.schema
        .createTable('unused_key_reminders')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('idle_since', 'bigint', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('reminded_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('unused_key_reminders_pk', ['access_key_id', 'idle_since'])
        .execute();
    },
  };
}
