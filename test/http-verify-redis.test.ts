/**
 * /v1/verify with LATCHKEY_REDIS_URL, on PostgreSQL: a key's rate limit counted in Redis, and
 * Redis down (a port nobody listens on): rate limits fail open to this process's own counting,
 * with a warning and the fallbacks in /metrics. Needs Redis on 127.0.0.1:6379: fails without it.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openHttp, verifierFor, type Harness } from './support/http.js';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from './support/redis.js';

const PREFIX = testRedisPrefix();
afterAll(() => dropRedisPrefix(PREFIX));

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A key limited to 2 a minute, verified 4 times: the answers' valid flags. */
async function fourVerifications(h: Harness): Promise<boolean[]> {
  const acme = await h.bootstrap();
  const verifier = await verifierFor(h.services, acme.tenantId);
  const key = await h.createKey(acme.admin);
  await h.store.transaction((tx) =>
    tx.accessKeys.update(acme.tenantId, key.accessKeyId, 'enabled', { usage: { ratelimits: [{ name: 'per-minute', limit: 2, durationMs: 60_000 }] } }, h.clock.now()),
  );
  const valid: boolean[] = [];
  for (let i = 0; i < 4; i++) valid.push((await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { token: key.token } })).body.valid);
  return valid;
}

const metric = async (h: Harness, line: RegExp) => line.exec((await h.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1];

describe('rate limits through Redis (postgres)', () => {
  it('counts in Redis when it answers', async () => {
    const h = await openHttp('postgres', { env: { LATCHKEY_REDIS_URL: TEST_REDIS_URL, LATCHKEY_REDIS_PREFIX: PREFIX } });
    try {
      expect(h.logText()).toContain('rate limits are counted in Redis');
      expect(await fourVerifications(h)).toEqual([true, true, false, false]);
      expect(await metric(h, /^latchkey_ratelimit_mode\{mode="redis"\} (\d)$/m)).toBe('1');
      expect(await metric(h, /^latchkey_ratelimit_redis_fallbacks_total (\d+)$/m)).toBe('0');
    } finally {
      await h.close();
    }
  });

  it('Redis down: still limited, by this process alone, with a warning and the fallbacks counted', async () => {
    const h = await openHttp('postgres', { env: { LATCHKEY_REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, LATCHKEY_REDIS_PREFIX: PREFIX } });
    try {
      expect(await fourVerifications(h)).toEqual([true, true, false, false]);
      expect(h.logText()).toContain('Redis is not answering: rate limits are counted by each process on its own');
      expect(Number(await metric(h, /^latchkey_ratelimit_redis_fallbacks_total (\d+)$/m))).toBe(4);
    } finally {
      await h.close();
    }
  });
});
