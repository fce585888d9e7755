import type { CachedKey, OwnerFacts } from './cached-key.js';

/**
 * Which cached keys depend on what, so a change reaches exactly its keys without scanning the
 * cache, and costs one step per owner rather than one per key.
 *
 * The keys of one owner share one OwnerFacts (their owner's status, role, programmatic access,
 * roles and groups); a change of the user, or of a role or group the owner holds, retires it,
 * and each of those keys then counts as not cached (KeyCache.peek) and is read again on its next
 * use. A role or group a key holds as its own evicts that key at once. (A tenant-wide change
 * retires the tenant's facts the same way, see TenantFacts.)
 */
export class KeyIndex {
  /** Owner ID → the facts its cached keys share (live ones only). */
  private readonly owners = new Map<string, OwnerFacts>();
  private readonly roleOwners = new SetMap<OwnerFacts>();
  private readonly groupOwners = new SetMap<OwnerFacts>();
  private readonly roleKeys = new SetMap<CachedKey>();
  private readonly groupKeys = new SetMap<CachedKey>();
  /** Tenant and externalId → the cached keys of that identity (only keys with an externalId, i.e. with controls). */
  private readonly identityKeys = new SetMap<CachedKey>();

  /**
   * Indexes a key as it enters the cache. Keys read in parallel share their owner's facts when
   * they read the same; different facts are fresher than those the owner's cached keys hold, so
   * those keys are retired.
   */
  add(entry: CachedKey): void {
    const current = this.owners.get(entry.ownerId);
    if (current !== undefined && current !== entry.owner) {
      if (current.sameFactsAs(entry.owner)) entry.owner = current;
      else this.retire(current);
    }
    if (this.owners.get(entry.ownerId) !== entry.owner) this.register(entry.owner);
    entry.owner.keys++;
    if (entry.keyDeps !== null) {
      for (const roleId of entry.keyDeps.roleIds) this.roleKeys.add(roleId, entry);
      for (const groupId of entry.keyDeps.groupIds) this.groupKeys.add(groupId, entry);
    }
    const externalId = entry.controls?.externalId;
    if (externalId != null) this.identityKeys.add(identityOf(entry.tenantId, externalId), entry);
  }

  remove(entry: CachedKey): void {
    const owner = entry.owner;
    owner.keys--;
    if (owner.keys === 0 && this.owners.get(owner.id) === owner) this.unregister(owner);
    if (entry.keyDeps !== null) {
      for (const roleId of entry.keyDeps.roleIds) this.roleKeys.delete(roleId, entry);
      for (const groupId of entry.keyDeps.groupIds) this.groupKeys.delete(groupId, entry);
    }
    const externalId = entry.controls?.externalId;
    if (externalId != null) this.identityKeys.delete(identityOf(entry.tenantId, externalId), entry);
  }

  /** An identity changed (its limits, credits, metadata, or it came or went): its keys, to evict now. */
  identityKeysOf(tenantId: string, externalId: string): CachedKey[] {
    return this.identityKeys.list(identityOf(tenantId, externalId));
  }

  /** A user changed: their keys go on next use. */
  retireUser(userId: string): void {
    const owner = this.owners.get(userId);
    if (owner !== undefined) this.retire(owner);
  }

  /** A role changed: the keys of its holders go on next use; returns the keys holding it as their own, to evict now. */
  retireRole(roleId: string): CachedKey[] {
    for (const owner of this.roleOwners.list(roleId)) this.retire(owner);
    return this.roleKeys.list(roleId);
  }

  /** A group changed: as retireRole. */
  retireGroup(groupId: string): CachedKey[] {
    for (const owner of this.groupOwners.list(groupId)) this.retire(owner);
    return this.groupKeys.list(groupId);
  }

  /** Entries of each index (what the tests check stays consistent with the cache). */
  get sizes(): { owners: number; roles: number; groups: number; identities: number } {
    return {
      owners: this.owners.size,
      roles: this.roleOwners.size + this.roleKeys.size,
      groups: this.groupOwners.size + this.groupKeys.size,
      identities: this.identityKeys.size,
    };
  }

  private retire(owner: OwnerFacts): void {
    owner.retired = true;
    this.unregister(owner);
  }

  private register(owner: OwnerFacts): void {
    this.owners.set(owner.id, owner);
    for (const roleId of owner.deps.roleIds) this.roleOwners.add(roleId, owner);
    for (const groupId of owner.deps.groupIds) this.groupOwners.add(groupId, owner);
  }

  private unregister(owner: OwnerFacts): void {
    if (this.owners.get(owner.id) === owner) this.owners.delete(owner.id);
    for (const roleId of owner.deps.roleIds) this.roleOwners.delete(roleId, owner);
    for (const groupId of owner.deps.groupIds) this.groupOwners.delete(groupId, owner);
  }
}

/** Tenant IDs hold no space (see key-format.ts), so this cannot join two identities into one. */
function identityOf(tenantId: string, externalId: string): string {
  return `${tenantId} ${externalId}`;
}

/** A map of sets that drops a set when it empties, so the index never outlives what it indexes. */
class SetMap<V> {
  private readonly sets = new Map<string, Set<V>>();

  add(id: string, value: V): void {
    const set = this.sets.get(id);
    if (set === undefined) this.sets.set(id, new Set([value]));
    else set.add(value);
  }

  delete(id: string, value: V): void {
    const set = this.sets.get(id);
    if (set === undefined) return;
    set.delete(value);
    if (set.size === 0) this.sets.delete(id);
  }

  /** A copy: the caller changes the index while it walks. */
  list(id: string): V[] {
    const set = this.sets.get(id);
    return set === undefined ? [] : [...set];
  }

  get size(): number {
    return this.sets.size;
  }
}
