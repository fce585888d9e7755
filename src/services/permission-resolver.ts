import type { AccessKey, UserRole } from '../core/model.js';
import { effectivePermissions, normalize } from '../core/permissions.js';
import type { KeyLink } from '../store/dialects/key-lookup.js';
import type { Store } from '../store/store.js';

export interface ResolvedPermissions {
  /** What the owner holds: everything for admins, their roles' grants for members. */
  owner: string[];
  /** What the key's own roles and groups grant; null when it has none and acts as its owner. */
  key: string[] | null;
  /** The key's grants narrowed to the owner's. */
  effective: string[];
}

export async function resolvePermissions(store: Store, key: Pick<AccessKey, 'ownerId' | 'roleIds' | 'groupIds'>, ownerRole: UserRole): Promise<ResolvedPermissions> {
  const owner = ownerRole === 'admin' ? ['*'] : normalize(await store.users.grantedPermissions(key.ownerId));
  const hasOwnGrants = key.roleIds.length > 0 || key.groupIds.length > 0;
  const grants = hasOwnGrants ? normalize([...(await store.roles.permissionsOf(key.roleIds)), ...(await store.groups.permissionsOf(key.groupIds))]) : null;
  return { owner, key: grants, effective: effectivePermissions(owner, grants) };
}

/** Role and group IDs an answer was resolved through: a change to any of them must evict it. */
export interface Dependencies {
  readonly roleIds: readonly string[];
  readonly groupIds: readonly string[];
}

export interface ResolvedLinks {
  effective: string[];
  /** Whether the key's own roles or groups narrow it (else it acts with all of its owner's permissions). */
  narrowed: boolean;
  /** Through the key's own roles and groups. */
  key: Dependencies;
  /** Through the owner's roles and groups (shared by every key of the owner). */
  owner: Dependencies;
}

/**
 * The same resolution as resolvePermissions, from the links the key-cache lookup read in its
 * one statement (see store/dialects/key-lookup.ts).
 */
export function resolveLinks(ownerRole: UserRole, links: readonly KeyLink[]): ResolvedLinks {
  const keyLinks = links.filter((l) => l.via === 'key');
  const ownerLinks = links.filter((l) => l.via === 'owner');
  const owner = ownerRole === 'admin' ? ['*'] : normalize(ownerLinks.flatMap((l) => l.permissions));
  const grants = keyLinks.length > 0 ? normalize(keyLinks.flatMap((l) => l.permissions)) : null;
  return { effective: effectivePermissions(owner, grants), narrowed: grants !== null, key: dependenciesOf(keyLinks), owner: dependenciesOf(ownerLinks) };
}

function dependenciesOf(links: readonly KeyLink[]): Dependencies {
  const roleIds = new Set<string>();
  const groupIds = new Set<string>();
  for (const l of links) {
    if (l.roleId !== null) roleIds.add(l.roleId);
    if (l.groupId !== null) groupIds.add(l.groupId);
  }
  return { roleIds: [...roleIds].sort(), groupIds: [...groupIds].sort() };
}
