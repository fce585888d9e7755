import { describe, expect, it } from 'vitest';
import type { KeyControls } from '../../core/usage-controls.js';
import { LocalRateLimiter } from './local-limiter.js';
import { UsageGate, type CreditSpend } from './usage-gate.js';

const NOW = new Date(Date.UTC(2030, 0, 1));
const controls = (overrides: Partial<KeyControls> = {}): KeyControls =>
  ({
    ratelimits: [],
    identityRatelimits: [],
    hasCredits: false,
    creditsRefill: null,
    identityHasCredits: false,
    identityCreditsRefill: null,
    ipAllowlist: [],
    meta: null,
    externalId: null,
    ...overrides,
  }) as KeyControls;

describe('UsageGate', () => {
  it('lets only addresses in the allowlist through (IPv4, IPv6, IPv4-mapped IPv6), and no address at all', () => {
    const gate = new UsageGate({ limiter: new LocalRateLimiter() });
    const key = { accessKeyId: 'AK1', tenantId: 't1' };
    const c = controls({ ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(gate.check(key, c, '203.0.113.9', 1, NOW)).toMatchObject({ code: null });
    expect(gate.check(key, c, '::ffff:203.0.113.9', 1, NOW)).toMatchObject({ code: null });
    expect(gate.check(key, c, '2001:db8:1::5', 1, NOW)).toMatchObject({ code: null });
    expect(gate.check(key, c, '198.51.100.1', 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED', ratelimits: null });
    expect(gate.check(key, c, '2001:db9::1', 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    expect(gate.check(key, c, null, 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    expect(gate.check(key, c, 'not-an-ip', 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    // Addresses are parsed once and remembered: asked again, the same verdicts.
    expect(gate.check(key, c, '203.0.113.9', 1, NOW)).toMatchObject({ code: null });
    expect(gate.check(key, c, '198.51.100.1', 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    expect(gate.check(key, c, 'not-an-ip', 1, NOW)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
  });

  it("counts a key's limits per key and an identity's limits across all its keys", () => {
    const gate = new UsageGate({ limiter: new LocalRateLimiter() });
    const c = controls({ externalId: 'cust-1', ratelimits: [{ name: 'key', limit: 3, durationMs: 60_000 }], identityRatelimits: [{ name: 'customer', limit: 4, durationMs: 60_000 }] });
    const one = { accessKeyId: 'AK1', tenantId: 't1' };
    const two = { accessKeyId: 'AK2', tenantId: 't1' };
    expect(gate.check(one, c, null, 3, NOW)).toMatchObject({
      code: null,
      ratelimits: [
        { name: 'key', remaining: 0 },
        { name: 'customer', remaining: 1 },
      ],
    });
    expect(gate.check(two, c, null, 1, NOW)).toMatchObject({
      code: null,
      ratelimits: [
        { name: 'key', remaining: 2 },
        { name: 'customer', remaining: 0 },
      ],
    });
    expect(gate.check(two, c, null, 1, NOW)).toMatchObject({ code: 'RATE_LIMITED', refusedBy: ['customer'] });
    // Another tenant's identity of the same externalId is another customer.
    expect(gate.check({ accessKeyId: 'AK3', tenantId: 't2' }, c, null, 1, NOW)).toMatchObject({ code: null });
  });

  it("spends the key's own credits, else its identity's, after the limits admitted", async () => {
    const spent: CreditSpend[] = [];
    const gate = new UsageGate({
      limiter: new LocalRateLimiter(),
      spendCredits: async (spend) => {
        spent.push(spend);
        return { ok: spend.cost <= 2, remaining: spend.cost <= 2 ? 2 - spend.cost : 2 };
      },
    });
    const key = { accessKeyId: 'AK1', tenantId: 't1' };
    expect(await gate.check(key, controls({ hasCredits: true, identityHasCredits: true, externalId: 'c' }), null, 2, NOW)).toMatchObject({ code: null, credits: 0 });
    expect(await gate.check(key, controls({ identityHasCredits: true, externalId: 'c' }), null, 3, NOW)).toMatchObject({ code: 'USAGE_EXCEEDED', credits: 2 });
    expect(spent.map((s) => [s.accessKeyId, s.externalId])).toEqual([
      ['AK1', undefined],
      [undefined, 'c'],
    ]);
    // Refused by a limit: no credit is spent.
    const limited = controls({ hasCredits: true, ratelimits: [{ name: 'l', limit: 1, durationMs: 60_000 }] });
    await gate.check({ accessKeyId: 'AK9', tenantId: 't1' }, limited, null, 1, NOW);
    expect(await gate.check({ accessKeyId: 'AK9', tenantId: 't1' }, limited, null, 1, NOW)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(spent).toHaveLength(3);
  });
});
