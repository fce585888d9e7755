import type { Kysely, Migration } from 'kysely';

/**
 * Issue 10, account recovery: "forgot password" links and authenticator recovery codes. Both
 * are stored only as digests (a copy of the database signs nobody in), each usable once.
 */
export function recoveryMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      // One row per emailed link: the SHA-256 of its 256-bit token; used_at is set by the one
      // guarded write that spends it.
      await db.schema
        .createTable('password_resets')
        .addColumn('token_digest', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('password_resets_user').on('password_resets').columns(['user_id', 'created_at']).execute();

      // Ten per user, each a keyed digest (HMAC under a key derived from the master key).
      await db.schema
        .createTable('totp_recovery_codes')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('code_digest', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addPrimaryKeyConstraint('totp_recovery_codes_pk', ['user_id', 'code_digest'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('totp_recovery_codes').execute();
      await db.schema.dropTable('password_resets').execute();
    },
  };
}
