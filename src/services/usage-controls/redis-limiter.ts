import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { windowIndex, type WindowCounts } from '../../core/sliding-window.js';
import { LocalRateLimiter } from './local-limiter.js';
import { verdictOf, type LimitRef, type RateLimiter, type RateVerdict } from './rate-limiter.js';

/**
 * One check, atomically: KEYS are each limit's current and previous window counters, ARGV the
 * time, the cost and each limit's size and duration. It decides every limit as `admits` in
 * src/core/sliding-window.ts does (the same arithmetic in the same order, Lua numbers being
 * doubles as JavaScript's), spends the cost on all of them only when all admit, and returns
 * the verdict and each limit's counts after it. A window's counter expires once the window after
 * it is over too.
 */
const CHECK_SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local asked = math.max(cost, 1)
local n = #KEYS / 2
local current = {}
local previous = {}
local verdicts = {}
local all = 1
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local d = tonumber(ARGV[2 + 2 * i])
  local c = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local p = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  current[i] = c
  previous[i] = p
  local start = math.floor(now / d) * d
  if (p * (d - (now - start))) / d + c + asked <= limit then verdicts[i] = 1 else verdicts[i] = 0; all = 0 end
end
if all == 1 and cost > 0 then
  for i = 1, n do
    local d = tonumber(ARGV[2 + 2 * i])
    local start = math.floor(now / d) * d
    current[i] = redis.call('INCRBY', KEYS[2 * i - 1], cost)
    redis.call('PEXPIREAT', KEYS[2 * i - 1], start + 2 * d)
  end
end
local out = {}
for i = 1, n do
  out[3 * i - 2] = verdicts[i]
  out[3 * i - 1] = current[i]
  out[3 * i] = previous[i]
end
return out
`;

/** A command not answered within this long counts as Redis being down for that check. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** While Redis fails, a warning is logged at most this often. */
const WARN_EVERY_MS = 30_000;

interface CheckingRedis extends Redis {
  latchkeyRateCheck(keyCount: number, ...args: (string | number)[]): Promise<number[]>;
}

/**
 * Exact across processes: every check is one atomic Lua script in Redis (LATCHKEY_REDIS_URL).
 * Counters of one tenant share a hash slot (`{tenant}` in the key), so a check's keys are in one
 * slot on a cluster too.
 *
 * Redis unreachable (refused, timed out, not answering within REDIS_COMMAND_TIMEOUT_MS): rate
 * limits fail open to this process's own counters (memory mode, so one process still holds
 * every limit on its own), with a warning in the log and `fallbacks` counted for /metrics. A
 * rate limit protects capacity; refusing every request while Redis is down would turn a
 * Redis outage into an outage of every API behind Latchkey.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly mode = 'redis' as const;
  private readonly redis: CheckingRedis;
  private readonly prefix: string;
  private readonly fallback: LocalRateLimiter;
  private readonly logger: Logger;
  private lastWarning = Number.NEGATIVE_INFINITY;
  /** Checks answered by the local fallback because Redis failed. */
  fallbacks = 0;
  readonly syncFailures = 0;

  constructor(options: { url: string; logger: Logger; prefix?: string; now?: () => number }) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected (no queue of checks waiting for Redis to come back).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    }) as CheckingRedis;
    this.redis.defineCommand('latchkeyRateCheck', { lua: CHECK_SCRIPT });
    // Connection errors are reported by the checks that fail (throttled), not once per reconnect attempt.
    this.redis.on('error', () => {});
    this.prefix = `${options.prefix ?? 'latchkey:'}rl:`;
    this.logger = options.logger;
    this.fallback = new LocalRateLimiter({ mode: 'memory', ...(options.now && { now: options.now }) });
  }

  check(limits: readonly LimitRef[], cost: number, now: number): Promise<RateVerdict> {
    const keys: string[] = [];
    const args: (string | number)[] = [now, cost];
    for (const limit of limits) {
      const window = windowIndex(now, limit.durationMs);
      const base = `${this.prefix}{${limit.group}}:${limit.counter}:`;
      keys.push(base + window, base + (window - 1));
      args.push(limit.limit, limit.durationMs);
    }
    return this.redis.latchkeyRateCheck(keys.length, ...keys, ...args).then(
      (out) => {
        const counts: WindowCounts[] = [];
        const admitted: boolean[] = [];
        for (let i = 0; i < limits.length; i++) {
          admitted.push(out[3 * i] === 1);
          counts.push({ current: Number(out[3 * i + 1]), previous: Number(out[3 * i + 2]) });
        }
        return verdictOf(limits, counts, admitted, cost, now);
      },
      (error: unknown) => {
        this.fallbacks++;
        if (now - this.lastWarning >= WARN_EVERY_MS || now < this.lastWarning) {
          this.lastWarning = now;
          this.logger.warn({ err: error }, 'Redis is not answering: rate limits are counted by each process on its own until it does');
        }
        return this.fallback.check(limits, cost, now);
      },
    );
  }

  /** Connects (a Redis down at start only logs: checks fall back until it answers). */
  async start(): Promise<void> {
    await this.fallback.start();
    try {
      await this.redis.connect();
    } catch (error) {
      this.logger.warn({ err: error }, 'Redis cannot be reached at start: rate limits are counted by each process on its own until it can');
    }
  }

  async stop(): Promise<void> {
    await this.fallback.stop();
    this.redis.disconnect();
  }
}
