import type { Kysely, Selectable } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { KeyState } from '../../core/key-state.js';
import type { AccessKey, ActiveStatus, KeySecrets, KeyType, Page, UserRole } from '../../core/model.js';
import type { TenantPolicy } from '../../core/policy.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { AccessKeysTable, Database } from '../schema.js';
import { accessKeyFromRow, keySecretsFromRow, tenantFromRow } from '../rows.js';
import { toPage } from '../paging.js';
import { ChangesRepo } from './changes-repo.js';

export interface NewAccessKey {
  key: AccessKey;
  secrets: KeySecrets;
}

export interface KeyPatch {
  state?: KeyState;
  name?: string;
  expiresAt?: Date | null;
  roleIds?: string[];
  groupIds?: string[];
}

export interface KeyListFilter {
  tenantId: string;
  ownerId?: string | undefined;
  state?: KeyState | undefined;
  type?: KeyType | undefined;
  /** Only keys that expire before this time (and have not yet expired at `now`). */
  expiringBefore?: Date | undefined;
  now: Date;
  cursor: CursorPosition | null;
  limit: number;
}

/** Everything verification needs about a key, read in one go on a cache miss. */
export interface KeyForVerification {
  key: AccessKey;
  secrets: KeySecrets;
  ownerStatus: ActiveStatus;
  ownerRole: UserRole;
  ownerProgrammaticAccess: boolean;
  tenantStatus: ActiveStatus;
  policy: TenantPolicy;
}

export class AccessKeysRepo {
  private readonly changes: ChangesRepo;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
  ) {
    this.changes = new ChangesRepo(db);
  }

  /**
   * Inserts the key unless its owner already holds `limit` keys that are not deleted.
   * The count and the insert happen in one transaction that serialises on the owner,
   * so parallel creates at the boundary cannot both pass.
   */
  async insertWithinQuota(input: NewAccessKey, limit: number | null): Promise<'inserted' | 'limit-reached'> {
    return this.db.transaction().execute((trx) => this.insertWithinQuotaIn(trx, input, limit));
  }

  async countHeld(ownerId: string, db: Kysely<Database> = this.db): Promise<number> {
    const row = await db
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

  async findForVerification(accessKeyId: string): Promise<KeyForVerification | null> {
    const row = await this.db
      .selectFrom('accessKeys')
      .innerJoin('users', 'users.id', 'accessKeys.ownerId')
      .innerJoin('tenants', 'tenants.id', 'accessKeys.tenantId')
      .selectAll('accessKeys')
      .select([
        'users.status as ownerStatus',
        'users.role as ownerRole',
        'users.programmaticAccess as ownerProgrammaticAccess',
        'tenants.status as tenantStatus',
        'tenants.policy as tenantPolicy',
        'tenants.slug as tenantSlug',
        'tenants.name as tenantName',
        'tenants.createdAt as tenantCreatedAt',
      ])
      .where('accessKeys.id', '=', accessKeyId)
      .executeTakeFirst();
    if (!row) return null;
    const [key] = await this.withAssignments([row]);
    const tenant = tenantFromRow({
      id: row.tenantId,
      slug: row.tenantSlug,
      name: row.tenantName,
      status: row.tenantStatus,
      policy: row.tenantPolicy,
      createdAt: row.tenantCreatedAt,
    });
    return {
      key: key!,
      secrets: keySecretsFromRow(row),
      ownerStatus: row.ownerStatus,
      ownerRole: row.ownerRole,
      ownerProgrammaticAccess: Number(row.ownerProgrammaticAccess) === 1,
      tenantStatus: row.tenantStatus,
      policy: tenant.policy,
    };
  }

  async list(filter: KeyListFilter): Promise<Page<AccessKey>> {
    let q = this.db.selectFrom('accessKeys').selectAll().where('tenantId', '=', filter.tenantId);
    if (filter.ownerId !== undefined) q = q.where('ownerId', '=', filter.ownerId);
    if (filter.state !== undefined) q = q.where('state', '=', filter.state);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (filter.expiringBefore !== undefined) {
      q = q.where('expiresAt', 'is not', null).where('expiresAt', '>', filter.now.getTime()).where('expiresAt', '<=', filter.expiringBefore.getTime());
    }
    const c = filter.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
    const keys = await this.withAssignments(rows);
    return toPage(keys, filter.limit, (k) => ({ at: k.createdAt.getTime(), id: k.accessKeyId }), (k) => k);
  }

  /**
   * Applies a change only if the key is still in `expectedState` (a guarded write: two racing
   * requests cannot both act on the same old state). Returns false when the guard failed.
   */
  async update(tenantId: string, accessKeyId: string, expectedState: KeyState, patch: KeyPatch, now: Date): Promise<boolean> {
    return this.db.transaction().execute((trx) => this.updateIn(trx, tenantId, accessKeyId, expectedState, patch, now));
  }

  /** Swaps in a new secret if nobody rotated since `expectedVersion` was read. */
  async rotate(tenantId: string, accessKeyId: string, expectedVersion: number, next: KeySecrets, now: Date): Promise<boolean> {
    return this.db.transaction().execute((trx) => this.rotateIn(trx, tenantId, accessKeyId, expectedVersion, next, now));
  }

  /** Last-used times arrive in batches from the recorder; a time never moves backwards. */
  async touchLastUsed(entries: { accessKeyId: string; at: Date }[]): Promise<void> {
    await this.dialect.usage.touchLastUsed(entries.map((e) => ({ accessKeyId: e.accessKeyId, at: e.at.getTime() })));
  }

  private async replaceAssignments(trx: Kysely<Database>, accessKeyId: string, roleIds: string[], groupIds: string[]): Promise<void> {
    await trx.deleteFrom('accessKeyRoles').where('accessKeyId', '=', accessKeyId).execute();
    await trx.deleteFrom('accessKeyGroups').where('accessKeyId', '=', accessKeyId).execute();
    if (roleIds.length > 0) await trx.insertInto('accessKeyRoles').values(roleIds.map((roleId) => ({ accessKeyId, roleId }))).execute();
    if (groupIds.length > 0) await trx.insertInto('accessKeyGroups').values(groupIds.map((groupId) => ({ accessKeyId, groupId }))).execute();
  }

  private async withAssignments(rows: Selectable<AccessKeysTable>[], db: Kysely<Database> = this.db): Promise<AccessKey[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [roles, groups] = await Promise.all([
      db.selectFrom('accessKeyRoles').selectAll().where('accessKeyId', 'in', ids).orderBy('roleId').execute(),
      db.selectFrom('accessKeyGroups').selectAll().where('accessKeyId', 'in', ids).orderBy('groupId').execute(),
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
   * The writes of insertWithinQuota, update and rotate inside the caller's transaction, so the
   * notifications, mails and audit events a key change causes commit with it or not at all.
   */

  /** insertWithinQuota, in the caller's transaction. */
  async insertWithinQuotaIn(trx: Parameters<StoreDialect['lockUser']>[0], input: NewAccessKey, limit: number | null): Promise<'inserted' | 'limit-reached'> {
    await this.dialect.lockUser(trx, input.key.ownerId);
    if (limit !== null && (await this.countHeld(input.key.ownerId, trx)) >= limit) return 'limit-reached';
    const k = input.key;
    const s = input.secrets;
    await trx
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
        lastUsedAt: null,
        deletedAt: null,
      })
      .execute();
    await this.replaceAssignments(trx, k.accessKeyId, k.roleIds, k.groupIds);
    await this.changes.append(k.tenantId, k.accessKeyId, k.createdAt, trx);
    return 'inserted';
  }

  /** update, in the caller's transaction (the same guard on the expected state). */
  async updateIn(
    trx: Parameters<StoreDialect['lockUser']>[0],
    tenantId: string,
    accessKeyId: string,
    expectedState: KeyState,
    patch: KeyPatch,
    now: Date,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('accessKeys')
      .set({
        ...(patch.state !== undefined && { state: patch.state }),
        ...(patch.state === 'deleted' && { deletedAt: now.getTime() }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.expiresAt !== undefined && { expiresAt: patch.expiresAt?.getTime() ?? null }),
        updatedAt: now.getTime(),
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', accessKeyId)
      .where('state', '=', expectedState)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (patch.roleIds !== undefined || patch.groupIds !== undefined) {
      const current = await this.withAssignments(await trx.selectFrom('accessKeys').selectAll().where('id', '=', accessKeyId).execute(), trx);
      await this.replaceAssignments(trx, accessKeyId, patch.roleIds ?? current[0]!.roleIds, patch.groupIds ?? current[0]!.groupIds);
    }
    await this.changes.append(tenantId, accessKeyId, now, trx);
    return true;
  }

  /** rotate, in the caller's transaction (the same guard on the secret version). */
  async rotateIn(trx: Parameters<StoreDialect['lockUser']>[0], tenantId: string, accessKeyId: string, expectedVersion: number, next: KeySecrets, now: Date): Promise<boolean> {
    const result = await trx
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
    if (Number(result.numUpdatedRows) !== 1) return false;
    await this.changes.append(tenantId, accessKeyId, now, trx);
    return true;
  }
}
