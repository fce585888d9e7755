import type { Kysely, Migration } from 'kysely';

/** Facts about the installation itself (e.g. which master key its secrets are sealed under). */
export function metaMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('latchkey_meta')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
