import { describe, expect, it } from 'vitest';
import { keyControlsOf, type StoredKeyControls } from './key-controls.js';
import { DEFAULT_POLICY } from './policy.js';

const R = { name: 'requests', limit: 10, durationMs: 1_000 };
const bare: StoredKeyControls = { type: 'api', ratelimits: null, ipAllowlist: null, meta: null, externalId: null, hasCredits: false, creditsRefill: null, identity: null };
const defaults = { defaultRatelimits: { access: [], api: [R] }, defaultIpAllowlist: ['10.0.0.0/8'] };

describe('keyControlsOf', () => {
  it('is null for a key with nothing to check, so it costs nothing', () => {
    expect(keyControlsOf(bare, DEFAULT_POLICY)).toBeNull();
    // The tenant's default for the other key type does not apply.
    expect(keyControlsOf({ ...bare, type: 'access' }, { ...defaults, defaultIpAllowlist: [] })).toBeNull();
  });

  it('takes the tenant defaults where the key has none of its own, and its own ([] included) otherwise', () => {
    expect(keyControlsOf(bare, defaults)).toMatchObject({ ratelimits: [R], ipAllowlist: ['10.0.0.0/8'] });
    expect(keyControlsOf({ ...bare, ratelimits: [], ipAllowlist: ['192.0.2.0/24'] }, defaults)).toMatchObject({ ratelimits: [], ipAllowlist: ['192.0.2.0/24'] });
    expect(keyControlsOf({ ...bare, ratelimits: [], ipAllowlist: [] }, defaults)).toBeNull();
  });

  it('adds the identity’s limits and credits, and keeps a key with only an externalId (an identity may come later)', () => {
    const withIdentity = keyControlsOf(
      { ...bare, externalId: 'c1', hasCredits: true, creditsRefill: { interval: 'daily', amount: 5 }, identity: { ratelimits: [R], hasCredits: true, creditsRefill: null } },
      DEFAULT_POLICY,
    );
    expect(withIdentity).toEqual({
      ratelimits: [],
      identityRatelimits: [R],
      hasCredits: true,
      creditsRefill: { interval: 'daily', amount: 5 },
      identityHasCredits: true,
      identityCreditsRefill: null,
      ipAllowlist: [],
      meta: null,
      externalId: 'c1',
    });
    expect(keyControlsOf({ ...bare, externalId: 'c2' }, DEFAULT_POLICY)?.externalId).toBe('c2');
  });
});
