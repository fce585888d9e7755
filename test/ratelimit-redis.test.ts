/**
 * Rate limits through Redis (LATCHKEY_REDIS_URL): a real Redis on 127.0.0.1:6379 (.ci/run starts
 * one). Fails, never skips, without it. Each run writes under its own key prefix.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { LimitRef } from '../src/services/usage-controls/rate-limiter.js';
import { RedisRateLimiter } from '../src/services/usage-controls/redis-limiter.js';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from './support/redis.js';

const REDIS_URL = TEST_REDIS_URL;
const PREFIX = testRedisPrefix();
const T0 = Date.UTC(2030, 0, 1);
const opened: RedisRateLimiter[] = [];

function limiter(url = REDIS_URL): { limiter: RedisRateLimiter; log: () => string } {
  const lines: string[] = [];
  const made = new RedisRateLimiter({ url, prefix: PREFIX, logger: createLogger('warn', { write: (line: string) => void lines.push(line) }) });
  opened.push(made);
  return { limiter: made, log: () => lines.join('') };
}

const limit = (counter: string, n: number, durationMs = 10_000): LimitRef => ({ counter, group: 'tenant-a', name: counter, limit: n, durationMs });

afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.stop()));
});
afterAll(() => dropRedisPrefix(PREFIX));

describe('RedisRateLimiter', () => {
  it('two processes (limiters) against one limit of 100 admit exactly 100 of 300 concurrent checks', async () => {
    const a = limiter().limiter;
    const b = limiter().limiter;
    await Promise.all([a.start(), b.start()]);
    const counter = [limit(`c-${randomBytes(4).toString('hex')}`, 100)];
    const verdicts = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? a : b).check(counter, 1, T0 + 1_000)));
    expect(verdicts.filter((v) => v.admitted)).toHaveLength(100);
    expect(a.fallbacks + b.fallbacks).toBe(0);
    const refused = verdicts.find((v) => !v.admitted)!;
    expect(refused.states[0]).toMatchObject({ limit: 100, remaining: 0, resetAt: T0 + 20_000 });
  });

  it('decides as in memory: all limits or none, cost 0 spends nothing, the previous window slides', async () => {
    const { limiter: redis } = limiter();
    await redis.start();
    const id = randomBytes(4).toString('hex');
    const both = [limit(`s-${id}`, 10, 1_000), limit(`m-${id}`, 15, 60_000)];
    expect((await redis.check(both, 10, T0)).admitted).toBe(true);
    expect(await redis.check(both, 5, T0 + 10)).toMatchObject({ admitted: false, refusedBy: [`s-${id}`], states: [{ remaining: 0 }, { remaining: 5 }] });
    expect(await redis.check(both, 0, T0 + 2_000)).toMatchObject({ admitted: true, states: [{ remaining: 10 }, { remaining: 5 }] });
    const slide = [limit(`w-${id}`, 100)];
    await redis.check(slide, 100, T0 + 9_000);
    expect((await redis.check(slide, 50, T0 + 15_000)).admitted).toBe(true);
    expect((await redis.check(slide, 1, T0 + 15_000)).admitted).toBe(false);
  });

  it('Redis down: fails open to counting in this process, with a warning (once) and the fallbacks counted', async () => {
    // A port that refuses connections: listen, take the port, close.
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { limiter: down, log } = limiter(`redis://127.0.0.1:${port}`);
    await down.start();
    const one = [limit('down', 3)];
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await down.check(one, 1, T0 + i));
    // Still limited (by this process alone), not refused wholesale.
    expect(verdicts.map((v) => v.admitted)).toEqual([true, true, true, false, false]);
    expect(down.fallbacks).toBe(5);
    expect(log()).toContain('Redis cannot be reached at start');
    expect(log().match(/Redis is not answering/g)).toHaveLength(1);
  });
});
