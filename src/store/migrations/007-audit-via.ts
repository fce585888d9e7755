import type { Kysely, Migration } from 'kysely';

/** How an audited action came (console, api or cli); events written before it was recorded have none. */
export function auditViaMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('audit_events').addColumn('via', 'text').execute();
    },
  };
}
