import { type Command, InvalidArgumentError, Option } from 'commander';
import { AppError } from '../core/errors.js';
import type { CreditRefill, RateLimitSpec } from '../core/usage-controls.js';
import type { UsageInput } from '../services/usage-input.js';
import type { AccessKeyJson } from '../views/views.js';
import { collect } from './admin-command.js';

/*
 * The usage-control options of `keys create`, `keys update` and `identities set`: what the API
 * takes as ratelimits, credits, ipAllowlist, meta and externalId, in a shell-friendly spelling.
 * These parsers only read the spelling; the service checks the values (bounds, CIDR syntax,
 * metadata secrets) and names the field, as for the API.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `name=limit/duration`, e.g. `requests=100/10s` (units ms, s, m, h, d). */
export function rateLimitArg(value: string, previous: RateLimitSpec[] | undefined): RateLimitSpec[] {
  const m = /^([^=\s]+)=(\d{1,15})\/(\d{1,9})(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new InvalidArgumentError('must be name=limit/duration, e.g. requests=100/10s (units ms, s, m, h, d).');
  return [...(previous ?? []), { name: m[1]!, limit: Number(m[2]), durationMs: Number(m[3]) * UNIT_MS[m[4]!]! }];
}

/** `daily:AMOUNT` or `monthly:AMOUNT[:DAY]`. */
export function refillArg(value: string): CreditRefill {
  const m = /^(daily|monthly):(\d{1,15})(?::(\d{1,2}))?$/.exec(value);
  if (!m || (m[1] === 'daily' && m[3] !== undefined)) throw new InvalidArgumentError('must be daily:AMOUNT or monthly:AMOUNT[:DAY], e.g. daily:1000 or monthly:1000:15.');
  return m[1] === 'daily' ? { interval: 'daily', amount: Number(m[2]) } : { interval: 'monthly', amount: Number(m[2]), refillDay: m[3] === undefined ? 1 : Number(m[3]) };
}

export function jsonObjectArg(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"plan":"pro"}\'.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON object, e.g. \'{"plan":"pro"}\'.');
  return parsed as Record<string, unknown>;
}

export function creditsArg(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('must be a whole number (0 or more).');
  return Number(value);
}

export interface UsageOptions {
  ratelimit?: RateLimitSpec[];
  ratelimits?: boolean;
  ipAllow?: string[];
  ipAllowlist?: boolean;
  meta?: Record<string, unknown> | boolean;
  externalId?: string | boolean;
  credits?: number | boolean;
  refill?: CreditRefill;
}

/** The options; `clearing` adds the --no-… forms that set a field back to none (updates only). */
export function withUsageOptions(command: Command, clearing: boolean, identity = false): Command {
  command
    .option('--ratelimit <name=limit/duration>', 'a named rate limit, e.g. requests=100/10s (repeatable; replaces the current ones)', rateLimitArg)
    .option('--meta <json>', 'metadata returned by verification: a JSON object, at most 4 KB, never a secret', jsonObjectArg)
    .option('--credits <n>', 'usage credits left (each verification spends its cost); without it: unlimited', creditsArg)
    .addOption(new Option('--refill <interval:amount[:day]>', 'put credits back to the amount daily (00:00 UTC) or monthly on a day: daily:1000, monthly:1000:15').argParser(refillArg));
  if (!identity) {
    command
      .option('--ip-allow <cidr>', 'only requests from this IPv4 or IPv6 block (repeatable; replaces the current ones)', collect)
      .option('--external-id <id>', "the tenant's own ID of the customer (identity) the key belongs to");
  }
  if (clearing && !identity) {
    command
      .option('--no-ratelimits', "remove the key's own rate limits (the tenant default applies again)")
      .option('--no-ip-allowlist', "remove the key's own IP allowlist (the tenant default applies again)")
      .option('--no-meta', 'remove the metadata')
      .option('--no-external-id', 'detach the key from its identity')
      .option('--no-credits', 'unlimited credits');
  }
  return command;
}

/** The options as the API's fields (the service checks them). */
export function usageInputOf(o: UsageOptions): UsageInput {
  if (o.refill !== undefined && typeof o.credits !== 'number') throw new AppError('BAD_REQUEST', '--refill needs --credits (the credits to start from).');
  return {
    ...(o.ratelimit !== undefined && { ratelimits: o.ratelimit }),
    ...(o.ratelimits === false && { ratelimits: null }),
    ...(o.ipAllow !== undefined && { ipAllowlist: o.ipAllow }),
    ...(o.ipAllowlist === false && { ipAllowlist: null }),
    ...(typeof o.meta === 'object' && { meta: o.meta }),
    ...(o.meta === false && { meta: null }),
    ...(typeof o.externalId === 'string' && { externalId: o.externalId }),
    ...(o.externalId === false && { externalId: null }),
    ...(typeof o.credits === 'number' && { credits: { remaining: o.credits, refill: o.refill ?? null } }),
    ...(o.credits === false && { credits: null }),
  };
}

/** Seconds, minutes… as the options spell them. */
export function duration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function ratelimitsText(list: RateLimitSpec[] | null, none = 'none'): string {
  return list === null ? none : list.length === 0 ? 'none' : list.map((r) => `${r.name}=${r.limit}/${duration(r.durationMs)}`).join(', ');
}

export function creditsText(credits: AccessKeyJson['credits']): string {
  if (credits === null) return 'unlimited';
  const refill = credits.refill;
  if (refill === null) return `${credits.remaining}`;
  return `${credits.remaining} (refill to ${refill.amount} ${refill.interval === 'daily' ? 'daily at 00:00 UTC' : `monthly on day ${refill.refillDay ?? 1}`})`;
}

/** The usage-control lines of a key's details. */
export function usageLines(k: AccessKeyJson): [string, string][] {
  return [
    ['rate limits', ratelimitsText(k.ratelimits, 'tenant default')],
    ['credits', creditsText(k.credits)],
    ['ip allowlist', k.ipAllowlist === null ? 'tenant default' : k.ipAllowlist.length === 0 ? 'any address' : k.ipAllowlist.join(', ')],
    ['external id', k.externalId ?? '-'],
    ['meta', k.meta === null ? '-' : JSON.stringify(k.meta)],
  ];
}
