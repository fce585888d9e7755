import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { CreditRefill } from '../../core/usage-controls.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import type { ChangeRecorder } from './changes-repo.js';

/** Whose credits: a key's own, or an identity's (shared by every key with its externalId). */
export type CreditsOwner = { tenantId: string; accessKeyId: string } | { tenantId: string; externalId: string };

export interface SpendInput {
  tenantId: string;
  accessKeyId?: string;
  externalId?: string;
  /** Units to take (0 checks without taking; a due refill is still applied). */
  cost: number;
  /** Epoch ms. */
  now: number;
  /**
   * The latest refill time at or before `now` for the credits' refill (core/credit-refill.ts
   * latestRefillAt), or null when they have none: a refill is applied when the last one is older.
   */
  dueRefillAt: number | null;
}

/** ok: the cost was taken (or there are no credits: `remaining` null, unlimited); else nothing changed. */
export interface SpendResult {
  ok: boolean;
  /** Units left after the spend (after a refid refill), or as they are when refused; null: unlimited. */
  remaining: number | null;
}

export interface StoredCredits {
  remaining: number;
  refill: CreditRefill | null;
  lastRefillAt: number | null;
}

export type CreditsChange = { add: number } | { set: number };

/**
 * Credits are spent by verification under concurrent load, from any number of processes, so
 * every spend is one guarded UPDATE: the due refill and the subtraction happen in the statement
 * that checks there is enough, and the database's row lock orders concurrent spends (PostgreSQL
 * re-checks the guard on the row as the earlier spend left it; SQLite has one writer). No read
 * before the write, so no spend can act on a stale count: credits never go below zero.
 */
export class CreditsRepo {
  private readonly db: Kysely<Database>;
  private readonly dialect: StoreDialect;
  private readonly changes: ChangeRecorder;

  constructor(options: { db: Kysely<Database>; dialect: StoreDialect; changes: ChangeRecorder }) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.changes = options.changes;
  }

  async spend(input: SpendInput): Promise<SpendResult> {
    if (!Number.isSafeInteger(input.cost) || input.cost < 0) throw new Error('CreditsRepo.spend: cost must be an integer of at least 0');
    const owner = ownerOf(input);
    const { table, idColumn, id } = target(owner);
    const due = refillDueSql(input.dueRefillAt);
    const available = sql<number>`(case when ${due} then ${this.dialect.jsonInteger('credits_refill', 'amount')} else credits_remaining end)`;
    const result = await sql<{ remaining: number | string }>`update ${sql.raw(table)} set
        credits_remaining = ${available} - ${input.cost},
        credits_last_refill_at = case when ${due} then ${input.now} else credits_last_refill_at end
      where tenant_id = ${owner.tenantId} and ${sql.raw(idColumn)} = ${id} and credits_remaining is not null and ${available} >= ${input.cost}
      returning credits_remaining as remaining`.execute(this.db);
    const row = result.rows[0];
    if (row !== undefined) return { ok: true, remaining: Number(row.remaining) };
    // Refused, or nothing to spend: read what there is (the refill is applied only by a spend that passes).
    const current = await this.find(owner);
    if (current === null) return { ok: true, remaining: null };
    const refilled = current.refill !== null && input.dueRefillAt !== null && (current.lastRefillAt === null || current.lastRefillAt < input.dueRefillAt);
    return { ok: false, remaining: refilled ? current.refill!.amount : current.remaining };
  }

  /** The credits as stored (null: unlimited, or no such key or identity). */
  async find(owner: CreditsOwner): Promise<StoredCredits | null> {
    const { table, idColumn, id } = target(owner);
    const result = await sql<{ remaining: number | string | null; refill: string | null; lastRefillAt: number | string | null }>`select
        credits_remaining as remaining, credits_refill as refill, credits_last_refill_at as last_refill_at
      from ${sql.raw(table)} where tenant_id = ${owner.tenantId} and ${sql.raw(idColumn)} = ${id}`.execute(this.db);
    const row = result.rows[0];
    if (row === undefined || row.remaining === null) return null;
    return {
      remaining: Number(row.remaining),
      refill: row.refill === null ? null : (JSON.parse(row.refill) as CreditRefill),
      lastRefillAt: row.lastRefillAt === null ? null : Number(row.lastRefillAt),
    };
  }

  /**
   * An administrator's change, in one UPDATE: `add` (may be negative; the result stops at zero)
   * to credits that exist, or `set` them (a key or identity with unlimited credits then has
   * that many, without refill). Returns the credits after, 'unlimited' when `add` found none
   * to add to, or null when there is no such key or identity. Runs in store.transaction: `set`
   * can turn unlimited credits into counted ones, which verification must learn (change row).
   */
  async change(owner: CreditsOwner, change: CreditsChange, now: number): Promise<StoredCredits | 'unlimited' | null> {
    const { table, idColumn, id } = target(owner);
    await this.changes.record('accessKeyId' in owner ? { tenantId: owner.tenantId, accessKeyId: owner.accessKeyId } : { tenantId: owner.tenantId, externalId: owner.externalId });
    const value = 'add' in change ? sql`case when credits_remaining + ${change.add} < 0 then 0 else credits_remaining + ${change.add} end` : sql`${change.set}`;
    const result = await sql<{ remaining: number | string }>`update ${sql.raw(table)} set credits_remaining = ${value}, updated_at = ${now}
      where tenant_id = ${owner.tenantId} and ${sql.raw(idColumn)} = ${id}${'add' in change ? sql` and credits_remaining is not null` : sql``}
      returning credits_remaining as remaining`.execute(this.db);
    if (result.rows.length === 0) {
      const exists = await sql`select 1 as one from ${sql.raw(table)} where tenant_id = ${owner.tenantId} and ${sql.raw(idColumn)} = ${id}`.execute(this.db);
      return exists.rows.length === 0 ? null : 'unlimited';
    }
    return this.find(owner);
  }
}

function ownerOf(input: SpendInput): CreditsOwner {
  if (input.accessKeyId !== undefined && input.externalId === undefined) return { tenantId: input.tenantId, accessKeyId: input.accessKeyId };
  if (input.externalId !== undefined && input.accessKeyId === undefined) return { tenantId: input.tenantId, externalId: input.externalId };
  throw new Error('CreditsRepo.spend: give exactly one of accessKeyId and externalId');
}

function target(owner: CreditsOwner): { table: 'access_keys' | 'identities'; idColumn: 'id' | 'external_id'; id: string } {
  return 'accessKeyId' in owner ? { table: 'access_keys', idColumn: 'id', id: owner.accessKeyId } : { table: 'identities', idColumn: 'external_id', id: owner.externalId };
}

/** True in SQL when a refill is due: one is set and the last one is older than the latest refill time. */
function refillDueSql(dueRefillAt: number | null): RawBuilder<boolean> {
  if (dueRefillAt === null) return sql<boolean>`(1 = 0)`;
  return sql<boolean>`(credits_refill is not null and (credits_last_refill_at is null or credits_last_refill_at < ${dueRefillAt}))`;
}
