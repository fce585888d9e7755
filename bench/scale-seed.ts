/**
 * Seeds up to millions of real keys straight into the tables, a chunk at a time (one multi-row
 * insert per thousand keys, all in one transaction), so neither the rows nor the time grow out of
 * hand: through the API, or one transaction per key, a million keys would take hours. Users are
 * members holding one role of their tenant (keys depend on it, as in real use); every token
 * verifies, its secret sealed under the master key the server runs with.
 */
import type { Insertable } from 'kysely';
import { buildToken } from '../src/core/key-format.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { generateAccessKeyId, generateId, generateSecret } from '../src/crypto/random.js';
import type { AccessKeysTable, UsersTable } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { keyRow } from './seed.js';

export const SCALE_PERMISSION = 'storage:read';
/** 18 columns × 1000 rows stays under SQLite's 32766 bound parameters (and PostgreSQL's 65535). */
const CHUNK = 1000;

export interface ScaleShape {
  keys: number;
  tenants: number;
  keysPerUser: number;
}

export interface ScaleSeedResult {
  tokens: string[];
  /** The tenant (index into `verifiers`) of each token. */
  tokenTenants: number[];
  /** Per tenant, the token of its verifier key (a key of a member narrowed to a Verifier role). */
  verifiers: string[];
  users: number;
  seconds: number;
}

export async function seedScale(store: Store, masterKey: Buffer, shape: ScaleShape): Promise<ScaleSeedResult> {
  const started = performance.now();
  const now = Date.now();
  // At least one user per tenant: each tenant's verifier key needs an owner.
  const users = Math.max(shape.tenants, Math.ceil(shape.keys / shape.keysPerUser));
  const tenants: { id: string; roleId: string; verifierRoleId: string }[] = [];
  await store.transaction(async (tx) => {
    for (let t = 0; t < shape.tenants; t++) {
      const id = generateId('tenant');
      const at = new Date(now);
      await tx.tenants.insert({ id, slug: `scale-${t}-${id.slice(-6)}`, name: `Scale tenant ${t}`, status: 'active', policy: { ...DEFAULT_POLICY, memberKeyLimit: null }, createdAt: at });
      const roleId = generateId('role');
      // Its holders may also make the tenant's verifier key (latchkey:verify).
      await tx.roles.insert({
        id: roleId,
        tenantId: id,
        name: 'storage',
        description: 'scale bench',
        permissions: ['storage:*', 'billing:read', 'latchkey:verify'],
        createdAt: at,
        updatedAt: at,
      });
      const verifierRoleId = generateId('role');
      await tx.roles.insert({ id: verifierRoleId, tenantId: id, name: 'Verifier', description: 'scale bench', permissions: ['latchkey:verify'], createdAt: at, updatedAt: at });
      tenants.push({ id, roleId, verifierRoleId });
    }
  });
  const tokens: string[] = [];
  const tokenTenants: number[] = [];
  const verifiers: string[] = [];
  await store.db.transaction().execute(async (trx) => {
    const owners: { tenantId: string; userId: string }[] = [];
    for (let u = 0; u < users; u += CHUNK) {
      const rows: Insertable<UsersTable>[] = [];
      for (let i = u; i < Math.min(users, u + CHUNK); i++) {
        const tenant = tenants[i % tenants.length]!;
        const id = generateId('user');
        owners.push({ tenantId: tenant.id, userId: id });
        rows.push({
          id,
          tenantId: tenant.id,
          email: `${id}@scale.test`,
          name: `Scale user ${i}`,
          role: 'member',
          // Nobody signs in as these users: no password hash is worth its cost here.
          passwordHash: '!',
          mustChangePassword: 0,
          programmaticAccess: 1,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
      }
      await trx.insertInto('users').values(rows).execute();
      await trx
        .insertInto('userRoles')
        .values(rows.map((r) => ({ userId: r.id!, roleId: tenants.find((t) => t.id === r.tenantId)!.roleId })))
        .execute();
    }
    for (let k = 0; k < shape.keys; k += CHUNK) {
      const rows: Insertable<AccessKeysTable>[] = [];
      for (let i = k; i < Math.min(shape.keys, k + CHUNK); i++) {
        const userIndex = Math.floor(i / shape.keysPerUser);
        const owner = owners[userIndex]!;
        const accessKeyId = generateAccessKeyId();
        const secret = generateSecret();
        tokens.push(buildToken(accessKeyId, secret));
        tokenTenants.push(userIndex % tenants.length);
        rows.push(keyRow(masterKey, { accessKeyId, secret, tenantId: owner.tenantId, ownerId: owner.userId, name: `scale key ${i}`, now: new Date(now) }));
      }
      await trx.insertInto('accessKeys').values(rows).execute();
    }
    // Each tenant's verifier: the key the API under test asks with (Authorization: Bearer).
    for (let t = 0; t < tenants.length; t++) {
      const tenant = tenants[t]!;
      const owner = owners.find((o) => o.tenantId === tenant.id);
      if (!owner) throw new Error('bench:scale: a tenant without a user');
      const accessKeyId = generateAccessKeyId();
      const secret = generateSecret();
      verifiers.push(buildToken(accessKeyId, secret));
      await trx
        .insertInto('accessKeys')
        .values(keyRow(masterKey, { accessKeyId, secret, tenantId: tenant.id, ownerId: owner.userId, name: 'scale verifier', now: new Date(now) }))
        .execute();
      await trx.insertInto('accessKeyRoles').values({ accessKeyId, roleId: tenant.verifierRoleId }).execute();
    }
  });
  return { tokens, tokenTenants, verifiers, users, seconds: (performance.now() - started) / 1000 };
}
