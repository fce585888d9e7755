import type { CachedKey } from './cached-key.js';

/**
 * Which cached keys depend on what, so a change evicts exactly its keys without scanning the
 * cache: a user's keys, and those resolved through a role or a group. (A tenant-wide change
 * needs no index: it retires the tenant's shared facts, see TenantFacts.)
 *
 * Kept small because it lives beside every entry: a user's keys form a list threaded through
 * the entries themselves (two fields each, no set per user); a role or group lists the users it
 * reaches (an owner's roles and groups are the same for all their keys) and the keys that hold
 * it as their own role or group.
 */
export class KeyIndex {
  /** Owner ID → the first of the owner's cached keys. */
  private readonly owners = new Map<string, CachedKey>();
  private readonly roleOwners = new SetMap<string>();
  private readonly groupOwners = new SetMap<string>();
  private readonly roleKeys = new SetMap<CachedKey>();
  private readonly groupKeys = new SetMap<CachedKey>();

  /** The first cached key of the owner (its owner facts are those of all of them). */
  firstOf(ownerId: string): CachedKey | undefined {
    return this.owners.get(ownerId);
  }

  add(entry: CachedKey): void {
    const head = this.owners.get(entry.ownerId);
    if (head === undefined) {
      for (const roleId of entry.ownerDeps.roleIds) this.roleOwners.add(roleId, entry.ownerId);
      for (const groupId of entry.ownerDeps.groupIds) this.groupOwners.add(groupId, entry.ownerId);
    } else {
      entry.ownerNext = head;
      head.ownerPrev = entry;
    }
    this.owners.set(entry.ownerId, entry);
    if (entry.keyDeps !== null) {
      for (const roleId of entry.keyDeps.roleIds) this.roleKeys.add(roleId, entry);
      for (const groupId of entry.keyDeps.groupIds) this.groupKeys.add(groupId, entry);
    }
  }

  remove(entry: CachedKey): void {
    const { ownerPrev: prev, ownerNext: next } = entry;
    if (prev !== null) prev.ownerNext = next;
    if (next !== null) next.ownerPrev = prev;
    entry.ownerPrev = entry.ownerNext = null;
    if (this.owners.get(entry.ownerId) === entry) {
      if (next !== null) this.owners.set(entry.ownerId, next);
      else {
        this.owners.delete(entry.ownerId);
        for (const roleId of entry.ownerDeps.roleIds) this.roleOwners.delete(roleId, entry.ownerId);
        for (const groupId of entry.ownerDeps.groupIds) this.groupOwners.delete(groupId, entry.ownerId);
      }
    }
    if (entry.keyDeps !== null) {
      for (const roleId of entry.keyDeps.roleIds) this.roleKeys.delete(roleId, entry);
      for (const groupId of entry.keyDeps.groupIds) this.groupKeys.delete(groupId, entry);
    }
  }

  keysOfUser(ownerId: string): CachedKey[] {
    const keys: CachedKey[] = [];
    for (let k = this.owners.get(ownerId) ?? null; k !== null; k = k.ownerNext) keys.push(k);
    return keys;
  }

  keysOfRole(roleId: string): CachedKey[] {
    return [...this.roleOwners.list(roleId).flatMap((ownerId) => this.keysOfUser(ownerId)), ...this.roleKeys.list(roleId)];
  }

  keysOfGroup(groupId: string): CachedKey[] {
    return [...this.groupOwners.list(groupId).flatMap((ownerId) => this.keysOfUser(ownerId)), ...this.groupKeys.list(groupId)];
  }

  /** Entries of each index (what the tests check stays consistent with the cache). */
  get sizes(): { owners: number; roles: number; groups: number } {
    return { owners: this.owners.size, roles: this.roleOwners.size + this.roleKeys.size, groups: this.groupOwners.size + this.groupKeys.size };
  }
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

  /** A copy: the caller evicts while it walks. */
  list(id: string): V[] {
    const set = this.sets.get(id);
    return set === undefined ? [] : [...set];
  }

  get size(): number {
    return this.sets.size;
  }
}
