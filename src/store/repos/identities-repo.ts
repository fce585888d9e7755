import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import { containsText } from '../like.js';
import type { Identity } from '../../core/key-controls.js';
import type { Page } from '../../core/model.js';
import type { CreditRefill, RateLimitSpec } from '../../core/usage-controls.js';
import { toPage } from '../paging.js';
import { identityFromRow } from '../rows.js';
import type { Database } from '../schema.js';
import type { ChangeRecorder } from './changes-repo.js';

/** What PUT /v1/identities/{externalId} sets: the whole identity (null: none, unlimited credits). */
export interface IdentityValues {
  ratelimits: RateLimitSpec[] | null;
  meta: Record<string, unknown> | null;
  credits: { remaining: number; refill: CreditRefill | null } | null;
}

/**
 * Identities, one per tenant and externalId. Every write names the identity in the change log,
 * so each process evicts the cached keys with that externalId (KeyIndex, no scan).
 */
export class IdentitiesRepo {
  private readonly db: Kysely<Database>;
  private readonly changes: ChangeRecorder;

  constructor(options: { db: Kysely<Database>; changes: ChangeRecorder }) {
    this.db = options.db;
    this.changes = options.changes;
  }

  async find(tenantId: string, externalId: string): Promise<Identity | null> {
    const row = await this.db.selectFrom('identities').selectAll().where('tenantId', '=', tenantId).where('externalId', '=', externalId).executeTakeFirst();
    return row ? identityFromRow(row) : null;
  }

  /** A page of the tenant's identities, newest first; `contains`: only those whose external ID contains it (lower case given, any case matched). */
  async list(tenantId: string, options: { cursor: CursorPosition | null; limit: number; contains: string | null }): Promise<Page<Identity>> {
    let q = this.db.selectFrom('identities').selectAll().where('tenantId', '=', tenantId);
    if (options.contains !== null) {
      const contains = options.contains;
      q = q.where((eb) => containsText(eb.ref('externalId'), contains));
    }
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('externalId', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('externalId', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(
      rows,
      options.limit,
      (r) => ({ at: Number(r.createdAt), id: r.externalId }),
      (r) => identityFromRow(r),
    );
  }

  /**
   * Creates or replaces the identity; returns whether it was created. Credits given are set as
   * given (a refill's clock starts now); credits null makes them unlimited.
   */
  async put(tenantId: string, externalId: string, values: IdentityValues, now: Date): Promise<'created' | 'replaced'> {
    await this.changes.record({ tenantId, externalId });
    const at = now.getTime();
    const columns = {
      ratelimits: values.ratelimits === null ? null : JSON.stringify(values.ratelimits),
      meta: values.meta === null ? null : JSON.stringify(values.meta),
      creditsRemaining: values.credits?.remaining ?? null,
      creditsRefill: values.credits?.refill ? JSON.stringify(values.credits.refill) : null,
      creditsLastRefillAt: values.credits?.refill ? at : null,
      updatedAt: at,
    };
    const existed = await this.db.selectFrom('identities').select('externalId').where('tenantId', '=', tenantId).where('externalId', '=', externalId).executeTakeFirst();
    if (existed) {
      await this.db.updateTable('identities').set(columns).where('tenantId', '=', tenantId).where('externalId', '=', externalId).execute();
      return 'replaced';
    }
    await this.db
      .insertInto('identities')
      .values({ tenantId, externalId, createdAt: at, ...columns })
      // Two first PUTs at once: the later one replaces, as if it had come second.
      .onConflict((oc) => oc.columns(['tenantId', 'externalId']).doUpdateSet(columns))
      .execute();
    return 'created';
  }

  /** Removes the identity (its keys keep their externalId and lose its limits and credits). */
  async delete(tenantId: string, externalId: string): Promise<boolean> {
    await this.changes.record({ tenantId, externalId });
    const result = await this.db.deleteFrom('identities').where('tenantId', '=', tenantId).where('externalId', '=', externalId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
