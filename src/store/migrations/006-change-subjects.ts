import type { Kysely, Migration } from 'kysely';

/**
 * A change row names what changed (a user, a role or a group, besides a key), so caches evict
 * the keys that depend on it rather than the whole tenant. Older rows name nothing but maybe a
 * key, and still read as "the whole tenant".
 */
export function changeSubjectsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const column of ['user_id', 'role_id', 'group_id']) await db.schema.alterTable('changes').addColumn(column, 'text').execute();
    },
  };
}
