import type { AccessKey, UserRole } from '../core/model.js';
import { effectivePermissions, normalize } from '../core/permissions.js';
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
