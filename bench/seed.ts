/**
 * Fills a fresh store with real keys fast: tenants, member users holding a role, and keys whose
 * digest and envelope are made under the master key the server will run with, so every token
 * verifies. Keys go in with multi-row inserts inside one transaction (one request per key
 * through the API, or one transaction per key through the quota path, would take minutes).
 */
import type { Insertable } from 'kysely';
import { buildToken } from '../src/core/key-format.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { sha256Hex } from '../src/crypto/digest.js';
import { sealSecret } from '../src/crypto/envelope.js';
import { hashPassword } from '../src/crypto/password.js';
import { generateAccessKeyId, generateId, generatePassword, generateSecret } from '../src/crypto/random.js';
import type { AccessKeysTable } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';

export const BENCH_PERMISSION = 'storage:read';
const ROLE_PERMISSIONS = ['storage:*', 'billing:read'];
const DAY_MS = 86_400_000;

export interface SeedShape {
  keys: number;
  tenants: number;
  keysPerUser: number;
}

export interface SeedResult {
  tokens: string[];
  /** The tenant (index into `verifiers`) of each token. */
  tokenTenants: number[];
  /** Per tenant, the token of its verifier key (an api key of the tenant's admin narrowed to a Verifier role). */
  verifiers: string[];
  tenants: number;
  users: number;
  seconds: { crypto: number; insert: number; total: number };
}

export async function seedKeys(store: Store, masterKey: Buffer, shape: SeedShape): Promise<SeedResult> {
  const started = performance.now();
  const now = new Date();
  const passwordHash = await hashPassword(generatePassword());
  const usersNeeded = Math.ceil(shape.keys / shape.keysPerUser);
  const usersPerTenant = Math.ceil(usersNeeded / shape.tenants);

  const owners: { tenantId: string; userId: string; tenant: number }[] = [];
  const verifierRows: Insertable<AccessKeysTable>[] = [];
  const verifierRoles: { accessKeyId: string; roleId: string }[] = [];
  const verifiers: string[] = [];
  await store.transaction(async (tx) => {
    for (let t = 0; t < shape.tenants; t++) {
      const tenantId = generateId('tenant');
      await tx.tenants.insert({
        id: tenantId,
        slug: `bench-${t}-${tenantId.slice(-6)}`,
        name: `Bench tenant ${t}`,
        status: 'active',
        policy: { ...DEFAULT_POLICY, memberKeyLimit: null },
        createdAt: now,
      });
      const roleId = generateId('role');
      await tx.roles.insert({ id: roleId, tenantId, name: 'storage', description: 'bench', permissions: ROLE_PERMISSIONS, createdAt: now, updatedAt: now });
      // The tenant's verifier: the key the API under test asks with (Authorization: Bearer).
      const adminId = generateId('user');
      await tx.users.insert(
        {
          id: adminId,
          tenantId,
          email: `${adminId}@bench.test`,
          name: 'Bench admin',
          role: 'admin',
          programmaticAccess: true,
          status: 'active',
          mustChangePassword: false,
          createdAt: now,
          updatedAt: now,
        },
        passwordHash,
      );
      const verifierRoleId = generateId('role');
      await tx.roles.insert({ id: verifierRoleId, tenantId, name: 'Verifier', description: 'bench', permissions: ['latchkey:verify'], createdAt: now, updatedAt: now });
      const verifierKeyId = generateAccessKeyId();
      const verifierSecret = generateSecret();
      verifiers.push(buildToken(verifierKeyId, verifierSecret));
      verifierRows.push(keyRow(masterKey, { accessKeyId: verifierKeyId, secret: verifierSecret, tenantId, ownerId: adminId, name: 'bench verifier', now }));
      verifierRoles.push({ accessKeyId: verifierKeyId, roleId: verifierRoleId });
      for (let u = 0; u < usersPerTenant && owners.length < usersNeeded; u++) {
        const userId = generateId('user');
        await tx.users.insert(
          {
            id: userId,
            tenantId,
            email: `${userId}@bench.test`,
            name: `Bench user ${u}`,
            role: 'member',
            programmaticAccess: true,
            status: 'active',
            mustChangePassword: false,
            createdAt: now,
            updatedAt: now,
          },
          passwordHash,
        );
        await tx.users.setRoles(tenantId, userId, [roleId]);
        owners.push({ tenantId, userId, tenant: t });
      }
    }
  });

  const cryptoStarted = performance.now();
  const tokens: string[] = [];
  const tokenTenants: number[] = [];
  const rows: Insertable<AccessKeysTable>[] = [...verifierRows];
  for (let i = 0; i < shape.keys; i++) {
    const owner = owners[Math.floor(i / shape.keysPerUser)]!;
    const accessKeyId = generateAccessKeyId();
    const secret = generateSecret();
    tokens.push(buildToken(accessKeyId, secret));
    tokenTenants.push(owner.tenant);
    rows.push(keyRow(masterKey, { accessKeyId, secret, tenantId: owner.tenantId, ownerId: owner.userId, name: `bench key ${i}`, now }));
  }
  const insertStarted = performance.now();
  // 18 columns × 1000 rows stays under SQLite's 32766 bound parameters (and PostgreSQL's 65535).
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 1000)
      await trx
        .insertInto('accessKeys')
        .values(rows.slice(i, i + 1000))
        .execute();
    await trx.insertInto('accessKeyRoles').values(verifierRoles).execute();
  });
  const done = performance.now();
  return {
    tokens,
    tokenTenants,
    verifiers,
    tenants: shape.tenants,
    users: owners.length,
    seconds: { crypto: (insertStarted - cryptoStarted) / 1000, insert: (done - insertStarted) / 1000, total: (done - started) / 1000 },
  };
}

/** A stored key row with a sealed secret, valid a year from `now` (shared with the scale seeder). */
export function keyRow(masterKey: Buffer, k: { accessKeyId: string; secret: string; tenantId: string; ownerId: string; name: string; now: Date }): Insertable<AccessKeysTable> {
  return {
    id: k.accessKeyId,
    tenantId: k.tenantId,
    ownerId: k.ownerId,
    creatorId: k.ownerId,
    name: k.name,
    type: 'api',
    state: 'enabled',
    secretDigest: sha256Hex(k.secret),
    secretEnvelope: sealSecret(masterKey, k.secret, { tenantId: k.tenantId, accessKeyId: k.accessKeyId }),
    secretVersion: 1,
    previousSecretDigest: null,
    previousSecretEnvelope: null,
    previousSecretExpiresAt: null,
    createdAt: k.now.getTime(),
    updatedAt: k.now.getTime(),
    expiresAt: k.now.getTime() + 365 * DAY_MS,
    lastUsedAt: null,
    deletedAt: null,
  };
}
