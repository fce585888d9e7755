import { describe, expect, it } from 'vitest';
import { buildToken } from './key-format.js';
import { canonicalCidr, checkCredits, checkExternalId, checkIpAllowlist, checkMeta, checkRatelimits } from './usage-controls-input.js';

const field = (checked: { ok: boolean; field?: string }) => (checked.ok ? null : checked.field);

describe('rate limits', () => {
  it('accepts named limits and refuses each bad part by its field', () => {
    expect(checkRatelimits([{ name: 'requests', limit: 100, durationMs: 10_000 }])).toEqual({ ok: true, value: [{ name: 'requests', limit: 100, durationMs: 10_000 }] });
    expect(field(checkRatelimits([{ name: 'a', limit: 0, durationMs: 1_000 }]))).toBe('ratelimits.0.limit');
    expect(field(checkRatelimits([{ name: 'a', limit: -5, durationMs: 1_000 }]))).toBe('ratelimits.0.limit');
    expect(field(checkRatelimits([{ name: 'a', limit: 1.5, durationMs: 1_000 }]))).toBe('ratelimits.0.limit');
    expect(field(checkRatelimits([{ name: 'a', limit: 1, durationMs: 999 }]))).toBe('ratelimits.0.durationMs');
    expect(field(checkRatelimits([{ name: 'a', limit: 1, durationMs: 30 * 86_400_000 + 1 }]))).toBe('ratelimits.0.durationMs');
    expect(field(checkRatelimits([{ name: 'Bad Name', limit: 1, durationMs: 1_000 }]))).toBe('ratelimits.0.name');
    expect(
      field(
        checkRatelimits([
          { name: 'a', limit: 1, durationMs: 1_000 },
          { name: 'a', limit: 2, durationMs: 2_000 },
        ]),
      ),
    ).toBe('ratelimits.1.name');
    expect(field(checkRatelimits(Array.from({ length: 17 }, (_, i) => ({ name: `l${i}`, limit: 1, durationMs: 1_000 }))))).toBe('ratelimits');
    expect(field(checkRatelimits({}))).toBe('ratelimits');
  });
});

describe('IP allowlist', () => {
  it('keeps CIDRs canonical (network address, shortest IPv6 form), each once', () => {
    expect(checkIpAllowlist(['10.1.2.3/8', '10.0.0.0/8', '2001:0DB8:0:0::1/32', '192.0.2.7', '::1'])).toEqual({
      ok: true,
      value: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32', '::1/128'],
    });
  });

  it('refuses what is not an address or block', () => {
    for (const bad of ['10.0.0.0/33', '10.1/8', '0x0a.0.0.1', 'fe80::1%eth0', '2001:db8::/129', 'example.com', '', '10.0.0.0/', '10.0.0.0/-1']) expect(canonicalCidr(bad), bad).toBeNull();
    expect(field(checkIpAllowlist(['10.0.0.0/8', 'nope']))).toBe('ipAllowlist.1');
    expect(field(checkIpAllowlist([7]))).toBe('ipAllowlist.0');
    expect(field(checkIpAllowlist(Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`)))).toBe('ipAllowlist');
  });
});

describe('metadata', () => {
  it('accepts a JSON object up to 4 KB', () => {
    expect(checkMeta({ plan: 'pro', seats: 5, tags: ['a'] }).ok).toBe(true);
    expect(checkMeta({ blob: 'x'.repeat(4_000) }).ok).toBe(true);
    expect(field(checkMeta({ blob: 'x'.repeat(4_100) }))).toBe('meta');
    expect(field(checkMeta(['a']))).toBe('meta');
    expect(field(checkMeta('text'))).toBe('meta');
  });

  it('refuses what looks like a secret: a Latchkey token anywhere, a string under a secret’s name', () => {
    const token = buildToken('LKAAAAAAAAAAAAAAAAAA', 'a'.repeat(40));
    expect(field(checkMeta({ note: `use ${token}` }))).toBe('meta.note');
    expect(field(checkMeta({ deep: { list: [{ apiKey: 'abc' }] } }))).toBe('meta.deep.list.0.apiKey');
    for (const name of ['password', 'Secret', 'client_secret', 'accessToken', 'private_key', 'credentials']) expect(field(checkMeta({ [name]: 'x' })), name).toBe(`meta.${name}`);
    // A name alone is no secret: a flag or an empty value says nothing.
    expect(checkMeta({ tokenLimit: 5, password: '', hasSecret: false }).ok).toBe(true);
  });
});

describe('externalId and credits', () => {
  it('takes a safe external ID of 1 to 128 characters', () => {
    expect(checkExternalId('cust_42:eu@acme.example').ok).toBe(true);
    for (const bad of ['', 'a b', 'a/b', 'x'.repeat(129), 5]) expect(field(checkExternalId(bad))).toBe('externalId');
  });

  it('takes remaining ≥ 0 and a daily or monthly refill', () => {
    expect(checkCredits({ remaining: 0 })).toEqual({ ok: true, value: { remaining: 0, refill: null } });
    expect(checkCredits({ remaining: 5, refill: { interval: 'monthly', amount: 10 } })).toEqual({ ok: true, value: { remaining: 5, refill: { interval: 'monthly', amount: 10, refillDay: 1 } } });
    expect(field(checkCredits({ remaining: -1 }))).toBe('credits.remaining');
    expect(field(checkCredits({ remaining: 1, refill: { interval: 'weekly', amount: 1 } }))).toBe('credits.refill.interval');
    expect(field(checkCredits({ remaining: 1, refill: { interval: 'daily', amount: 0 } }))).toBe('credits.refill.amount');
    expect(field(checkCredits({ remaining: 1, refill: { interval: 'daily', amount: 1, refillDay: 3 } }))).toBe('credits.refill.refillDay');
    expect(field(checkCredits({ remaining: 1, refill: { interval: 'monthly', amount: 1, refillDay: 32 } }))).toBe('credits.refill.refillDay');
    expect(field(checkCredits({ remaining: 1, extra: 1 }))).toBe('credits.extra');
  });
});
