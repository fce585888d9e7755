import type { Kysely, Migration } from 'kysely';

/**
 * Issue 3: step-up verification on the session row, TOTP credentials, notifications, the mail
 * outbox and expiry reminder markers. Everything here is shared by every process through the
 * database; nothing of it lives only in one process's memory.
 */
export function stepUpNotificationsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      // The last successful verification and the pending email code (a keyed digest, never the code).
      for (const [name, type] of [
        ['step_up_verified_at', 'bigint'],
        ['step_up_method', 'text'],
        ['step_up_code_digest', 'text'],
        ['step_up_code_expires_at', 'bigint'],
        ['step_up_code_sent_at', 'bigint'],
      ] as const) {
        await db.schema.alterTable('sessions').addColumn(name, type).execute();
      }
      await db.schema
        .alterTable('sessions')
        .addColumn('step_up_code_wrong_tries', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      // One authenticator per user: pending until a first code confirms it. The secret is sealed
      // under the master key; last_counter is the last accepted time step (replay refusal).
      await db.schema
        .createTable('totp_credentials')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('secret_envelope', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('last_counter', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .execute();
      await db.schema.createIndex('notifications_user_created').on('notifications').columns(['user_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('notifications_user_read').on('notifications').columns(['user_id', 'read_at']).execute();

      // Mail waits here, written in the transaction of what caused it; any process's sender claims
      // a row (claim_token + claimed_until) before sending it. The body is sealed and forgotten once sent.
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body_envelope', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('discard_after', 'bigint')
        .addColumn('claim_token', 'text')
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('mail_outbox_status_next').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();

      // One row per key and expiry date reminded: the primary key makes the reminder happen once
      // across processes, and a new expiry date is a new row (extending re-arms the reminder).
      await db.schema
        .createTable('expiry_reminders')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('reminded_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('expiry_reminders_pk', ['access_key_id', 'expires_at'])
        .execute();

      await db.schema.createIndex('access_keys_tenant_expires').on('access_keys').columns(['tenant_id', 'expires_at']).execute();
    },
  };
}
