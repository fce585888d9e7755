/**
 * Unknown key IDs are cached as absent: guessing IDs costs the database one lookup per ID, not
 * one per attempt — and an ID that later comes into existence is found once the change is seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { sha256Hex } from '../src/crypto/digest.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { AccessRecorder } from '../src/services/access-recorder.js';
import { KeyCache } from '../src/services/key-cache.js';
import { VerificationService } from '../src/services/verification-service.js';
import { createLogger } from '../src/logger.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';
import { countingStore } from './support/verify-cluster.js';

describe.each(DATABASE_KINDS)('negative caching on %s', (kind) => {
  let t: TestStore;
  let counting: ReturnType<typeof countingStore>;
  let cache: KeyCache;
  let verification: VerificationService;
  let recorder: AccessRecorder;

  beforeAll(async () => {
    t = await openTestStore(kind);
    counting = countingStore(t.store);
    cache = new KeyCache({ store: counting.store, max: 1000 });
    await cache.start();
    recorder = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000 });
    verification = new VerificationService({ keys: cache, recorder, clock: { now: () => new Date() } });
  });

  afterAll(async () => {
    await recorder?.close();
    await t?.cleanup();
  });

  const unknownToken = () => buildToken(generateAccessKeyId(), generateSecret());
  const context = { sourceIp: '198.51.100.1', userAgent: 'guesser' };

  it('asks the database about an unknown key ID once, however often it is tried', async () => {
    const token = unknownToken();
    const before = counting.queries().length;
    expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    const afterFirst = counting.queries().length;
    expect(afterFirst).toBeGreaterThan(before);
    for (let i = 0; i < 20; i++) {
      expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    }
    expect(counting.queries().length).toBe(afterFirst);
    // Nothing names an existing key, so nothing is recorded.
    expect(recorder.pending).toBe(0);
  });

  it('shares one lookup between parallel attempts on the same unknown ID', async () => {
    const token = unknownToken();
    const single = counting.queries().length;
    await verification.verifyBearer(unknownToken(), context);
    const perLookup = counting.queries().length - single;

    const before = counting.queries().length;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => verification.verifyBearer(token, context)));
    expect(outcomes.every((o) => !o.valid && o.code === 'KEY_NOT_FOUND')).toBe(true);
    expect(counting.queries().length - before).toBe(perLookup);
  });

  it('finds a key created under a cached-absent ID once the change log is polled', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id, { role: 'admin' });
    const accessKeyId = generateAccessKeyId();
    const secret = generateSecret();
    const token = buildToken(accessKeyId, secret);
    expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });

    // Another process creates the key (the insert writes its change row in the same transaction).
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, accessKeyId, secrets: { secretDigest: sha256Hex(secret) } });
    expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });

    expect(await cache.poll()).toBeGreaterThan(0);
    expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: true, accessKeyId });
  });

  it('never turns a malformed token into a database query', async () => {
    const before = counting.queries().length;
    const good = unknownToken();
    const badChecksum = good.slice(0, -1) + (good.endsWith('Z') ? 'Y' : 'Z');
    const garbage = [`lk_${'x'.repeat(64)}`, badChecksum, 'Bearer nonsense', ''];
    for (const token of garbage) expect(await verification.verifyBearer(token, context)).toMatchObject({ valid: false, code: 'MALFORMED' });
    expect(counting.queries().length).toBe(before);
  });
});
