import { sql, type AliasableExpression, type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import { ACCESS_KEY_ID_PREFIX, ACCESS_KEY_ID_RANDOM_LENGTH } from '../../core/key-format.js';
import { encodeKeySortCursor, type KeySearch, type KeySort, type KeySortPosition, type SortOrder } from '../../core/key-search.js';
import type { KeyState } from '../../core/key-state.js';
import type { AccessKey, KeySecrets, KeyType, Page } from '../../core/model.js';
import type { CreditRefill, RateLimitSpec } from '../../core/usage-controls.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { KeyLookupRow } from '../dialects/key-lookup.js';
import type { AccessKeysTable, Database } from '../schema.js';
import { accessKeyFromRow, keySecretsFromRow } from '../rows.js';
import { toPage } from '../paging.js';
import { containsText } from '../like.js';
import type { ChangeRecorder } from './changes-repo.js';

/** Past every real expiry: what "never expires" sorts as (the latest time a Date can hold). */
const NEVER = 8_640_000_000_000_000;

const ACCESS_KEY_ID_LENGTH = ACCESS_KEY_ID_PREFIX.length + ACCESS_KEY_ID_RANDOM_LENGTH;

export interface NewAccessKey {
  key: AccessKey;
  secrets: KeySecrets;
  /** An imported key known only by the SHA-256 (hex) of its whole token. */
  tokenDigest?: string | null;
}

export interface KeyPatch {
  state?: KeyState;
  name?: string;
  expiresAt?: Date | null;
  roleIds?: string[];
  groupIds?: string[];
  /** Usage controls to set (each field given replaces the stored one; null clears it). */
  usage?: UsagePatch;
}

/** Credits as a write sets them: the refill's clock starts at the write. */
export interface UsagePatch {
  ratelimits?: RateLimitSpec[] | null;
  ipAllowlist?: string[] | null;
  meta?: Record<string, unknown> | null;
  externalId?: string | null;
  credits?: { remaining: number; refill: CreditRefill | null } | null;
}

/** The columns a usage patch writes. */
function usageColumns(
  usage: UsagePatch,
  at: number,
): Partial<Pick<AccessKeysTable, 'ratelimits' | 'ipAllowlist' | 'meta' | 'externalId' | 'creditsRemaining' | 'creditsRefill' | 'creditsLastRefillAt'>> {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    ...(usage.ratelimits !== undefined && { ratelimits: json(usage.ratelimits) }),
    ...(usage.ipAllowlist !== undefined && { ipAllowlist: json(usage.ipAllowlist) }),
    ...(usage.meta !== undefined && { meta: json(usage.meta) }),
    ...(usage.externalId !== undefined && { externalId: usage.externalId }),
    ...(usage.credits !== undefined && {
      creditsRemaining: usage.credits?.remaining ?? null,
      creditsRefill: usage.credits?.refill ? JSON.stringify(usage.credits.refill) : null,
      creditsLastRefillAt: usage.credits?.refill ? at : null,
    }),
  };
}

export interface KeyListFilter {
  tenantId: string;
  ownerId?: string | undefined;
  state?: KeyState | undefined;
  type?: KeyType | undefined;
  externalId?: string | undefined;
  /** What a search box asks for (core/key-search.ts): IDs that begin with, or names that contain. */
  search?: KeySearch | undefined;
  /** Another order than newest first; its pages continue from `after` (not from `cursor`). */
  sort?: { by: KeySort; order: SortOrder; after: KeySortPosition | null } | undefined;
  /** Only keys that expire before this time (and have not yet expired at `now`). */
  expiringBefore?: Date | undefined;
  now: Date;
  cursor: CursorPosition | null;
  limit: number;
}

export class AccessKeysRepo {
  private readonly db: Kysely<Database>;
  private readonly dialect: StoreDialect;
  private readonly changes: ChangeRecorder;
  private readonly lockUser: (userId: string) => Promise<void>;

  constructor(options: { db: Kysely<Database>; dialect: StoreDialect; changes: ChangeRecorder; lockUser: (userId: string) => Promise<void> }) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.changes = options.changes;
    this.lockUser = options.lockUser;
  }

  async countHeld(ownerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('accessKeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ownerId', '=', ownerId)
      .where('state', '!=', 'deleted')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(tenantId: string, accessKeyId: string): Promise<{ key: AccessKey; secrets: KeySecrets } | null> {
    const row = await this.db.selectFrom('accessKeys').selectAll().where('tenantId', '=', tenantId).where('id', '=', accessKeyId).executeTakeFirst();
    if (!row) return null;
    const [key] = await this.withAssignments([row]);
    return { key: key!, secrets: keySecretsFromRow(row) };
  }

  /**
   * Everything verification needs about a key, read in one statement on a cache miss (see
   * dialects/key-lookup.ts). It reads what is committed, also when called inside a transaction.
   */
  findForVerification(accessKeyId: string): Promise<KeyLookupRow | null> {
    return this.dialect.keyLookup.find(accessKeyId);
  }

  async list(filter: KeyListFilter): Promise<Page<AccessKey>> {
    let q = this.db.selectFrom('accessKeys').selectAll().where('tenantId', '=', filter.tenantId);
    if (filter.ownerId !== undefined) q = q.where('ownerId', '=', filter.ownerId);
    if (filter.state !== undefined) q = q.where('state', '=', filter.state);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (filter.externalId !== undefined) q = q.where('externalId', '=', filter.externalId);
    const search = filter.search;
    if (search !== undefined && (search.idPrefix !== null || search.nameContains !== null)) {
      q = q.where((eb) => {
        const either = [];
        if (search.idPrefix !== null) {
          // IDs are 20 characters of A–Z and 2–7: the range lets the primary key's index find the
          // prefix in any collation; LIKE keeps the match exact.
          const rest = ACCESS_KEY_ID_LENGTH - search.idPrefix.length;
          either.push(eb.and([eb('id', '>=', search.idPrefix + '2'.repeat(rest)), eb('id', '<=', search.idPrefix + 'Z'.repeat(rest)), eb('id', 'like', `${search.idPrefix}%`)]));
        }
        if (search.nameContains !== null) {
          either.push(containsText(eb.ref('name'), search.nameContains));
        }
        return eb.or(either);
      });
    }
    if (filter.expiringBefore !== undefined) {
      q = q.where('expiresAt', 'is not', null).where('expiresAt', '>', filter.now.getTime()).where('expiresAt', '<=', filter.expiringBefore.getTime());
    }
    if (filter.sort !== undefined) return this.listSorted(q, filter.sort, filter.limit);
    const c = filter.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    const keys = await this.withAssignments(rows);
    return toPage(
      keys,
      filter.limit,
      (k) => ({ at: k.createdAt.getTime(), id: k.accessKeyId }),
      (k) => k,
    );
  }

  /**
   * A page in another order (keyset on the sort value, then the ID). Names sort ignoring case; a
   * key never used counts as used longest ago, and one that never expires as expiring last.
   */
  private async listSorted(
    base: SelectQueryBuilder<Database, 'accessKeys', Selectable<AccessKeysTable>>,
    sort: { by: KeySort; order: SortOrder; after: KeySortPosition | null },
    limit: number,
  ): Promise<Page<AccessKey>> {
    const value = (eb: ExpressionBuilder<Database, 'accessKeys'>): AliasableExpression<string | number> => {
      switch (sort.by) {
        case 'name':
          return sql<string>`lower(${eb.ref('name')})`;
        case 'lastUsed':
          return eb.fn.coalesce('lastUsedAt', sql.lit(0));
        case 'expires':
          return eb.fn.coalesce('expiresAt', sql.lit(NEVER));
        default:
          return eb.ref('createdAt');
      }
    };
    const after = sort.after;
    const beyond = sort.order === 'asc' ? '>' : '<';
    let q = base.select((eb) => value(eb).as('sortValue'));
    if (after) q = q.where((eb) => eb.or([eb(value(eb), beyond, after.value), eb.and([eb(value(eb), '=', after.value), eb('id', beyond, after.id)])]));
    const rows = await q
      .orderBy((eb) => value(eb), sort.order)
      .orderBy('id', sort.order)
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      items: await this.withAssignments(pageRows),
      nextCursor:
        hasMore && last !== undefined ? encodeKeySortCursor({ sort: sort.by, order: sort.order, value: sort.by === 'name' ? String(last.sortValue) : Number(last.sortValue), id: last.id }) : null,
    };
  }

  /** Last-used times arrive in batches from the recorder; a time never moves backwards. */
  async touchLastUsed(entries: { accessKeyId: string; at: Date; ip?: string | null }[]): Promise<void> {
    await this.dialect.usage.touchLastUsed(entries.map((e) => ({ accessKeyId: e.accessKeyId, at: e.at.getTime(), ip: e.ip ?? null })));
  }

  private async replaceAssignments(accessKeyId: string, roleIds: string[], groupIds: string[]): Promise<void> {
    await this.db.deleteFrom('accessKeyRoles').where('accessKeyId', '=', accessKeyId).execute();
    await this.db.deleteFrom('accessKeyGroups').where('accessKeyId', '=', accessKeyId).execute();
    if (roleIds.length > 0)
      await this.db
        .insertInto('accessKeyRoles')
        .values(roleIds.map((roleId) => ({ accessKeyId, roleId })))
        .execute();
    if (groupIds.length > 0)
      await this.db
        .insertInto('accessKeyGroups')
        .values(groupIds.map((groupId) => ({ accessKeyId, groupId })))
        .execute();
  }

  private async withAssignments(rows: Selectable<AccessKeysTable>[]): Promise<AccessKey[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [roles, groups] = await Promise.all([
      this.db.selectFrom('accessKeyRoles').selectAll().where('accessKeyId', 'in', ids).orderBy('roleId').execute(),
      this.db.selectFrom('accessKeyGroups').selectAll().where('accessKeyId', 'in', ids).orderBy('groupId').execute(),
    ]);
    return rows.map((row) =>
      accessKeyFromRow(
        row,
        roles.filter((r) => r.accessKeyId === row.id).map((r) => r.roleId),
        groups.filter((g) => g.accessKeyId === row.id).map((g) => g.groupId),
      ),
    );
  }

  /*
   * The writes run in store.transaction, so the notifications, mails and audit events a key
   * change causes commit with it (and its change row) or not at all.
   */

  /**
   * Inserts the key unless its owner already holds `limit` keys that are not deleted. The count
   * and the insert serialise on the owner, so parallel creates at the boundary cannot both pass.
   */
  async insertWithinQuota(input: NewAccessKey, limit: number | null): Promise<'inserted' | 'limit-reached'> {
    await this.lockUser(input.key.ownerId);
    if (limit !== null && (await this.countHeld(input.key.ownerId)) >= limit) return 'limit-reached';
    const k = input.key;
    const s = input.secrets;
    // A key ID guessed before it existed may be cached as unknown.
    await this.changes.record({ tenantId: k.tenantId, accessKeyId: k.accessKeyId });
    await this.db
      .insertInto('accessKeys')
      .values({
        id: k.accessKeyId,
        tenantId: k.tenantId,
        ownerId: k.ownerId,
        creatorId: k.creatorId,
        name: k.name,
        type: k.type,
        state: k.state,
        secretDigest: s.secretDigest,
        secretEnvelope: s.secretEnvelope,
        secretVersion: s.secretVersion,
        previousSecretDigest: null,
        previousSecretEnvelope: null,
        previousSecretExpiresAt: null,
        createdAt: k.createdAt.getTime(),
        updatedAt: k.updatedAt.getTime(),
        expiresAt: k.expiresAt?.getTime() ?? null,
        lastUsedAt: k.lastUsedAt?.getTime() ?? null,
        deletedAt: null,
        // Only what is set (null is every column's default): keys are also seeded before migration 010.
        ...(k.usage && Object.fromEntries(Object.entries(usageColumns(k.usage, k.createdAt.getTime())).filter(([, v]) => v !== null))),
        // Only an imported key has one (and older schemas, as migration tests build them, have no such column).
        ...(input.tokenDigest != null && { tokenDigest: input.tokenDigest }),
      })
      .execute();
    await this.replaceAssignments(k.accessKeyId, k.roleIds, k.groupIds);
    return 'inserted';
  }

  /** The key of an imported token by the SHA-256 (hex) of the whole token, in any tenant: its ID, or null. */
  async idByTokenDigest(tokenDigest: string): Promise<string | null> {
    const row = await this.db.selectFrom('accessKeys').select('id').where('tokenDigest', '=', tokenDigest).executeTakeFirst();
    return row?.id ?? null;
  }

  /** Which of these token digests some key already answers to. */
  async takenTokenDigests(digests: readonly string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('accessKeys')
      .select('tokenDigest')
      .where('tokenDigest', 'in', [...digests])
      .execute();
    return new Set(rows.flatMap((r) => (r.tokenDigest === null ? [] : [r.tokenDigest])));
  }

  /** Which of these key IDs exist, in any tenant (key IDs are unique across tenants): an import must not reuse one. */
  async takenIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('accessKeys')
      .select('id')
      .where('id', 'in', [...ids])
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Applies a change only if the key is still in `expectedState` (a guarded write: two racing
   * requests cannot both act on the same old state). Returns false when the guard failed.
   */
  async update(tenantId: string, accessKeyId: string, expectedState: KeyState, patch: KeyPatch, now: Date): Promise<boolean> {
    // Recorded first, like every change here (outside store.transaction nothing is written); a
    // failed guard leaves a harmless row, and callers roll back on it anyway.
    await this.changes.record({ tenantId, accessKeyId });
    const result = await this.db
      .updateTable('accessKeys')
      .set({
        ...(patch.state !== undefined && { state: patch.state }),
        ...(patch.state === 'deleted' && { deletedAt: now.getTime() }),
        // A re-enabled key's unused period starts again here (policy disableUnusedAfterDays).
        ...(patch.state === 'enabled' && { enabledAt: now.getTime() }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.expiresAt !== undefined && { expiresAt: patch.expiresAt?.getTime() ?? null }),
        ...(patch.usage && usageColumns(patch.usage, now.getTime())),
        updatedAt: now.getTime(),
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', accessKeyId)
      .where('state', '=', expectedState)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (patch.roleIds !== undefined || patch.groupIds !== undefined) {
      const current = await this.withAssignments(await this.db.selectFrom('accessKeys').selectAll().where('id', '=', accessKeyId).execute());
      await this.replaceAssignments(accessKeyId, patch.roleIds ?? current[0]!.roleIds, patch.groupIds ?? current[0]!.groupIds);
    }
    return true;
  }

  /** Swaps in a new secret if nobody rotated since `expectedVersion` was read. */
  async rotate(tenantId: string, accessKeyId: string, expectedVersion: number, next: KeySecrets, now: Date): Promise<boolean> {
    await this.changes.record({ tenantId, accessKeyId });
    const result = await this.db
      .updateTable('accessKeys')
      .set({
        secretDigest: next.secretDigest,
        secretEnvelope: next.secretEnvelope,
        secretVersion: next.secretVersion,
        previousSecretDigest: next.previousSecretDigest,
        previousSecretEnvelope: next.previousSecretEnvelope,
        previousSecretExpiresAt: next.previousSecretExpiresAt?.getTime() ?? null,
        updatedAt: now.getTime(),
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', accessKeyId)
      .where('secretVersion', '=', expectedVersion)
      .where('state', '!=', 'deleted')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends a rotation's overlap: the previous secret is cleared, if it was still valid at `now`. */
  async endOverlap(tenantId: string, accessKeyId: string, now: Date): Promise<boolean> {
    await this.changes.record({ tenantId, accessKeyId });
    const result = await this.db
      .updateTable('accessKeys')
      .set({ previousSecretDigest: null, previousSecretEnvelope: null, previousSecretExpiresAt: now.getTime(), updatedAt: now.getTime() })
      .where('tenantId', '=', tenantId)
      .where('id', '=', accessKeyId)
      .where('previousSecretExpiresAt', '>', now.getTime())
      .where('state', '!=', 'deleted')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
