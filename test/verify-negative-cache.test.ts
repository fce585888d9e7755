/**
 * Unknown key IDs are remembered in a negative cache of their own: guessing IDs costs the
 * database one lookup per ID, not one per attempt; a flood of well-formed random IDs cannot push
 * real keys out of the key cache; and an ID that later comes into existence is found at once in
 * the process that created the key and within the change poll in every other one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { sha256Hex } from '../src/crypto/digest.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { AccessRecorder } from '../src/services/access-recorder.js';
import type { Actor } from '../src/services/actor.js';
import { KeyCache } from '../src/services/key-cache.js';
import { DEFAULT_SIGNING_SETTINGS } from '../src/services/signing-rules.js';
import { VerificationService } from '../src/services/verification-service.js';
import { createLogger } from '../src/logger.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';
import { countingStore, eventually, openPostgresPair, openQuietRuntime, type PostgresPair, type QuietRuntime, type Runtime } from './support/verify-cluster.js';

/**
 * The IDs the next created keys get. Key IDs are random, so a test cannot otherwise have an ID
 * seen as unknown before the key is created through the services; everything else is real.
 */
const nextKeyIds = vi.hoisted(() => [] as string[]);
vi.mock('../src/crypto/random.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/crypto/random.js')>();
  return { ...original, generateAccessKeyId: () => nextKeyIds.shift() ?? original.generateAccessKeyId() };
});

const unknownToken = () => buildToken(generateAccessKeyId(), generateSecret());
const context = { sourceIp: '198.51.100.1', userAgent: 'guesser' };
/** As the revocation tests: a change through one process reaches the others within 1 s (polling every 250 ms). */
const CHANGE_BOUND_MS = 1_000;

describe.each(DATABASE_KINDS)('negative caching on %s', (kind) => {
  let t: TestStore;
  let counting: ReturnType<typeof countingStore>;
  let cache: KeyCache;
  let verification: VerificationService;
  let recorder: AccessRecorder;
  const bearer = (token: string) => verification.verify({ kind: 'token', token }, context);

  beforeAll(async () => {
    t = await openTestStore(kind);
    counting = countingStore(t.store);
    cache = new KeyCache({ store: counting.store, max: 100, unknownMax: 300 });
    await cache.start();
    recorder = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000 });
    verification = new VerificationService({
      keys: cache,
      recorder,
      clock: { now: () => new Date() },
      masterKey: randomBytes(32),
      store: t.store,
      signing: DEFAULT_SIGNING_SETTINGS,
    });
  });

  afterAll(async () => {
    await recorder?.close();
    await t?.cleanup();
  });

  it('asks the database about an unknown key ID once, however often it is tried', async () => {
    const token = unknownToken();
    const before = counting.queries().length;
    expect(await bearer(token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    const afterFirst = counting.queries().length;
    expect(afterFirst).toBeGreaterThan(before);
    for (let i = 0; i < 20; i++) {
      expect(await bearer(token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    }
    expect(counting.queries().length).toBe(afterFirst);
    // Nothing names an existing key, so nothing is recorded.
    expect(recorder.pending).toBe(0);
  });

  it('shares one lookup between parallel attempts on the same unknown ID', async () => {
    const token = unknownToken();
    const single = counting.queries().length;
    await bearer(unknownToken());
    const perLookup = counting.queries().length - single;

    const before = counting.queries().length;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => bearer(token)));
    expect(outcomes.every((o) => !o.valid && o.code === 'KEY_NOT_FOUND')).toBe(true);
    expect(counting.queries().length - before).toBe(perLookup);
  });

  it('keeps a real key cached through a flood of 10× the key cache size of random unknown IDs', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id, { role: 'admin' });
    const accessKeyId = generateAccessKeyId();
    const secret = generateSecret();
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, accessKeyId, secrets: { secretDigest: sha256Hex(secret) } });
    const token = buildToken(accessKeyId, secret);
    expect(await bearer(token)).toMatchObject({ valid: true, accessKeyId });

    for (let batch = 0; batch < 10; batch++) {
      const outcomes = await Promise.all(Array.from({ length: 100 }, () => bearer(unknownToken())));
      expect(outcomes.every((o) => !o.valid && o.code === 'KEY_NOT_FOUND')).toBe(true);
    }
    // The misses have a bound of their own, and the key cache holds the real key still.
    expect(cache.unknownSize).toBe(300);
    expect(cache.peek(accessKeyId)).toMatchObject({ key: { accessKeyId } });
    const before = counting.queries().length;
    expect(await bearer(token)).toMatchObject({ valid: true, accessKeyId });
    expect(counting.queries().length).toBe(before);
  });

  it('finds a key created under a cached-absent ID once the change log is polled', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id, { role: 'admin' });
    const accessKeyId = generateAccessKeyId();
    const secret = generateSecret();
    const token = buildToken(accessKeyId, secret);
    expect(await bearer(token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });

    // Another process creates the key (the insert writes its change row in the same transaction).
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, accessKeyId, secrets: { secretDigest: sha256Hex(secret) } });
    expect(await bearer(token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });

    expect(await cache.poll()).toBeGreaterThan(0);
    expect(await bearer(token)).toMatchObject({ valid: true, accessKeyId });
  });

  it('never turns a malformed token into a database query', async () => {
    const before = counting.queries().length;
    const good = unknownToken();
    const badChecksum = good.slice(0, -1) + (good.endsWith('Z') ? 'Y' : 'Z');
    const garbage = [`lk_${'x'.repeat(64)}`, badChecksum, 'Bearer nonsense', ''];
    for (const token of garbage) expect(await bearer(token)).toMatchObject({ valid: false, code: 'MALFORMED' });
    expect(counting.queries().length).toBe(before);
  });
});

describe.each(DATABASE_KINDS)('a key created under an ID seen as unknown, in the creating process (%s)', (kind) => {
  let quiet: QuietRuntime;
  let runtime: Runtime;
  let admin: Actor;

  beforeAll(async () => {
    // No background polling: what makes the key verify is the creating process's own eviction.
    quiet = await openQuietRuntime(kind);
    ({ runtime, admin } = quiet);
  });

  afterAll(async () => {
    await quiet?.close();
  });

  beforeEach(() => {
    nextKeyIds.length = 0;
  });

  it('verifies at once', async () => {
    const verification = runtime.services.verification;
    const accessKeyId = generateAccessKeyId();
    expect(await verification.verify({ kind: 'token', token: buildToken(accessKeyId, generateSecret()) }, context)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect(runtime.services.keyCache.peek(accessKeyId)).toBeNull();

    nextKeyIds.push(accessKeyId);
    const issued = await runtime.services.keys.create(admin, { name: 'seen before it existed' });
    expect(issued.key.accessKeyId).toBe(accessKeyId);
    expect(await verification.verify({ kind: 'token', token: issued.token }, context)).toMatchObject({ valid: true, accessKeyId });
  });
});

describe('a key created under an ID another process saw as unknown (PostgreSQL)', () => {
  let pair: PostgresPair;
  let a: Runtime;
  let b: Runtime;
  let admin: Actor;

  beforeAll(async () => {
    pair = await openPostgresPair();
    ({ a, b, admin } = pair);
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('verifies on the other process within the change poll', async () => {
    const accessKeyId = generateAccessKeyId();
    const verifyOnB = (token: string) => b.services.verification.verify({ kind: 'token', token }, context);
    expect(await verifyOnB(buildToken(accessKeyId, generateSecret()))).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect(b.services.keyCache.peek(accessKeyId)).toBeNull();

    nextKeyIds.push(accessKeyId);
    const issued = await a.services.keys.create(admin, { name: 'seen by B before it existed' });
    expect(issued.key.accessKeyId).toBe(accessKeyId);
    await eventually(async () => (await verifyOnB(issued.token)).valid, CHANGE_BOUND_MS, 'B still answers KEY_NOT_FOUND for the new key');
    expect(await verifyOnB(issued.token)).toMatchObject({ valid: true, accessKeyId });
  });
});
