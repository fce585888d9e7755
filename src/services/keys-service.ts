import { AppError } from '../core/errors.js';
import { buildCopyText, buildToken } from '../core/key-format.js';
import { NO_SECRET } from '../core/key-import.js';
import { decideTransition, type KeyAction, type KeyState } from '../core/key-state.js';
import { REPORT_LEAKS_PERMISSION } from '../core/leaks.js';
import { decodeKeySortCursor, parseKeySearch, type KeySort, type KeySortPosition, type SortOrder } from '../core/key-search.js';
import type { AccessKey, AccessRecord, KeySecrets, KeyType, Page, Role, User } from '../core/model.js';
import { allows } from '../core/permissions.js';
import { assignmentsChangedRecipients, changedByAdminRecipients, keyAssignmentsChanged, keyChangedByAdmin, keyExpiryChangedByAdmin, sameSet, type AdminKeyAction } from '../core/notifications.js';
import { decideExpiry, keyLimitFor, type ExpiryInput, type TenantPolicy } from '../core/policy.js';
import { sha256Hex } from '../crypto/digest.js';
import { EnvelopeError, openSecret, sealSecret, type SealingKeys } from '../crypto/envelope.js';
import { generateAccessKeyId, generateId, generateSecret } from '../crypto/random.js';
import type { KeyPatch, UsagePatch } from '../store/repos/access-keys-repo.js';
import type { Store, Tx } from '../store/store.js';
import { requireKeyScope, type Actor, type Clock } from './actor.js';
import type { AuditEntry, AuditService } from './audit-service.js';
import type { NotificationsService } from './notifications-service.js';
import { parseCursor } from './paging.js';
import { resolvePermissions, type ResolvedPermissions } from './permission-resolver.js';
import { requireKnown } from './require-known.js';
import type { StepUpService } from './step-up-service.js';
import { hasUsageInput, type UsageInput, usagePatchOf } from './usage-input.js';

export const MAX_OVERLAP_SECONDS = 86_400;
/** What a verifier key holds: it may ask about the tenant's keys (/v1/verify, /v1/authorize). */
export const VERIFY_PERMISSION = 'latchkey:verify';
const DAY_MS = 86_400_000;

export interface CreateKeyInput extends ExpiryInput, UsageInput {
  name?: string;
  type?: KeyType;
  userId?: string;
  roleIds?: string[];
  groupIds?: string[];
  /** A verifier key: an api key narrowed to the tenant's Verifier role (latchkey:verify only). */
  verifier?: boolean;
  /** A leak reporter key: an api key narrowed to the tenant's Leak reporter role (latchkey:report-leaks only), for POST /v1/leaks. */
  leakReporter?: boolean;
}

/** The tenant role verifier keys are narrowed to, made on first use. */
export const VERIFIER_ROLE = { name: 'Verifier', description: "Verifier keys: may ask /v1/verify and /v1/authorize about this tenant's keys, nothing else.", permissions: ['latchkey:verify'] };
/** The tenant role leak reporter keys are narrowed to, made on first use as the Verifier role is. */
export const LEAK_REPORTER_ROLE = {
  name: 'Leak reporter',
  description: 'Leak reporter keys: may report tokens found in the wild to POST /v1/leaks, nothing else.',
  permissions: [REPORT_LEAKS_PERMISSION],
};

type NarrowedRole = { spec: typeof VERIFIER_ROLE; field: 'verifier' | 'leakReporter' };
const NARROWED: Record<'verifier' | 'leakReporter', NarrowedRole> = {
  verifier: { spec: VERIFIER_ROLE, field: 'verifier' },
  leakReporter: { spec: LEAK_REPORTER_ROLE, field: 'leakReporter' },
};

export interface UpdateKeyInput extends ExpiryInput, UsageInput {
  name?: string;
  roleIds?: string[];
  groupIds?: string[];
}

/** The answers that hold a secret: creation, rotation, and a reveal the tenant policy allows. */
export interface IssuedKey {
  key: AccessKey;
  secret: string;
  token: string;
  copyText: string;
}

export interface KeyListQuery {
  userId?: string;
  state?: KeyState;
  type?: KeyType;
  /** Only the keys of this identity. */
  externalId?: string;
  /** A search box's text: a key's ID (or its start, or a whole bearer token) or part of its name. */
  q?: string;
  /** Another order than newest first (`order` defaults to asc for name, desc otherwise). */
  sort?: KeySort;
  order?: SortOrder;
  expiringWithinDays?: number;
  cursor?: string;
  limit: number;
}

/** The list's order when asked for one; a cursor of another order is INVALID_CURSOR. */
function sortOf(query: KeyListQuery): { by: KeySort; order: SortOrder; after: KeySortPosition | null } | undefined {
  if (query.sort === undefined) return undefined;
  const order = query.order ?? (query.sort === 'name' ? 'asc' : 'desc');
  if (query.cursor === undefined) return { by: query.sort, order, after: null };
  const after = decodeKeySortCursor(query.cursor, query.sort, order);
  if (!after) throw new AppError('INVALID_CURSOR');
  return { by: query.sort, order, after };
}

/** Access keys and their whole lifecycle, as the owner or a tenant admin asks for it. */
export class KeysService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly masterKey: SealingKeys;
  private readonly stepUp: StepUpService;
  private readonly notifications: NotificationsService;
  private readonly onSealBroken: (key: { tenantId: string; accessKeyId: string }) => void;

  constructor(options: {
    store: Store;
    clock: Clock;
    audit: AuditService;
    masterKey: SealingKeys;
    stepUp: StepUpService;
    notifications: NotificationsService;
    /** Told that a key's sealed secret does not open under its key ID and tenant (see VerificationOptions.onSealBroken). */
    onSealBroken?: (key: { tenantId: string; accessKeyId: string }) => void;
  }) {
    this.onSealBroken = options.onSealBroken ?? (() => {});
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.masterKey = options.masterKey;
    this.stepUp = options.stepUp;
    this.notifications = options.notifications;
  }

  create(actor: Actor, input: CreateKeyInput): Promise<IssuedKey> {
    return this.audit.refusable(actor, { action: 'access_key.create', targetType: 'access_key', targetId: null }, () => this.createKey(actor, input));
  }

  private async createKey(actor: Actor, input: CreateKeyInput): Promise<IssuedKey> {
    requireKeyScope(actor, 'latchkey:keys:write');
    const policy = await this.policyOf(actor);
    await this.stepUp.require(actor, policy);
    const owner = await this.ownerFor(actor, input.userId);
    if (owner.status !== 'active') throw new AppError('USER_DISABLED', 'Keys cannot be created for a disabled user.');
    if (owner.role === 'member' && !owner.programmaticAccess) throw new AppError('PROGRAMMATIC_ACCESS_REQUIRED');
    const now = this.clock.now();
    const expiry = decideExpiry(input, policy, now);
    if (!expiry.ok) throw new AppError(expiry.code, expiry.message);
    const usage = this.usageOf(actor, input);
    if (input.verifier === true && input.leakReporter === true) throw new AppError('VALIDATION_FAILED', 'A key is a verifier or a leak reporter, not both.', { field: 'leakReporter' });
    const narrowed = input.verifier === true ? NARROWED.verifier : input.leakReporter === true ? NARROWED.leakReporter : null;
    const narrowedRoleId = narrowed === null ? null : await this.narrowedRoleFor(actor, owner, input, narrowed);
    const verifierRoleId = narrowed?.field === 'verifier' ? narrowedRoleId : null;
    const roleIds = narrowedRoleId !== null ? [narrowedRoleId] : await this.checkRefs(actor.tenantId, 'role', input.roleIds ?? []);
    const groupIds = await this.checkRefs(actor.tenantId, 'group', input.groupIds ?? []);
    await this.requireWithinActorKey(actor, { ownerId: owner.id, roleIds, groupIds }, owner.role);
    const secret = generateSecret();
    const key: AccessKey = {
      accessKeyId: generateAccessKeyId(),
      tenantId: actor.tenantId,
      ownerId: owner.id,
      creatorId: actor.user.id,
      name: checkName(input.name ?? defaultName(now)),
      type: input.type ?? 'api',
      state: 'enabled',
      createdAt: now,
      updatedAt: now,
      expiresAt: expiry.expiresAt,
      lastUsedAt: null,
      deletedAt: null,
      previousSecretExpiresAt: null,
      roleIds,
      groupIds,
      usage: {
        ratelimits: usage?.ratelimits ?? null,
        ipAllowlist: usage?.ipAllowlist ?? null,
        meta: usage?.meta ?? null,
        externalId: usage?.externalId ?? null,
        credits: usage?.credits ? { ...usage.credits, lastRefillAt: usage.credits.refill ? now : null } : null,
      },
    };
    const secrets = this.seal(key, secret, 1, null);
    const limit = keyLimitFor(owner.role, policy);
    const result = await this.store.transaction(async (tx) => {
      const inserted = await tx.accessKeys.insertWithinQuota({ key, secrets }, limit);
      if (inserted === 'limit-reached') return inserted;
      await this.tellOwner(tx, actor, key, 'create');
      await this.audit.record(
        actor,
        {
          action: 'access_key.create',
          targetType: 'access_key',
          targetId: key.accessKeyId,
          details: {
            name: key.name,
            type: key.type,
            ownerId: owner.id,
            expiresAt: key.expiresAt?.toISOString() ?? null,
            roleIds,
            groupIds,
            ...(verifierRoleId !== null && { verifier: true }),
            ...usage,
            ...(narrowed?.field === 'leakReporter' && { leakReporter: true }),
          },
        },
        tx,
      );
      return inserted;
    });
    if (result === 'limit-reached') {
      await this.audit.record(actor, { action: 'access_key.create', targetType: 'user', targetId: owner.id, result: 'failure', details: { reason: 'KEY_LIMIT_REACHED', limit } });
      throw new AppError(
        'KEY_LIMIT_REACHED',
        `${owner.id === actor.user.id ? 'You already hold' : 'This user already holds'} ${limit} access keys, the most the tenant policy allows. Delete one first.`,
        { limit },
      );
    }
    return this.issued({ ...key, verifier: verifierRoleId !== null }, secret);
  }

  /**
   * The role a new verifier (or leak reporter) key is narrowed to: the tenant's role of that name,
   * made (and audited) on first use. Only for an owner who holds its one permission, as a key
   * never holds more than its owner.
   */
  private async narrowedRoleFor(actor: Actor, owner: User, input: CreateKeyInput, { spec, field }: NarrowedRole): Promise<string> {
    const what = field === 'verifier' ? 'verifier' : 'leak reporter';
    const permission = spec.permissions[0]!;
    if (input.type === 'access' || input.roleIds !== undefined || input.groupIds !== undefined) {
      throw new AppError('VALIDATION_FAILED', `A ${what} key is an api key narrowed to the ${spec.name} role: give no type access, roleIds or groupIds with ${field}.`, { field });
    }
    const held = owner.role === 'admin' ? ['*'] : await this.store.users.grantedPermissions(owner.id);
    if (!allows(held, permission)) {
      throw new AppError('FORBIDDEN', `${owner.id === actor.user.id ? 'You do' : 'This user does'} not hold ${permission}, so cannot hold a ${what} key.`);
    }
    const found = await this.store.roles.findByName(actor.tenantId, spec.name);
    if (found) return usableNarrowedRole(found, spec);
    const now = this.clock.now();
    const role: Role = { id: generateId('role'), tenantId: actor.tenantId, ...spec, permissions: [...spec.permissions], createdAt: now, updatedAt: now };
    try {
      await this.store.transaction(async (tx) => {
        await tx.roles.insert(role);
        await this.audit.record(actor, { action: 'role.create', targetType: 'role', targetId: role.id, details: { name: role.name, permissions: role.permissions, for: `${what} key` } }, tx);
      });
      return role.id;
    } catch (error) {
      // Another request made it first.
      const made = this.store.dialect.isUniqueViolation(error) ? await this.store.roles.findByName(actor.tenantId, spec.name) : null;
      if (made) return usableNarrowedRole(made, spec);
      throw error;
    }
  }

  /** Marks the keys narrowed to the tenant's Verifier role (one indexed lookup per answer). */
  private async markVerifiers<K extends AccessKey>(tenantId: string, keys: K[]): Promise<K[]> {
    if (!keys.some((k) => k.roleIds.length === 1 && k.groupIds.length === 0)) return keys;
    const role = await this.store.roles.findByName(tenantId, VERIFIER_ROLE.name);
    return keys.map((k) => ({ ...k, verifier: role !== null && k.roleIds.length === 1 && k.groupIds.length === 0 && k.roleIds[0] === role.id && k.type === 'api' }));
  }

  /** Adds each key's latest leak report (POST /v1/leaks, self-revoke): one indexed query per answer. */
  private async markLeaks<K extends AccessKey>(tenantId: string, keys: K[]): Promise<K[]> {
    const leaks = await this.store.keyLeaks.latestFor(
      tenantId,
      keys.map((k) => k.accessKeyId),
    );
    return keys.map((k) => ({ ...k, leak: leaks.get(k.accessKeyId) ?? null }));
  }

  async list(actor: Actor, query: KeyListQuery): Promise<Page<AccessKey>> {
    requireKeyScope(actor, 'latchkey:keys:read');
    let ownerId = query.userId;
    if (actor.user.role !== 'admin') {
      if (ownerId !== undefined && ownerId !== actor.user.id) throw new AppError('NOT_FOUND', 'No such user.');
      ownerId = actor.user.id;
    }
    const now = this.clock.now();
    const page = await this.store.accessKeys.list({
      tenantId: actor.tenantId,
      ownerId,
      state: query.state,
      type: query.type,
      externalId: query.externalId,
      search: query.q === undefined ? undefined : parseKeySearch(query.q),
      sort: sortOf(query),
      expiringBefore: query.expiringWithinDays === undefined ? undefined : new Date(now.getTime() + query.expiringWithinDays * DAY_MS),
      now,
      cursor: query.sort === undefined ? parseCursor(query.cursor) : null,
      limit: query.limit,
    });
    return { ...page, items: await this.markLeaks(actor.tenantId, await this.markVerifiers(actor.tenantId, page.items)) };
  }

  /** How many keys a user holds (not deleted) against what the policy lets them hold: members ask about themselves only. */
  async quota(actor: Actor, userId?: string): Promise<{ held: number; limit: number | null }> {
    requireKeyScope(actor, 'latchkey:keys:read');
    const owner = await this.ownerFor(actor, userId);
    const [held, policy] = await Promise.all([this.store.accessKeys.countHeld(owner.id), this.policyOf(actor)]);
    return { held, limit: keyLimitFor(owner.role, policy) };
  }

  /** How many keys the actor holds that are not deleted (what counts against the policy's limit). */
  async countHeld(actor: Actor): Promise<number> {
    return this.store.accessKeys.countHeld(actor.user.id);
  }

  async get(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    requireKeyScope(actor, 'latchkey:keys:read');
    const [key] = await this.markLeaks(actor.tenantId, await this.markVerifiers(actor.tenantId, [(await this.load(actor, accessKeyId)).key]));
    return key!;
  }

  update(actor: Actor, accessKeyId: string, input: UpdateKeyInput): Promise<AccessKey> {
    return this.audit.refusable(actor, { action: 'access_key.update', targetType: 'access_key', targetId: accessKeyId }, () => this.updateKey(actor, accessKeyId, input));
  }

  private async updateKey(actor: Actor, accessKeyId: string, input: UpdateKeyInput): Promise<AccessKey> {
    requireKeyScope(actor, 'latchkey:keys:write');
    const { key } = await this.load(actor, accessKeyId);
    this.transition(key.state, 'update');
    const expiryGiven = input.expiresAt !== undefined || input.expiresInDays !== undefined || input.neverExpires !== undefined;
    let expiresAt: Date | null | undefined;
    if (expiryGiven) {
      const expiry = decideExpiry(input, await this.policyOf(actor), this.clock.now(), false);
      if (!expiry.ok) throw new AppError(expiry.code, expiry.message);
      expiresAt = expiry.expiresAt;
    }
    const usage = this.usageOf(actor, input);
    const patch = {
      ...(usage !== null && { usage }),
      ...(input.name !== undefined && { name: checkName(input.name) }),
      ...(expiresAt !== undefined && { expiresAt }),
      ...(input.roleIds !== undefined && { roleIds: await this.checkRefs(actor.tenantId, 'role', input.roleIds) }),
      ...(input.groupIds !== undefined && { groupIds: await this.checkRefs(actor.tenantId, 'group', input.groupIds) }),
    };
    const roleIds = patch.roleIds ?? key.roleIds;
    const groupIds = patch.groupIds ?? key.groupIds;
    const reassigned = !sameSet(roleIds, key.roleIds) || !sameSet(groupIds, key.groupIds);
    const expiryMoved = patch.expiresAt !== undefined && (patch.expiresAt?.getTime() ?? null) !== (key.expiresAt?.getTime() ?? null);
    if (patch.roleIds !== undefined || patch.groupIds !== undefined) {
      await this.requireWithinActorKey(actor, { ownerId: key.ownerId, roleIds, groupIds });
    }
    await this.guarded(actor, key, patch, async (tx) => {
      if (reassigned) {
        const content = keyAssignmentsChanged(key, { id: actor.user.id, name: actor.user.name }, { roleIds, groupIds });
        await this.notifications.notify(tx, actor.tenantId, assignmentsChangedRecipients(actor.user, key.ownerId), content);
      }
      // An administrator moving someone else's key's expiry tells its owner (as disable or rotate do).
      const toldOfExpiry = expiryMoved ? changedByAdminRecipients(actor.user, key.ownerId) : [];
      if (toldOfExpiry.length > 0) await this.notifications.notify(tx, actor.tenantId, toldOfExpiry, keyExpiryChangedByAdmin(key, actor.user, patch.expiresAt ?? null));
      return {
        action: 'access_key.update',
        targetType: 'access_key',
        targetId: accessKeyId,
        details: { ...withoutUsage(patch), ...(patch.expiresAt !== undefined && { expiresAt: patch.expiresAt?.toISOString() ?? null }), ...usage },
      };
    });
    return this.get(actor, accessKeyId);
  }

  enable(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    return this.changeState(actor, accessKeyId, 'enable');
  }

  disable(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    return this.changeState(actor, accessKeyId, 'disable');
  }

  delete(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    return this.changeState(actor, accessKeyId, 'delete');
  }

  /** A new secret, returned once; the old one stops now or after `overlapSeconds`. */
  rotate(actor: Actor, accessKeyId: string, overlapSeconds = 0): Promise<IssuedKey> {
    return this.audit.refusable(actor, { action: 'access_key.rotate', targetType: 'access_key', targetId: accessKeyId }, () => this.rotateKey(actor, accessKeyId, overlapSeconds));
  }

  private async rotateKey(actor: Actor, accessKeyId: string, overlapSeconds: number): Promise<IssuedKey> {
    requireKeyScope(actor, 'latchkey:keys:write');
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
      throw new AppError('VALIDATION_FAILED', `overlapSeconds must be an integer from 0 to ${MAX_OVERLAP_SECONDS} (24 hours).`);
    }
    const { key, secrets } = await this.load(actor, accessKeyId);
    this.transition(key.state, 'rotate');
    await this.stepUp.require(actor, await this.policyOf(actor));
    // The new secret is handed to the caller: it must not unlock more than the caller holds.
    await this.requireWithinActorKey(actor, key);
    const now = this.clock.now();
    const secret = generateSecret();
    // A key imported by its token's digest has no secret to keep working beside the new one: its old token stops at once.
    const previous = overlapSeconds > 0 && secrets.secretEnvelope !== NO_SECRET ? { secrets, until: new Date(now.getTime() + overlapSeconds * 1000) } : null;
    const next = this.seal(key, secret, secrets.secretVersion + 1, previous);
    await this.store.transaction(async (tx) => {
      if (!(await tx.accessKeys.rotate(actor.tenantId, accessKeyId, secrets.secretVersion, next, now))) {
        throw new AppError('CONFLICT', 'The key changed while it was being rotated; try again.');
      }
      await this.tellOwner(tx, actor, key, 'rotate');
      await this.audit.record(
        actor,
        { action: 'access_key.rotate', targetType: 'access_key', targetId: accessKeyId, details: { overlapSeconds, previousSecretExpiresAt: previous?.until.toISOString() ?? null } },
        tx,
      );
    });
    return this.issued(await this.get(actor, accessKeyId), secret);
  }

  /**
   * Regenerate (seed 004's "Get New Key"): a new key, with a new ID and secret (returned once),
   * the same owner, name, type, roles, groups, expiry and usage controls; the old key is disabled
   * in the same transaction. The quota is checked as creation checks it: a disabled key still
   * counts, so an owner at the limit deletes a key first. Step-up as create and rotate.
   */
  replace(actor: Actor, accessKeyId: string): Promise<IssuedKey & { replacedKeyId: string }> {
    return this.audit.refusable(actor, { action: 'access_key.replace', targetType: 'access_key', targetId: accessKeyId }, () => this.replaceKey(actor, accessKeyId));
  }

  private async replaceKey(actor: Actor, accessKeyId: string): Promise<IssuedKey & { replacedKeyId: string }> {
    requireKeyScope(actor, 'latchkey:keys:write');
    const { key: old } = await this.load(actor, accessKeyId);
    this.transition(old.state, 'rotate');
    const policy = await this.policyOf(actor);
    await this.stepUp.require(actor, policy);
    // The new secret is handed to the caller: it must not unlock more than the caller holds.
    await this.requireWithinActorKey(actor, old);
    const owner = await this.store.users.find(actor.tenantId, old.ownerId);
    if (!owner) throw new AppError('NOT_FOUND', 'No such access key.');
    if (owner.status !== 'active') throw new AppError('USER_DISABLED', 'Keys cannot be created for a disabled user.');
    if (owner.role === 'member' && !owner.programmaticAccess) throw new AppError('PROGRAMMATIC_ACCESS_REQUIRED');
    const now = this.clock.now();
    // Its successor would keep the expiry, so be born expired.
    if (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime()) throw new AppError('CONFLICT', 'This key has expired: extend its expiry first, or create a new key.');
    const secret = generateSecret();
    const credits = old.usage?.credits ?? null;
    const key: AccessKey = {
      accessKeyId: generateAccessKeyId(),
      tenantId: actor.tenantId,
      ownerId: old.ownerId,
      creatorId: actor.user.id,
      name: old.name,
      type: old.type,
      state: 'enabled',
      createdAt: now,
      updatedAt: now,
      expiresAt: old.expiresAt,
      lastUsedAt: null,
      deletedAt: null,
      previousSecretExpiresAt: null,
      roleIds: [...old.roleIds],
      groupIds: [...old.groupIds],
      usage: {
        ratelimits: old.usage?.ratelimits ?? null,
        ipAllowlist: old.usage?.ipAllowlist ?? null,
        meta: old.usage?.meta ?? null,
        externalId: old.usage?.externalId ?? null,
        credits: credits ? { ...credits, lastRefillAt: credits.refill ? now : null } : null,
      },
    };
    const secrets = this.seal(key, secret, 1, null);
    const limit = keyLimitFor(owner.role, policy);
    await this.store
      .transaction(async (tx) => {
        if (old.state === 'enabled' && !(await tx.accessKeys.update(actor.tenantId, accessKeyId, 'enabled', { state: 'disabled' }, now))) {
          throw new AppError('CONFLICT', 'The key changed while it was being replaced; reload and try again.');
        }
        const inserted = await tx.accessKeys.insertWithinQuota({ key, secrets }, limit);
        // Rolls the disable back with it.
        if (inserted === 'limit-reached')
          throw new AppError(
            'KEY_LIMIT_REACHED',
            `${owner.id === actor.user.id ? 'You already hold' : 'This user already holds'} ${limit} access keys, the most the tenant policy allows (a disabled key still counts). Delete one first.`,
            { limit },
          );
        if (old.state === 'enabled') await this.tellOwner(tx, actor, old, 'disable');
        await this.audit.record(
          actor,
          { action: 'access_key.create', targetType: 'access_key', targetId: key.accessKeyId, details: { name: key.name, type: key.type, ownerId: key.ownerId, replaces: accessKeyId } },
          tx,
        );
        await this.audit.record(
          actor,
          { action: 'access_key.replace', targetType: 'access_key', targetId: accessKeyId, details: { replacedBy: key.accessKeyId, from: old.state, to: 'disabled' } },
          tx,
        );
      })
      .catch(async (error: unknown) => {
        if (error instanceof AppError && error.code === 'KEY_LIMIT_REACHED') {
          await this.audit.record(actor, { action: 'access_key.replace', targetType: 'access_key', targetId: accessKeyId, result: 'failure', details: { reason: 'KEY_LIMIT_REACHED', limit } });
        }
        throw error;
      });
    const [made] = await this.markVerifiers(actor.tenantId, [key]);
    return { ...this.issued(made!, secret), replacedKeyId: accessKeyId };
  }

  /** Ends a rotation's overlap now: the previous secret stops working at once (409 when there is no overlap). */
  endOverlap(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    return this.audit.refusable(actor, { action: 'access_key.end_overlap', targetType: 'access_key', targetId: accessKeyId }, () => this.endKeyOverlap(actor, accessKeyId));
  }

  private async endKeyOverlap(actor: Actor, accessKeyId: string): Promise<AccessKey> {
    requireKeyScope(actor, 'latchkey:keys:write');
    const { key } = await this.load(actor, accessKeyId);
    this.transition(key.state, 'update');
    const now = this.clock.now();
    const until = key.previousSecretExpiresAt;
    if (until === null || until.getTime() <= now.getTime()) throw new AppError('CONFLICT', 'This key has no old secret still valid: there is no overlap to end.');
    await this.store.transaction(async (tx) => {
      if (!(await tx.accessKeys.endOverlap(actor.tenantId, accessKeyId, now))) throw new AppError('CONFLICT', 'This key has no old secret still valid: there is no overlap to end.');
      await this.audit.record(
        actor,
        { action: 'access_key.end_overlap', targetType: 'access_key', targetId: accessKeyId, details: { previousSecretExpiresAt: until.toISOString(), endedAt: now.toISOString() } },
        tx,
      );
    });
    return this.get(actor, accessKeyId);
  }

  /**
   * The secret again, when the tenant policy allows it: only in a console session (never to a
   * program holding a key), only after step-up verification, audited. Members: their own keys.
   */
  reveal(actor: Actor, accessKeyId: string): Promise<Omit<IssuedKey, 'key'> & { accessKeyId: string }> {
    return this.audit.refusable(actor, { action: 'access_key.reveal', targetType: 'access_key', targetId: accessKeyId }, () => this.revealKey(actor, accessKeyId));
  }

  private async revealKey(actor: Actor, accessKeyId: string): Promise<Omit<IssuedKey, 'key'> & { accessKeyId: string }> {
    if (actor.via !== 'session') throw new AppError('FORBIDDEN', 'Secrets are revealed only in a console session.');
    const { key, secrets } = await this.load(actor, accessKeyId);
    const policy = await this.policyOf(actor);
    // A policy that reveals without a step-up method cannot be saved; refuse one read from older data all the same.
    if (policy.secretReveal !== 'after-step-up' || policy.stepUp === 'none') throw new AppError('REVEAL_NOT_ALLOWED');
    if (key.state === 'deleted') throw new AppError('KEY_ALREADY_DELETED');
    if (secrets.secretEnvelope === NO_SECRET) throw new AppError('SECRET_NOT_AVAILABLE');
    await this.stepUp.require(actor, policy);
    let secret: string;
    try {
      secret = openSecret(this.masterKey, secrets.secretEnvelope, { tenantId: key.tenantId, accessKeyId: key.accessKeyId });
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      this.onSealBroken({ tenantId: key.tenantId, accessKeyId: key.accessKeyId });
      throw new AppError('SECRET_UNREADABLE');
    }
    await this.audit.record(actor, { action: 'access_key.reveal', targetType: 'access_key', targetId: accessKeyId, details: { ownerId: key.ownerId } });
    const { key: _key, ...material } = this.issued(key, secret);
    return { accessKeyId, ...material };
  }

  async permissions(actor: Actor, accessKeyId: string): Promise<ResolvedPermissions> {
    requireKeyScope(actor, 'latchkey:keys:read');
    const { key } = await this.load(actor, accessKeyId);
    const owner = await this.store.users.find(actor.tenantId, key.ownerId);
    return resolvePermissions(this.store, key, owner?.role ?? 'member');
  }

  async accessRecords(actor: Actor, accessKeyId: string, query: { cursor?: string; limit: number; outcome?: 'success' | 'failure' }): Promise<Page<AccessRecord>> {
    requireKeyScope(actor, 'latchkey:keys:read');
    await this.load(actor, accessKeyId);
    const policy = await this.policyOf(actor);
    const since = new Date(this.clock.now().getTime() - policy.accessRecordRetentionDays * DAY_MS);
    return this.store.accessRecords.listForKey(actor.tenantId, accessKeyId, {
      cursor: parseCursor(query.cursor),
      limit: query.limit,
      since,
      perKey: policy.accessRecordsPerKey,
      outcome: query.outcome,
    });
  }

  private changeState(actor: Actor, accessKeyId: string, action: KeyAction): Promise<AccessKey> {
    return this.audit.refusable(actor, { action: `access_key.${action}`, targetType: 'access_key', targetId: accessKeyId }, () => this.applyState(actor, accessKeyId, action));
  }

  private async applyState(actor: Actor, accessKeyId: string, action: KeyAction): Promise<AccessKey> {
    requireKeyScope(actor, 'latchkey:keys:write');
    const { key } = await this.load(actor, accessKeyId);
    const policy = await this.policyOf(actor);
    const decision = this.transition(key.state, action, policy.deleteRequiresDisabled);
    if (!decision.changed) return key;
    if (action === 'enable') await this.stepUp.require(actor, policy);
    await this.guarded(actor, key, { state: decision.next }, async (tx) => {
      await this.tellOwner(tx, actor, key, action as AdminKeyAction);
      return { action: `access_key.${action}`, targetType: 'access_key', targetId: accessKeyId, details: { from: key.state, to: decision.next } };
    });
    return this.get(actor, accessKeyId);
  }

  /**
   * A key narrowed by roles must not hand out more than it holds: the key it creates, widens or
   * rotates (and so learns the secret of) may only have permissions the acting key has.
   * Without this, a key allowed latchkey:keys:write could mint an un-narrowed key, or drop its
   * own roles, and act with everything its owner holds.
   */
  private async requireWithinActorKey(actor: Actor, key: Pick<AccessKey, 'ownerId' | 'roleIds' | 'groupIds'>, ownerRole?: User['role']): Promise<void> {
    const held = actor.keyPermissions;
    if (held === null) return;
    const role = ownerRole ?? (await this.store.users.find(actor.tenantId, key.ownerId))?.role ?? 'member';
    const resolved = await resolvePermissions(this.store, key, role);
    const beyond = resolved.effective.filter((p) => !allows(held, p));
    if (beyond.length > 0) {
      throw new AppError('FORBIDDEN', `This access key can only create, change or rotate keys within its own permissions; that key would also hold ${beyond.slice(0, 5).join(', ')}.`);
    }
  }

  /**
   * The usage controls a create or update sets, checked (400 naming the field), or null when it
   * sets none. Rate limits, credits, IP allowlist, metadata and externalId are how the tenant
   * meters and fences its API, so only administrators set them (members see them on their keys).
   */
  private usageOf(actor: Actor, input: UsageInput): UsagePatch | null {
    if (!hasUsageInput(input)) return null;
    const patch = usagePatchOf(input);
    if (actor.user.role !== 'admin') throw new AppError('FORBIDDEN', 'Only tenant administrators set usage controls (rate limits, credits, IP allowlist, metadata, externalId).');
    return patch;
  }

  private transition(state: KeyState, action: KeyAction, deleteRequiresDisabled = true) {
    const decision = decideTransition(state, action, { deleteRequiresDisabled });
    if (!decision.ok) throw new AppError(decision.code);
    return decision;
  }

  /**
   * A write that only lands if nobody changed the key's state in between; `also` adds the
   * notifications it causes and returns its audit entry, all in the same transaction.
   */
  private async guarded(actor: Actor, key: AccessKey, patch: KeyPatch, also: (tx: Tx) => Promise<AuditEntry>): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (!(await tx.accessKeys.update(actor.tenantId, key.accessKeyId, key.state, patch, this.clock.now()))) {
        throw new AppError('CONFLICT', 'The key changed while this request was being handled; reload and try again.');
      }
      await this.audit.record(actor, await also(tx), tx);
    });
  }

  /** key.changed_by_admin for the owner, when an administrator acted on someone else's key. */
  private async tellOwner(tx: Tx, actor: Actor, key: AccessKey, action: AdminKeyAction): Promise<void> {
    const recipients = changedByAdminRecipients(actor.user, key.ownerId);
    if (recipients.length > 0) await this.notifications.notify(tx, actor.tenantId, recipients, keyChangedByAdmin(action, key, actor.user));
  }

  private async policyOf(actor: Actor): Promise<TenantPolicy> {
    const tenant = await this.store.tenants.findById(actor.tenantId);
    if (!tenant) throw new AppError('NOT_FOUND');
    return tenant.policy;
  }

  /** The key if the actor may see it: members only their own; anything else is 404. */
  private async load(actor: Actor, accessKeyId: string): Promise<{ key: AccessKey; secrets: KeySecrets }> {
    const found = await this.store.accessKeys.find(actor.tenantId, accessKeyId);
    if (!found || (actor.user.role !== 'admin' && found.key.ownerId !== actor.user.id)) {
      throw new AppError('NOT_FOUND', 'No such access key.');
    }
    return found;
  }

  private async ownerFor(actor: Actor, userId: string | undefined): Promise<User> {
    if (userId === undefined || userId === actor.user.id) return actor.user;
    if (actor.user.role !== 'admin') throw new AppError('NOT_FOUND', 'No such user.');
    const owner = await this.store.users.find(actor.tenantId, userId);
    if (!owner) throw new AppError('NOT_FOUND', 'No such user.');
    return owner;
  }

  private seal(key: AccessKey, secret: string, version: number, previous: { secrets: KeySecrets; until: Date } | null): KeySecrets {
    return {
      secretDigest: sha256Hex(secret),
      secretEnvelope: sealSecret(this.masterKey, secret, { tenantId: key.tenantId, accessKeyId: key.accessKeyId }),
      secretVersion: version,
      previousSecretDigest: previous?.secrets.secretDigest ?? null,
      previousSecretEnvelope: previous?.secrets.secretEnvelope ?? null,
      previousSecretExpiresAt: previous?.until ?? null,
    };
  }

  private issued(key: AccessKey, secret: string): IssuedKey {
    return { key, secret, token: buildToken(key.accessKeyId, secret), copyText: buildCopyText(key.accessKeyId, secret, key.tenantId) };
  }

  private checkRefs(tenantId: string, kind: 'role' | 'group', ids: string[]): Promise<string[]> {
    return requireKnown(kind, ids, (unique) => (kind === 'role' ? this.store.roles.existing(tenantId, unique) : this.store.groups.existing(tenantId, unique)));
  }
}

function usableNarrowedRole(role: Role, spec: typeof VERIFIER_ROLE): string {
  const permission = spec.permissions[0]!;
  if (role.permissions.length !== 1 || role.permissions[0] !== permission) {
    const what = spec === VERIFIER_ROLE ? 'verifier' : 'leak reporter';
    throw new AppError('CONFLICT', `The tenant's role "${spec.name}" holds more than ${permission}; rename it (or set its permissions to ${permission} alone) to create ${what} keys.`);
  }
  return role.id;
}

/** The patch as audit details: its usage fields at the top level, as creation records them. */
function withoutUsage(patch: KeyPatch): Omit<KeyPatch, 'usage'> {
  const { usage: _usage, ...rest } = patch;
  return rest;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new AppError('VALIDATION_FAILED', 'A key name must be 1 to 100 characters.');
  return trimmed;
}

function defaultName(now: Date): string {
  return `key-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
}
