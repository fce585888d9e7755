import type { Kysely, Migration } from 'kysely';

/**
 * CSRF tokens are derived from the session cookie (src/crypto/csrf.ts) instead of stored, so
 * the sessions table no longer holds one in plain text. Open sessions keep working: their
 * console picks up the derived token from GET /v1/me on its next load.
 */
export function derivedCsrfMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('sessions').dropColumn('csrf_token').execute();
    },
  };
}
