/**
 * Real databases for suites that cross rooms: every storage-touching suite runs on both
 * SQLite and PostgreSQL. PostgreSQL is never skipped: if it is unreachable the suite fails.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessKey, KeySecrets, Tenant, User } from '../../src/core/model.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { sha256Hex } from '../../src/crypto/digest.js';
import { generateAccessKeyId, generateId, generateSecret } from '../../src/crypto/random.js';
import type { NewAccessKey } from '../../src/store/repos/access-keys-repo.js';
import { createStore, type Store } from '../../src/store/store.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * Both databases, always, but for one case: LATCHKEY_TEST_DATABASES=sqlite, which only .ci/run
 * sets for its reruns of the date-handling suites in other time zones, after the full run on both.
 * Every date is computed in JavaScript and stored as epoch milliseconds on both databases (no
 * timestamp column, no SQL date function), so a zone changes the same code on either.
 */
export const DATABASE_KINDS: readonly DatabaseKind[] = Object.freeze(process.env.LATCHKEY_TEST_DATABASES === 'sqlite' ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const));

export function adminPostgresUrl(): string {
  return process.env.LATCHKEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = adminPostgresUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(
      `PostgreSQL is required by the storage tests and is not reachable at ${withoutPassword(url)}: ` +
        `${(error as Error).message}. Start it or point LATCHKEY_TEST_DATABASE_URL at one (tests never skip PostgreSQL).`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A brand-new empty PostgreSQL database, dropped (connections and all) by drop(). */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `latchkey_t_${randomBytes(8).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminPostgresUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdminClient(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

export interface TestStore {
  kind: DatabaseKind;
  store: Store;
  dataDir: string;
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

/** A fresh temp dir, and for PostgreSQL a fresh database: no schema yet. `remove()` drops the database and deletes the dir. */
export interface EmptyDatabase {
  dataDir: string;
  databaseUrl: string | null;
  remove(): Promise<void>;
}

export async function emptyDatabase(kind: DatabaseKind, prefix = 'latchkey-test-'): Promise<EmptyDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  let database: { url: string; drop(): Promise<void> } | null = null;
  const remove = async () => {
    const errors: unknown[] = [];
    if (database) await database.drop().catch((e: unknown) => errors.push(e));
    await rm(dataDir, { recursive: true, force: true }).catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, 'test database cleanup failed');
  };
  try {
    if (kind === 'postgres') database = await createPostgresDatabase();
  } catch (error) {
    await remove().catch(() => {});
    throw error;
  }
  return { dataDir, databaseUrl: database?.url ?? null, remove };
}

/** A migrated Store on a fresh temp dir (sqlite) or fresh database (postgres). */
export async function openTestStore(kind: DatabaseKind): Promise<TestStore> {
  const place = await emptyDatabase(kind);
  let store: Store | null = null;
  const cleanup = async () => {
    const errors: unknown[] = [];
    if (store) await store.close().catch((e: unknown) => errors.push(e));
    store = null;
    await place.remove().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, 'test store cleanup failed');
  };
  try {
    const raw = createStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
    // close() may run twice (a test closes the store, cleanup closes it again): once is enough.
    let closing: Promise<void> | null = null;
    store = { ...raw, close: () => (closing ??= raw.close()) };
    await store.migrate();
    return { kind, store, dataDir: place.dataDir, databaseUrl: place.databaseUrl, cleanup };
  } catch (error) {
    await cleanup().catch(() => {});
    throw error;
  }
}

let clockMs = Date.UTC(2030, 0, 1);
/** Distinct, increasing creation times, so newest-first orders are well defined. */
function nextTime(): Date {
  clockMs += 1_000;
  return new Date(clockMs);
}

export async function seedTenant(store: Store, overrides: Partial<Tenant> = {}): Promise<Tenant> {
  const id = overrides.id ?? generateId('tenant');
  const tenant: Tenant = {
    id,
    slug: `t-${id.slice(-10)}`,
    name: 'Test tenant',
    status: 'active',
    policy: { ...DEFAULT_POLICY },
    createdAt: nextTime(),
    ...overrides,
  };
  await store.tenants.insert(tenant);
  return tenant;
}

export async function seedUser(store: Store, tenantId: string, overrides: Partial<User> & { passwordHash?: string } = {}): Promise<User> {
  const { passwordHash = '$argon2id$v=19$m=19456,t=2,p=1$fake$fake', ...fields } = overrides;
  const id = fields.id ?? generateId('user');
  const at = fields.createdAt ?? nextTime();
  const user: User = {
    id,
    tenantId,
    email: `${id}@example.test`,
    name: 'Test user',
    role: 'member',
    programmaticAccess: true,
    status: 'active',
    mustChangePassword: false,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
  await store.transaction((tx) => tx.users.insert(user, passwordHash));
  return user;
}

export function fakeSecrets(overrides: Partial<KeySecrets> = {}): KeySecrets {
  const b64 = (n: number) => randomBytes(n).toString('base64url');
  return {
    secretDigest: sha256Hex(generateSecret()),
    secretEnvelope: `v1.${b64(12)}.${b64(40)}.${b64(16)}`,
    secretVersion: 1,
    previousSecretDigest: null,
    previousSecretEnvelope: null,
    previousSecretExpiresAt: null,
    ...overrides,
  };
}

export type KeySeed = Partial<AccessKey> & { tenantId: string; ownerId: string; secrets?: Partial<KeySecrets> };

/** Builds a new key (not stored), as the key service would hand it to insertWithinQuota. */
export function newAccessKey(seed: KeySeed): NewAccessKey {
  const { secrets, ...fields } = seed;
  const at = fields.createdAt ?? nextTime();
  const key: AccessKey = {
    accessKeyId: generateAccessKeyId(),
    creatorId: seed.ownerId,
    name: 'test key',
    type: 'api',
    state: 'enabled',
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date(at.getTime() + 365 * 86_400_000),
    lastUsedAt: null,
    deletedAt: null,
    previousSecretExpiresAt: null,
    roleIds: [],
    groupIds: [],
    usage: { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits: null },
    ...fields,
  };
  return { key, secrets: fakeSecrets(secrets) };
}

/** Inserts a key (within `limit`, default unlimited); throws if the quota refused it. */
export async function seedKey(store: Store, seed: KeySeed, limit: number | null = null): Promise<NewAccessKey> {
  const input = newAccessKey(seed);
  const outcome = await store.transaction((tx) => tx.accessKeys.insertWithinQuota(input, limit));
  if (outcome !== 'inserted') throw new Error(`seedKey: the quota (${limit}) refused key ${input.key.accessKeyId}: ${outcome}`);
  return input;
}
