/** The Redis the rate-limit suites count through (.ci/run starts it), and a key prefix of their own per run. */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other run uses, so parallel suites and earlier runs never share a counter. */
export function testRedisPrefix(): string {
  return `latchkey-test-${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (the suites' clocks are in the future, so their counters would outlive the run). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
