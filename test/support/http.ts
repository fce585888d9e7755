/**
 * The real HTTP app on a real store, for the HTTP suites: buildApp + createServices on a fresh
 * SQLite file or PostgreSQL database, a clock the test moves, and the production logger
 * writing into memory so a test can read every line it wrote.
 *
 * Signing in costs an argon2 verification, so suites sign in once (beforeAll) and reuse the
 * sessions; every request goes through `h.request`, which keeps a transcript of the bodies.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { generateSync } from 'otplib';
import { loadConfig, type Config } from '../../src/config.js';
import type { SealingKeys } from '../../src/crypto/envelope.js';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/app-types.js';
import { SESSION_COOKIE } from '../../src/http/authenticate.js';
import { createLogger } from '../../src/logger.js';
import { guessSettingsOf, loginSettingsOf, mailSettingsOf, signingSettingsOf } from '../../src/main.js';
import type { Clock } from '../../src/services/actor.js';
import { createServices, type Services } from '../../src/services/services.js';
import { createStore, type Store } from '../../src/store/store.js';
import { openTestStore, type DatabaseKind, type TestStore } from './databases.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestClock extends Clock {
  advance(ms: number): void;
}

/**
 * Where the HTTP suites' clocks start: a fixed instant, so no answer depends on the hour, the
 * day or the month the suite runs in, nor on where a TOTP 30 s step happens to begin.
 */
export const TEST_EPOCH = new Date('2031-03-14T15:09:26.500Z');

/** Stands still at `start` and only moves when told to. */
export function testClock(start: Date = TEST_EPOCH): TestClock {
  let ms = start.getTime();
  return {
    now: () => new Date(ms),
    advance: (by) => {
      ms += by;
    },
  };
}

/**
 * Follows the machine's time, moved ahead by `advance`: for suites where a real SDK client signs
 * with the machine's clock (the AWS and Tencent SDKs take no clock), so the server's time stays
 * the client's however long the suite takes to get there.
 */
export function wallClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (by) => {
      offset += by;
    },
  };
}

export interface Session {
  kind: 'session';
  cookie: string;
  /** The name the server gave the cookie: latchkey_session, or __Host-latchkey_session with LATCHKEY_COOKIE_SECURE=true. */
  cookieName?: string;
  csrfToken: string;
  userId: string;
  tenantId: string;
  email: string;
}

/** An access-type key presented as `Authorization: Bearer`. */
export interface Bearer {
  kind: 'bearer';
  token: string;
}

export type Caller = Session | Bearer | null;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  as?: Caller;
  /** A value sent as JSON, or a string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** For sessions: send the right CSRF token (default), none (false) or this one. */
  csrf?: boolean | string;
  /** The client address the server sees (default 127.0.0.1). */
  remoteAddress?: string;
}

export interface Response {
  status: number;
  headers: LightMyRequestResponse['headers'];
  cookies: LightMyRequestResponse['cookies'];
  text: string;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: any;
}

export interface Tenant {
  tenantId: string;
  slug: string;
  admin: Session;
}

export interface UserFields {
  role?: 'admin' | 'member';
  programmaticAccess?: boolean;
  email?: string;
  name?: string;
}

export interface CreatedUser {
  id: string;
  email: string;
  session: Session;
}

export interface Harness {
  kind: DatabaseKind;
  app: App;
  services: Services;
  store: Store;
  testStore: TestStore;
  clock: TestClock;
  config: Readonly<Config>;
  /** Everything the logger wrote so far. */
  logText(): string;
  /** Every response body so far, in order. */
  transcript: string[];
  request(options: RequestOptions): Promise<Response>;
  /** A tenant and its first admin (through TenantsService), signed in. */
  bootstrap(slug?: string): Promise<Tenant>;
  login(tenant: string, email: string, password?: string, totp?: string): Promise<Session>;
  /** A user made through the API by `admin`, then signed in. */
  createUser(admin: Session, fields?: UserFields): Promise<CreatedUser>;
  /** The same without signing in (saves an argon2 verification when no session is needed). */
  addUser(admin: Session, fields?: UserFields): Promise<Omit<CreatedUser, 'session'>>;
  /** POST /v1/access-keys; fails the test unless it answers 201. */
  createKey(as: Caller, body?: Record<string, unknown>): Promise<IssuedKey>;
  close(): Promise<void>;
}

export interface IssuedKey {
  accessKeyId: string;
  secret: string;
  token: string;
  copyText: string;
  name: string;
  type: 'access' | 'api';
  state: string;
  ownerId: string;
  tenantId: string;
  createdAt: string;
  expiresAt: string | null;
  roleIds: string[];
  groupIds: string[];
  verifier: boolean;
}

let slugCounter = 0;
const uniqueSlug = () => `t${Date.now().toString(36)}${(slugCounter++).toString(36)}${randomBytes(2).toString('hex')}`;

/**
 * Requests to the app in-process (app.inject) as a caller — a session (cookie, and the CSRF
 * token unless told otherwise) or a bearer key — and sign-in through the API. Shared by the
 * HTTP and browser harnesses; `seen` gets every response body.
 */
export function apiClient(app: App, seen: (body: string) => void = () => {}) {
  const request = async (o: RequestOptions): Promise<Response> => {
    const headers: Record<string, string> = { ...o.headers };
    const caller = o.as ?? null;
    if (caller?.kind === 'bearer') headers.authorization = `Bearer ${caller.token}`;
    if (caller?.kind === 'session') {
      headers.cookie = `${caller.cookieName ?? SESSION_COOKIE}=${caller.cookie}`;
      const csrf = o.csrf ?? true;
      if (csrf === true) headers['x-csrf-token'] = caller.csrfToken;
      else if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
    }
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.inject({ method: o.method, url: o.url, headers, ...(payload !== undefined && { payload }), ...(o.remoteAddress !== undefined && { remoteAddress: o.remoteAddress }) });
    seen(res.body);
    let body: unknown;
    try {
      body = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, cookies: res.cookies, text: res.body, body };
  };

  const login = async (tenant: string, email: string, password = PASSWORD, totp?: string): Promise<Session> => {
    const res = await request({ method: 'POST', url: '/v1/auth/login', body: { tenant, email, password, ...(totp !== undefined && { totp }) } });
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${res.text}`);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE || c.name === `__Host-${SESSION_COOKIE}`);
    if (!cookie) throw new Error('login set no session cookie');
    return { kind: 'session', cookie: cookie.value, cookieName: cookie.name, csrfToken: res.body.csrfToken, userId: res.body.user.id, tenantId: res.body.user.tenantId, email };
  };

  /** A user made through the API by `admin` (password PASSWORD); fails the test unless it answers 201. */
  const addUser = async (admin: Session, fields: UserFields = {}): Promise<Omit<CreatedUser, 'session'>> => {
    const email = fields.email ?? `u${randomBytes(5).toString('hex')}@example.test`;
    const res = await request({
      method: 'POST',
      url: '/v1/users',
      as: admin,
      body: { email, password: PASSWORD, role: fields.role ?? 'member', programmaticAccess: fields.programmaticAccess ?? true, ...(fields.name && { name: fields.name }) },
    });
    if (res.status !== 201) throw new Error(`creating ${email} failed: ${res.status} ${res.text}`);
    return { id: res.body.user.id, email };
  };

  /** POST /v1/access-keys; fails the test unless it answers 201. */
  const createKey = async (as: Caller, body: Record<string, unknown> = {}): Promise<IssuedKey> => {
    const res = await request({ method: 'POST', url: '/v1/access-keys', as, body });
    if (res.status !== 201) throw new Error(`creating a key failed: ${res.status} ${res.text}`);
    keyTenants.set(res.body.accessKeyId, res.body.tenantId);
    return res.body as IssuedKey;
  };

  return { request, login, addUser, createKey };
}

export interface HttpOptions {
  /** Settings as LATCHKEY_* variables (LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM turn mail on). */
  env?: Record<string, string>;
  /** Tries before a mail is given up (the production default otherwise). */
  mailMaxAttempts?: number;
  /** Share this PostgreSQL database (a second process) instead of opening a fresh one. */
  databaseUrl?: string;
  /** The master key or keyring; processes sharing a database need the key its values are sealed under. */
  masterKey?: SealingKeys;
  /** Share this harness's database (SQLite file or PostgreSQL database) as a second process would; it stays open when this harness closes. */
  shareWith?: Harness;
  /** How often the expiry reminder pass runs in the background (default: the production minute). */
  reminderIntervalMs?: number;
  /** The server's clock (default: testClock(), standing still at TEST_EPOCH). */
  clock?: TestClock;
}

export async function openHttp(kind: DatabaseKind, options: HttpOptions = {}): Promise<Harness> {
  const testStore = options.shareWith
    ? await sharedTestStore(options.shareWith.testStore.databaseUrl, options.shareWith.testStore.dataDir)
    : options.databaseUrl
      ? await sharedTestStore(options.databaseUrl)
      : await openTestStore(kind);
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  // Sessions last the longest allowed (30 days), so suites can move the clock by days and keep their logins.
  const config = loadConfig({ LATCHKEY_DATA_DIR: testStore.dataDir, LATCHKEY_LOG_LEVEL: 'trace', LATCHKEY_SESSION_TTL_MINUTES: '43200', ...options.env });
  const clock = options.clock ?? testClock();
  const services = createServices({
    store: testStore.store,
    logger,
    masterKey: options.masterKey ?? randomBytes(32),
    signing: signingSettingsOf(config),
    clock,
    mail: { ...mailSettingsOf(config), ...(options.mailMaxAttempts !== undefined && { maxAttempts: options.mailMaxAttempts }) },
    ...(options.reminderIntervalMs !== undefined && { reminderIntervalMs: options.reminderIntervalMs }),
    sessionTtlMinutes: config.sessionTtlMinutes,
    keyCacheSize: config.keyCacheSize,
    changePollMs: config.changePollMs,
    guess: guessSettingsOf(config),
    login: loginSettingsOf(config),
    rateLimits: { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, syncMs: config.ratelimitSyncMs },
    // Tests flush explicitly (services.recorder.flush()) before reading access records.
    recordFlushMs: 60_000,
  });
  await services.start();
  const app = await buildApp({ services, config, logger });
  await app.ready();
  const transcript: string[] = [];

  const { request, login, addUser, createKey } = apiClient(app, (body) => transcript.push(body));

  const h: Harness = {
    kind,
    app,
    services,
    store: testStore.store,
    testStore,
    clock,
    config,
    transcript,
    logText: () => lines.join(''),
    request,
    login,
    async bootstrap(slug = uniqueSlug()) {
      const email = `admin@${slug}.example`;
      const created = await services.tenants.create({ slug, email, password: PASSWORD });
      return { tenantId: created.tenant.id, slug, admin: await login(slug, email) };
    },
    addUser,
    async createUser(admin, fields = {}) {
      const user = await h.addUser(admin, fields);
      return { ...user, session: await login(admin.tenantId, user.email) };
    },
    createKey,
    async close() {
      await app.close();
      await services.stop();
      await testStore.cleanup();
    },
  };
  return h;
}

/** A second store on a database another harness opened (and will drop): a second Latchkey process. SQLite: the other's data directory. */
async function sharedTestStore(databaseUrl: string | null, sqliteDataDir?: string): Promise<TestStore> {
  const dataDir = databaseUrl === null ? sqliteDataDir! : await mkdtemp(join(tmpdir(), 'latchkey-test-'));
  const store = createStore({ databaseUrl, dataDir });
  await store.migrate();
  return {
    kind: databaseUrl === null ? 'sqlite' : 'postgres',
    store,
    dataDir,
    databaseUrl,
    async cleanup() {
      await store.close();
      if (databaseUrl !== null) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The authenticator code of a TOTP secret at the harness's time, from an independent implementation (otplib). */
export function totpAt(secret: string, clock: Clock): string {
  return generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

/** PUT /v1/policy with the current policy changed by `patch`; fails the test unless it answers 200. */
export async function setPolicy(h: Harness, admin: Session, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const current = (await h.request({ method: 'GET', url: '/v1/policy', as: admin })).body;
  const res = await h.request({ method: 'PUT', url: '/v1/policy', as: admin, body: { ...current, ...patch } });
  if (res.status !== 200) throw new Error(`policy ${JSON.stringify(patch)} refused: ${res.status} ${res.text}`);
  return res.body;
}

/** `Authorization: Bearer` with a key's token. */
export const bearer = (key: { token: string }): Bearer => ({ kind: 'bearer', token: key.token });

/** A verifier key (latchkey:verify only) presented as `Authorization: Bearer`. */
export interface Verifier extends Bearer {
  accessKeyId: string;
  tenantId: string;
}

/** Tenants of the keys the test harnesses issued (so a verifier can be picked without the database). */
const keyTenants = new Map<string, string>();
const verifiers = new WeakMap<Services, Map<string, Promise<Verifier>>>();
const ACCESS_KEY_ID_IN_TEXT = /LK[A-Z2-7]{18}/;

/**
 * The verifier of `tenantId` that the test helpers use, made once per services (through the
 * keys service, acting as the tenant's oldest active admin, as the CLI does): a verifier key
 * like any an integrator creates with `{verifier: true}`.
 */
export function verifierFor(services: Services, tenantId: string): Promise<Verifier> {
  let perServices = verifiers.get(services);
  if (!perServices) {
    perServices = new Map();
    verifiers.set(services, perServices);
  }
  let made = perServices.get(tenantId);
  if (!made) {
    made = (async () => {
      const admin = await services.users.oldestActiveAdmin(tenantId);
      if (!admin) throw new Error(`tenant ${tenantId} has no active admin to own a verifier key`);
      const actor = { tenantId, user: admin, via: 'cli' as const, accessKeyId: null, keyPermissions: null, ip: null, userAgent: 'latchkey-test' };
      const issued = await services.keys.create(actor, { name: 'test verifier', verifier: true, neverExpires: true });
      keyTenants.set(issued.key.accessKeyId, tenantId);
      return { kind: 'bearer' as const, token: issued.token, accessKeyId: issued.key.accessKeyId, tenantId };
    })();
    made.catch(() => perServices.delete(tenantId));
    perServices.set(tenantId, made);
  }
  return made;
}

/**
 * The verifier of the tenant holding the key that `text` (a token, a signed request) names;
 * for text naming no known key (garbage, an unknown key ID), the first tenant's.
 */
export async function verifierForText(services: Services, store: Store, text: string): Promise<Verifier> {
  const accessKeyId = ACCESS_KEY_ID_IN_TEXT.exec(text)?.[0];
  let tenantId = accessKeyId === undefined ? undefined : keyTenants.get(accessKeyId);
  if (tenantId === undefined && accessKeyId !== undefined) {
    tenantId = (await store.db.selectFrom('accessKeys').select('tenantId').where('id', '=', accessKeyId).executeTakeFirst())?.tenantId;
  }
  tenantId ??= (await store.db.selectFrom('tenants').select('id').orderBy('createdAt').limit(1).executeTakeFirst())?.id;
  if (tenantId === undefined) throw new Error('no tenant to take a verifier from');
  return verifierFor(services, tenantId);
}

/** `Authorization: Bearer` with the verifier of `tenantId`, for app.inject calls to /v1/verify. */
export async function verifierHeaders(services: Services, tenantId: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${(await verifierFor(services, tenantId)).token}` };
}

/** POST /v1/verify with a token (and optionally a permission to check), asked by the verifier of the token's tenant (or `as`). */
export async function verify(h: Harness, token: string, permission?: string, as?: Verifier): Promise<any> {
  const verifier = as ?? (await verifierForText(h.services, h.store, token));
  const res = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { token, ...(permission !== undefined && { permission }) } });
  if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${res.text}`);
  return res.body;
}

/** Reads every page of a listing (following nextCursor) with the given page size. */
export async function readAllPages(h: Harness, as: Caller, url: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await h.request({ method: 'GET', url: `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('paging did not end');
  } while (cursor);
  return { items, pages };
}

export const DAY_MS = 86_400_000;

export interface RouteEntry {
  method: string;
  /** Fastify form: /v1/access-keys/:accessKeyId */
  url: string;
}

/** Every route the app serves (HEAD aside), read from Fastify's own route tree. */
export function routeTable(app: App): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.*) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const url = stack.join('').replace(/\/{2,}/g, '/');
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') routes.push({ method, url });
  }
  return routes;
}

/** latchkey_verify_fast_path_total{reader}, as /metrics gives it. */
export async function fastPathTotal(h: Harness, reader: 'wire' | 'http'): Promise<number> {
  const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = new RegExp(`^latchkey_verify_fast_path_total\\{reader="${reader}"\\} (\\d+)$`, 'm').exec(text);
  if (!line) throw new Error(`/metrics has no latchkey_verify_fast_path_total{reader="${reader}"}`);
  return Number(line[1]);
}
