/** The seen-signatures store behind replay protection, on real SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeenSignaturesRepo } from '../src/store/repos/seen-signatures-repo.js';
import { DATABASE_KINDS, openTestStore, type TestStore } from './support/databases.js';

describe.each(DATABASE_KINDS)('seen signatures (%s)', (kind) => {
  let t: TestStore;
  let seen: SeenSignaturesRepo;
  beforeAll(async () => {
    t = await openTestStore(kind);
    seen = new SeenSignaturesRepo(t.store.db);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const now = new Date('2031-05-05T12:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const entry = (signature: string, accessKeyId = 'LKREPLAYAAAAAAAAAAAA', expiresAt = later(300)) => ({ accessKeyId, signature, tenantId: 'tnt_replay', expiresAt });

  it('claims a signature once while it is live', async () => {
    expect(await seen.claim(entry('a'.repeat(64)), now)).toBe(true);
    expect(await seen.claim(entry('a'.repeat(64)), later(1))).toBe(false);
    expect(await seen.claim(entry('a'.repeat(64)), later(299))).toBe(false);
  });

  it('keeps keys apart: the same signature under another key is another claim', async () => {
    expect(await seen.claim(entry('b'.repeat(64), 'LKREPLAYBBBBBBBBBBBB'), now)).toBe(true);
    expect(await seen.claim(entry('b'.repeat(64), 'LKREPLAYCCCCCCCCCCCC'), now)).toBe(true);
  });

  it('takes over a row whose window has passed, even before a purge', async () => {
    expect(await seen.claim(entry('c'.repeat(64), undefined, later(10)), now)).toBe(true);
    expect(await seen.claim(entry('c'.repeat(64), undefined, later(400)), later(10))).toBe(true);
    expect(await seen.claim(entry('c'.repeat(64)), later(20))).toBe(false);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => seen.claim(entry('d'.repeat(64)), now)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('purges rows past their window and keeps live ones', async () => {
    await seen.claim(entry('e'.repeat(64), 'LKREPLAYEEEEEEEEEEEE', later(5)), now);
    await seen.claim(entry('f'.repeat(64), 'LKREPLAYEEEEEEEEEEEE', later(500)), now);
    expect(await seen.count('LKREPLAYEEEEEEEEEEEE')).toBe(2);
    expect(await seen.purgeExpired(later(6))).toBeGreaterThanOrEqual(1);
    expect(await seen.count('LKREPLAYEEEEEEEEEEEE')).toBe(1);
    expect(await seen.claim(entry('f'.repeat(64), 'LKREPLAYEEEEEEEEEEEE'), later(6))).toBe(false);
  });
});
