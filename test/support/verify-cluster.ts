/**
 * Real runtimes for the verification suites: services on real stores, as openRuntime builds
 * them (background polling started), several of them sharing one database like Latchkey
 * processes behind a load balancer, plus a TCP relay in front of PostgreSQL that a test can
 * cut and restore to make the database unreachable for real.
 */
import { CamelCasePlugin, Kysely, type LogEvent } from 'kysely';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { signingSettingsOf } from '../../src/main.js';
import type { App } from '../../src/http/app-types.js';
import { createLogger } from '../../src/logger.js';
import type { Actor, Clock } from '../../src/services/actor.js';
import { createServices, type Services } from '../../src/services/services.js';
import type { Database } from '../../src/store/schema.js';
import { createStore, storeOn, type Store } from '../../src/store/store.js';
import { createPostgresDatabase, type DatabaseKind, openTestStore, type TestStore } from './databases.js';

export const PASSWORD = 'correct horse battery staple';

export interface Runtime {
  store: Store;
  services: Services;
  /** The log lines written so far. */
  logText(): string;
  close(): Promise<void>;
}

/**
 * createServices on a store with the production settings unless told otherwise, started
 * (change polling, purges) unless `background` is false — as openRuntime does for the CLI.
 */
export async function openRuntime(store: Store, options: { masterKey: Buffer; clock?: Clock; recordFlushMs?: number; changePollMs?: number; background?: boolean }): Promise<Runtime> {
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
  const defaults = loadConfig({});
  const services = createServices({
    store,
    logger,
    masterKey: options.masterKey,
    signing: signingSettingsOf(defaults),
    ...(options.clock && { clock: options.clock }),
    sessionTtlMinutes: defaults.sessionTtlMinutes,
    keyCacheSize: defaults.keyCacheSize,
    changePollMs: options.changePollMs ?? defaults.changePollMs,
    recordFlushMs: options.recordFlushMs ?? defaults.recordFlushMs,
  });
  if (options.background !== false) await services.start();
  let closed = false;
  return {
    store,
    services,
    logText: () => lines.join(''),
    async close() {
      if (closed) return;
      closed = true;
      await services.stop();
    },
  };
}

/** The real app (all routes and hooks) on a runtime's services, for app.inject. */
export async function openApp(runtime: Runtime, dataDir: string): Promise<App> {
  const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'warn' });
  const app = await buildApp({ services: runtime.services, config, logger: createLogger('warn', { write: () => {} }) });
  await app.ready();
  return app;
}

export function cliActor(tenantId: string, user: Actor['user']): Actor {
  return { tenantId, user, via: 'cli', accessKeyId: null, keyPermissions: null, ip: null, userAgent: null };
}

/** A tenant and its admin, made through the services as `latchkey init` does. */
export async function createTenant(services: Services): Promise<Actor> {
  const slug = `v${randomBytes(5).toString('hex')}`;
  const created = await services.tenants.create({ slug, email: `admin@${slug}.example`, password: PASSWORD });
  return cliActor(created.tenant.id, created.admin);
}

/** Polls `check` until it returns true; fails after `withinMs`. Returns how long it took. */
export async function eventually(check: () => Promise<boolean>, withinMs: number, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    const elapsed = performance.now() - started;
    if (elapsed > withinMs) throw new Error(`${what}: still not the case after ${Math.round(elapsed)} ms (allowed ${withinMs} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The same database through a second Kysely with a query log: the real repositories verification
 * reads through, so a test can count the queries that reach the database.
 */
export function countingStore(store: Store): { store: Store; queries: () => string[] } {
  const seen: string[] = [];
  const db = new Kysely<Database>({
    dialect: store.dialect.kyselyDialect,
    plugins: [new CamelCasePlugin()],
    log: (event: LogEvent) => {
      seen.push(event.query.sql);
    },
  });
  // The key-cache lookup runs outside Kysely (one prepared statement): counted by hand.
  const keyLookup = {
    ...store.dialect.keyLookup,
    find: (accessKeyId: string) => {
      seen.push('key lookup');
      return store.dialect.keyLookup.find(accessKeyId);
    },
  };
  return {
    // Never destroyed on its own: it shares the store's connection (or pool), which the store closes.
    store: { ...storeOn(db, { ...store.dialect, keyLookup }), migrate: store.migrate, close: store.close },
    queries: () => [...seen],
  };
}

/** A TCP relay to PostgreSQL. cut() drops every connection and refuses new ones; restore() listens again. */
export interface Relay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function openRelay(target: { host: string; port: number }): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let listening = true;
  const cut = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };
  return {
    port,
    cut,
    async restore() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: cut,
  };
}

/** The URL of `databaseUrl`'s database, reached through the relay. */
export function throughRelay(databaseUrl: string, relay: Relay): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(relay.port);
  return url.toString();
}

/** A store on the PostgreSQL database at `url` (already migrated by its first store). */
export function postgresStore(url: string): Store {
  return createStore({ databaseUrl: url, dataDir: '/nonexistent-unused-by-postgres' });
}

/** Two runtimes (A and B, as two processes) on one fresh PostgreSQL database, and a tenant's admin made on A. */
export interface PostgresPair {
  a: Runtime;
  b: Runtime;
  admin: Actor;
  close(): Promise<void>;
}

export async function openPostgresPair(): Promise<PostgresPair> {
  const database = await createPostgresDatabase();
  const storeA = postgresStore(database.url);
  await storeA.migrate();
  const masterKey = randomBytes(32);
  // Production settings: change polling every LATCHKEY_CHANGE_POLL_MS (250 ms by default).
  const a = await openRuntime(storeA, { masterKey });
  const b = await openRuntime(postgresStore(database.url), { masterKey });
  return {
    a,
    b,
    admin: await createTenant(a.services),
    async close() {
      for (const runtime of [a, b]) {
        await runtime.close();
        await runtime.store.close();
      }
      await database.drop();
    },
  };
}

/** One process on a fresh database of `kind`, with no background polling (each poll is the test's own), and a tenant's admin made on it. */
export interface QuietRuntime {
  t: TestStore;
  runtime: Runtime;
  admin: Actor;
  close(): Promise<void>;
}

export async function openQuietRuntime(kind: DatabaseKind): Promise<QuietRuntime> {
  const t = await openTestStore(kind);
  const runtime = await openRuntime(t.store, { masterKey: randomBytes(32), background: false });
  return {
    t,
    runtime,
    admin: await createTenant(runtime.services),
    async close() {
      await runtime.close();
      await t.cleanup();
    },
  };
}
