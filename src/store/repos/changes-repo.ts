import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * What a write changed, as far as verification cares: one key, one user (their status, role,
 * programmatic access or roles), one role or group (its permissions or links), one identity (its
 * limits, credits or metadata: every key with that externalId), or the whole tenant (its status
 * or policy). Caches evict only what depends on it.
 */
export type Change = { tenantId: string } & ({ accessKeyId: string } | { userId: string } | { roleId: string } | { groupId: string } | { externalId: string } | { tenant: true });

export interface ChangeRow {
  seq: number;
  change: Change;
}

/** Where a writing repository method registers what it changed (see store.transaction). */
export interface ChangeRecorder {
  record(change: Change): Promise<void>;
}

/**
 * A log of changes that affect verification, written in the same transaction as the change
 * (by the unit of work, store.transaction). Every process polls it to drop stale cache entries.
 */
export class ChangesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes the change row; returns its number (seq). */
  async append(change: Change, at: Date): Promise<number> {
    const row = await this.db
      .insertInto('changes')
      .values({
        tenantId: change.tenantId,
        accessKeyId: 'accessKeyId' in change ? change.accessKeyId : null,
        userId: 'userId' in change ? change.userId : null,
        roleId: 'roleId' in change ? change.roleId : null,
        groupId: 'groupId' in change ? change.groupId : null,
        // Only when set: a change row is also written between older migrations (before 010 added the column).
        ...('externalId' in change && { externalId: change.externalId }),
        at: at.getTime(),
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  async latestSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  async since(seq: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.db.selectFrom('changes').select(COLUMNS).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map(changeFromRow);
  }

  /** The rows among `seqs` that exist now (a transaction that took a number may commit late). */
  async bySeqs(seqs: number[]): Promise<ChangeRow[]> {
    if (seqs.length === 0) return [];
    const rows = await this.db.selectFrom('changes').select(COLUMNS).where('seq', 'in', seqs).orderBy('seq').execute();
    return rows.map(changeFromRow);
  }

  async purgeBefore(at: Date): Promise<number> {
    const result = await this.db.deleteFrom('changes').where('at', '<', at.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

const COLUMNS = ['seq', 'tenantId', 'accessKeyId', 'userId', 'roleId', 'groupId', 'externalId'] as const;

/** A row naming nothing (every row before migration 006 that had no key) covers the whole tenant. */
function changeFromRow(r: {
  seq: number;
  tenantId: string;
  accessKeyId: string | null;
  userId: string | null;
  roleId: string | null;
  groupId: string | null;
  externalId: string | null;
}): ChangeRow {
  const tenantId = r.tenantId;
  const change: Change =
    r.accessKeyId !== null
      ? { tenantId, accessKeyId: r.accessKeyId }
      : r.userId !== null
        ? { tenantId, userId: r.userId }
        : r.roleId !== null
          ? { tenantId, roleId: r.roleId }
          : r.groupId !== null
            ? { tenantId, groupId: r.groupId }
            : r.externalId !== null
              ? { tenantId, externalId: r.externalId }
              : { tenantId, tenant: true };
  return { seq: Number(r.seq), change };
}
