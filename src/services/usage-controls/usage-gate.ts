import { latestRefillAt } from '../../core/credit-refill.js';
import { inRange, parseAddress, rangeOf, wordsOf, type AddressRange, type AddressWords } from '../../core/source-address.js';
import type { KeyControls, RateLimitState } from '../../core/usage-controls.js';
import type { LimitRef, RateLimiter, RateVerdict } from './rate-limiter.js';

/** Who spends credits: the key's own, else its identity's (see CreditSpender). */
export interface CreditSpend {
  tenantId: string;
  accessKeyId?: string;
  externalId?: string;
  cost: number;
  /** Epoch ms. */
  now: number;
  /** The latest refill time at or before `now` of the credits' refill (null: they have none): a refill older than it is due. */
  dueRefillAt: number | null;
}

/** Spends credits atomically in the store: never below zero, whatever other processes do meanwhile. */
export type CreditSpender = (spend: CreditSpend) => Promise<{ ok: boolean; remaining: number | null }>;

/** The usage checks' verdict for one verification whose credential, state and permission passed. */
export interface UsageVerdict {
  /** Null: every check passed (and the cost was spent). */
  code: 'IP_NOT_ALLOWED' | 'RATE_LIMITED' | 'USAGE_EXCEEDED' | null;
  /** Each limit's state (null when no limit was checked: none, or the address was refused first). */
  ratelimits: RateLimitState[] | null;
  /** Credits left (null: the key spends none). */
  credits: number | null;
  /** RATE_LIMITED: the limits that refused, and when the cost would fit again. */
  refusedBy?: string[];
  retryAfterMs?: number;
}

/** The identity of a cached key a plan is made for. */
export interface ControlledKey {
  readonly accessKeyId: string;
  readonly tenantId: string;
}

/** What the checks of one cached key need, made on its first controlled verification: parsed CIDRs and its limits' counter names. */
interface Plan {
  readonly cidrs: readonly AddressRange[];
  readonly limits: readonly LimitRef[];
}

const PASSED_WITHOUT_LIMITS: UsageVerdict = Object.freeze({ code: null, ratelimits: null, credits: null });
const IP_REFUSED: UsageVerdict = Object.freeze({ code: 'IP_NOT_ALLOWED', ratelimits: null, credits: null });

/**
 * Usage control at verification, after the credential, key state and permission checks passed,
 * in this order: the end client's address against the IP allowlist (IP_NOT_ALLOWED), the rate
 * limits, the key's and then its identity's, decided together (RATE_LIMITED), then credits
 * (USAGE_EXCEEDED when they do not cover the cost). A request refused by credits still counted
 * against the rate limits: it was made. Synchronous unless Redis counts the limits or the key
 * spends credits.
 */
export class UsageGate {
  readonly limiter: RateLimiter;
  private readonly spend: CreditSpender | null;
  /** One plan per cached entry: a changed key is a new entry, with a new plan. */
  private readonly plans = new WeakMap<ControlledKey, Plan>();

  constructor(options: { limiter: RateLimiter; spendCredits?: CreditSpender | null }) {
    this.limiter = options.limiter;
    this.spend = options.spendCredits ?? null;
  }

  check(key: ControlledKey, controls: KeyControls, sourceIp: string | null, cost: number, now: Date): UsageVerdict | Promise<UsageVerdict> {
    const plan = this.planOf(key, controls);
    if (plan.cidrs.length > 0 && !allowed(plan.cidrs, sourceIp)) return IP_REFUSED;
    if (plan.limits.length === 0) return this.credits(key, controls, null, cost, now);
    const verdict = this.limiter.check(plan.limits, cost, now.getTime());
    return verdict instanceof Promise ? verdict.then((v) => this.afterLimits(key, controls, v, cost, now)) : this.afterLimits(key, controls, verdict, cost, now);
  }

  private afterLimits(key: ControlledKey, controls: KeyControls, verdict: RateVerdict, cost: number, now: Date): UsageVerdict | Promise<UsageVerdict> {
    if (!verdict.admitted) return { code: 'RATE_LIMITED', ratelimits: verdict.states, credits: null, refusedBy: verdict.refusedBy, retryAfterMs: verdict.retryAfterMs };
    return this.credits(key, controls, verdict.states, cost, now);
  }

  /** The key's own credits when it has some, else its identity's; the store spends them atomically. */
  private credits(key: ControlledKey, controls: KeyControls, ratelimits: RateLimitState[] | null, cost: number, now: Date): UsageVerdict | Promise<UsageVerdict> {
    const own = controls.hasCredits;
    if (!own && !(controls.identityHasCredits && controls.externalId !== null)) return ratelimits === null ? PASSED_WITHOUT_LIMITS : { code: null, ratelimits, credits: null };
    if (this.spend === null) throw new Error('UsageGate: a key with credits, and no credit store');
    const at = now.getTime();
    const refill = own ? controls.creditsRefill : controls.identityCreditsRefill;
    const dueRefillAt = refill === null ? null : latestRefillAt(refill, at);
    const spend: CreditSpend = own
      ? { tenantId: key.tenantId, accessKeyId: key.accessKeyId, cost, now: at, dueRefillAt }
      : { tenantId: key.tenantId, externalId: controls.externalId!, cost, now: at, dueRefillAt };
    // A cost of 0 spends nothing and passes when a cost of 1 would (as for rate limits).
    return this.spend(spend).then((spent) => ({ code: spent.ok && (cost > 0 || (spent.remaining ?? 1) >= 1) ? null : 'USAGE_EXCEEDED', ratelimits, credits: spent.remaining }));
  }

  private planOf(key: ControlledKey, controls: KeyControls): Plan {
    let plan = this.plans.get(key);
    if (plan === undefined) {
      const limits: LimitRef[] = controls.ratelimits.map((spec) => ({
        counter: `k:${key.accessKeyId}:${spec.name}:${spec.durationMs}`,
        group: key.tenantId,
        name: spec.name,
        limit: spec.limit,
        durationMs: spec.durationMs,
      }));
      if (controls.externalId !== null) {
        for (const spec of controls.identityRatelimits) {
          limits.push({
            counter: `i:${key.tenantId}:${controls.externalId}:${spec.name}:${spec.durationMs}`,
            group: key.tenantId,
            name: spec.name,
            limit: spec.limit,
            durationMs: spec.durationMs,
          });
        }
      }
      plan = { cidrs: controls.ipAllowlist.map(rangeOf), limits };
      this.plans.set(key, plan);
    }
    return plan;
  }
}

/** Addresses parsed lately, as words (null: not an address): a gateway sees the same clients again and again. */
const parsedAddresses = new Map<string, AddressWords | null>();
const PARSED_ADDRESSES_MAX = 10_000;

/** The address (an IPv4-mapped IPv6 address as its IPv4 address) as words, parsed once, or null when the text is none. */
function addressOf(sourceIp: string): AddressWords | null {
  let address = parsedAddresses.get(sourceIp);
  if (address === undefined) {
    const parsed = parseAddress(sourceIp);
    address = parsed === null ? null : wordsOf(parsed);
    // Bounded: when full it starts over (one parse per address again), never grows.
    if (parsedAddresses.size >= PARSED_ADDRESSES_MAX) parsedAddresses.clear();
    parsedAddresses.set(sourceIp, address);
  }
  return address;
}

/** Whether the address falls in one of the ranges (an IPv4-mapped IPv6 address counts as its IPv4 address). */
function allowed(cidrs: readonly AddressRange[], sourceIp: string | null): boolean {
  const address = sourceIp === null ? null : addressOf(sourceIp);
  if (address === null) return false;
  for (const range of cidrs) if (inRange(address, range)) return true;
  return false;
}
