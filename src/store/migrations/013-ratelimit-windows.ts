import type { Kysely, Migration } from 'kysely';

/**
 * Issue 11, rate limits across processes on PostgreSQL without Redis: one row per counter and
 * window, to which every process adds what it admitted at each sync (see
 * src/services/usage-controls/database-limiter.ts). A row is useless once its window and the
 * next are over (`expires_at`); the sync purges those.
 */
export function ratelimitWindowsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('ratelimit_windows')
        .addColumn('counter', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ratelimit_windows_pk', ['counter', 'window_start'])
        .execute();
      await db.schema.createIndex('ratelimit_windows_expires').on('ratelimit_windows').column('expires_at').execute();
    },
  };
}
