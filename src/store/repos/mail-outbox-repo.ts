import type { Kysely } from 'kysely';
import type { Database, MailOutboxTable, MailStatus } from '../schema.js';

export interface OutboxMail {
  id: string;
  tenantId: string;
  /** What the mail is for (`step_up_code`, `notification:key.expiring`), for operators; never its content. */
  purpose: string;
  toAddress: string;
  subject: string;
  /** The text body, sealed under the master key (bound to the mail's ID); null once sent or given up. */
  bodyEnvelope: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: Date;
  /** After this time the mail is pointless (a lapsed code) and is given up instead of sent. */
  discardAfter: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  lastError: string | null;
}

const date = (ms: number) => new Date(Number(ms));

function fromRow(row: MailOutboxTable): OutboxMail {
  return {
    id: row.id,
    tenantId: row.tenantId,
    purpose: row.purpose,
    toAddress: row.toAddress,
    subject: row.subject,
    bodyEnvelope: row.bodyEnvelope,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: date(row.nextAttemptAt),
    discardAfter: row.discardAfter === null ? null : date(row.discardAfter),
    createdAt: date(row.createdAt),
    finishedAt: row.finishedAt === null ? null : date(row.finishedAt),
    lastError: row.lastError,
  };
}

/**
 * The mail outbox. Rows are written in the transaction of what caused them; every process's
 * sender claims a row with one guarded update (a fresh claim token) before sending it, so two
 * processes never send the same mail. A claim lapses after its lease, so a mail claimed by a
 * process that died is picked up again.
 */
export class MailOutboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(mails: { id: string; tenantId: string; purpose: string; toAddress: string; subject: string; bodyEnvelope: string; now: Date; discardAfter: Date | null }[]): Promise<void> {
    if (mails.length === 0) return;
    await this.db
      .insertInto('mailOutbox')
      .values(
        mails.map((m) => ({
          id: m.id,
          tenantId: m.tenantId,
          purpose: m.purpose,
          toAddress: m.toAddress,
          subject: m.subject,
          bodyEnvelope: m.bodyEnvelope,
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: m.now.getTime(),
          discardAfter: m.discardAfter?.getTime() ?? null,
          claimToken: null,
          claimedUntil: null,
          lastError: null,
          createdAt: m.now.getTime(),
          finishedAt: null,
        })),
      )
      .execute();
  }

  /** IDs of mails due now: pending and due, or claimed by a sender whose lease ran out. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('mailOutbox')
      .select('id')
      .where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('nextAttemptAt', '<=', now.getTime())]), eb.and([eb('status', '=', 'sending'), eb('claimedUntil', '<', now.getTime())])]))
      .orderBy('nextAttemptAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Takes a due mail for this sender; null when another sender took it first (or it is not due). */
  async claim(id: string, token: string, now: Date, leaseMs: number): Promise<OutboxMail | null> {
    const result = await this.db
      .updateTable('mailOutbox')
      .set((eb) => ({ status: 'sending', claimToken: token, claimedUntil: now.getTime() + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('nextAttemptAt', '<=', now.getTime())]), eb.and([eb('status', '=', 'sending'), eb('claimedUntil', '<', now.getTime())])]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const row = await this.db.selectFrom('mailOutbox').selectAll().where('id', '=', id).where('claimToken', '=', token).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Sent: the body is forgotten. Only the holder of the claim can finish it. */
  async markSent(id: string, token: string, now: Date): Promise<void> {
    await this.finish(id, token, { status: 'sent', finishedAt: now.getTime(), lastError: null });
  }

  /** Given up (too many tries, or pointless by now): the body is forgotten, the reason kept. */
  async markFailed(id: string, token: string, now: Date, reason: string): Promise<void> {
    await this.finish(id, token, { status: 'failed', finishedAt: now.getTime(), lastError: reason });
  }

  /** Back in the queue for another try at `nextAttemptAt`. */
  async retryLater(id: string, token: string, nextAttemptAt: Date, reason: string): Promise<void> {
    await this.db
      .updateTable('mailOutbox')
      .set({ status: 'pending', nextAttemptAt: nextAttemptAt.getTime(), claimToken: null, claimedUntil: null, lastError: reason })
      .where('id', '=', id)
      .where('claimToken', '=', token)
      .execute();
  }

  async find(id: string): Promise<OutboxMail | null> {
    const row = await this.db.selectFrom('mailOutbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Every mail of a tenant, oldest first (for operators and tests; bodies stay sealed). */
  async listForTenant(tenantId: string): Promise<OutboxMail[]> {
    const rows = await this.db.selectFrom('mailOutbox').selectAll().where('tenantId', '=', tenantId).orderBy('createdAt').orderBy('id').execute();
    return rows.map(fromRow);
  }

  async purgeFinishedBefore(at: Date): Promise<number> {
    const result = await this.db.deleteFrom('mailOutbox').where('status', 'in', ['sent', 'failed']).where('finishedAt', '<', at.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async finish(id: string, token: string, fields: { status: 'sent' | 'failed'; finishedAt: number; lastError: string | null }): Promise<void> {
    await this.db
      .updateTable('mailOutbox')
      .set({ ...fields, bodyEnvelope: null, claimToken: null, claimedUntil: null })
      .where('id', '=', id)
      .where('claimToken', '=', token)
      .execute();
  }
}
