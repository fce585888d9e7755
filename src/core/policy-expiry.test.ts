import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, MAX_VALIDITY_DAYS, decideExpiry, parseIsoDate, type TenantPolicy } from './policy.js';

const DAY = 86_400_000;
const now = new Date('2030-01-15T10:00:00.000Z');
const policy = (change: Partial<TenantPolicy> = {}): TenantPolicy => ({ ...DEFAULT_POLICY, ...change });
const inDays = (days: number) => new Date(now.getTime() + days * DAY);

describe('decideExpiry: a number of days', () => {
  it('counts whole days from now', () => {
    expect(decideExpiry({ expiresInDays: 30 }, policy(), now)).toEqual({ ok: true, expiresAt: inDays(30) });
    expect(decideExpiry({ expiresInDays: 1 }, policy(), now)).toEqual({ ok: true, expiresAt: inDays(1) });
    expect(decideExpiry({ expiresInDays: MAX_VALIDITY_DAYS }, policy(), now)).toEqual({ ok: true, expiresAt: inDays(MAX_VALIDITY_DAYS) });
  });

  it('refuses zero, negative, fractional and too many days', () => {
    for (const days of [0, -1, 1.5, MAX_VALIDITY_DAYS + 1, Number.NaN]) {
      expect(decideExpiry({ expiresInDays: days }, policy(), now)).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
    }
  });
});

describe('decideExpiry: a date', () => {
  it('takes a future date as it is', () => {
    const decision = decideExpiry({ expiresAt: '2030-03-01T00:00:00Z' }, policy(), now);
    expect(decision).toEqual({ ok: true, expiresAt: new Date('2030-03-01T00:00:00Z') });
  });

  it('honours the time zone offset', () => {
    const decision = decideExpiry({ expiresAt: '2030-03-01T02:00:00+02:00' }, policy(), now);
    expect(decision).toEqual({ ok: true, expiresAt: new Date('2030-03-01T00:00:00Z') });
  });

  it('refuses now and past dates', () => {
    for (const at of [now.toISOString(), '2030-01-15T09:59:59Z', '2000-01-01T00:00:00Z']) {
      const decision = decideExpiry({ expiresAt: at }, policy(), now);
      expect(decision).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
      if (!decision.ok) expect(decision.message).toMatch(/future/);
    }
  });

  it('refuses a date further away than the longest validity', () => {
    const limit = inDays(MAX_VALIDITY_DAYS);
    expect(decideExpiry({ expiresAt: limit.toISOString() }, policy(), now)).toEqual({ ok: true, expiresAt: limit });
    const decision = decideExpiry({ expiresAt: new Date(limit.getTime() + 1000).toISOString() }, policy(), now);
    expect(decision).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
  });

  it('refuses text that is not an ISO date-time with a time zone', () => {
    for (const at of ['tomorrow', '2030-03-01', '2030-03-01T00:00:00', '1893456000000', '']) {
      const decision = decideExpiry({ expiresAt: at }, policy(), now);
      expect(decision).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
    }
  });
});

describe('decideExpiry: never', () => {
  it('gives no expiry when the policy allows never-expiring keys', () => {
    expect(decideExpiry({ neverExpires: true }, policy({ allowNeverExpires: true }), now)).toEqual({ ok: true, expiresAt: null });
  });

  it('refuses with NEVER_EXPIRES_NOT_ALLOWED when the policy forbids it', () => {
    const decision = decideExpiry({ neverExpires: true }, policy({ allowNeverExpires: false }), now);
    expect(decision).toMatchObject({ ok: false, code: 'NEVER_EXPIRES_NOT_ALLOWED' });
  });

  it('refuses neverExpires: false, which says nothing about when the key should expire', () => {
    expect(decideExpiry({ neverExpires: false }, policy(), now)).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
  });
});

describe('decideExpiry: nothing given', () => {
  it('applies the default validity of the policy', () => {
    expect(decideExpiry({}, policy(), now)).toEqual({ ok: true, expiresAt: inDays(365) });
    expect(decideExpiry({}, policy({ defaultValidityDays: 90 }), now)).toEqual({ ok: true, expiresAt: inDays(90) });
  });

  it('makes a never-expiring key when the policy default is never', () => {
    expect(decideExpiry({}, policy({ defaultValidityDays: null }), now)).toEqual({ ok: true, expiresAt: null });
  });

  it('is an error for an update, which must say what the new expiry is', () => {
    expect(decideExpiry({}, policy(), now, false)).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
  });

  it('treats fields explicitly set to undefined as not given', () => {
    const decision = decideExpiry({ expiresInDays: undefined, expiresAt: undefined, neverExpires: undefined }, policy(), now);
    expect(decision).toEqual({ ok: true, expiresAt: inDays(365) });
  });
});

describe('decideExpiry: conflicts', () => {
  it('refuses more than one way of giving the expiry', () => {
    const inputs = [
      { expiresInDays: 30, expiresAt: '2030-03-01T00:00:00Z' },
      { expiresInDays: 30, neverExpires: true },
      { expiresAt: '2030-03-01T00:00:00Z', neverExpires: true },
      { expiresInDays: 30, expiresAt: '2030-03-01T00:00:00Z', neverExpires: true },
    ];
    for (const input of inputs) {
      const decision = decideExpiry(input, policy(), now);
      expect(decision).toMatchObject({ ok: false, code: 'INVALID_EXPIRY' });
      if (!decision.ok) expect(decision.message).toMatch(/only one/);
    }
  });
});

describe('parseIsoDate', () => {
  it('reads UTC and offset date-times, with or without seconds and fractions', () => {
    expect(parseIsoDate('2030-03-01T00:00:00Z')?.toISOString()).toBe('2030-03-01T00:00:00.000Z');
    expect(parseIsoDate('2030-03-01T00:00Z')?.toISOString()).toBe('2030-03-01T00:00:00.000Z');
    expect(parseIsoDate('2030-03-01T00:00:00.250Z')?.toISOString()).toBe('2030-03-01T00:00:00.250Z');
    expect(parseIsoDate('2030-03-01T05:30:00+05:30')?.toISOString()).toBe('2030-03-01T00:00:00.000Z');
    expect(parseIsoDate('2030-02-28T19:00:00-05:00')?.toISOString()).toBe('2030-03-01T00:00:00.000Z');
    expect(parseIsoDate('2028-02-29T00:00:00Z')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseIsoDate('2000-02-29T00:00:00Z')?.toISOString()).toBe('2000-02-29T00:00:00.000Z');
    expect(parseIsoDate('2030-12-31T23:59:59Z')?.toISOString()).toBe('2030-12-31T23:59:59.000Z');
  });

  it('refuses dates without a time zone, or in another shape', () => {
    for (const value of ['2030-03-01T00:00:00', '2030-03-01', '2030-3-1T00:00:00Z', '2030-03-01 00:00:00Z', 'Mar 1 2030', ' 2030-03-01T00:00:00Z']) {
      expect(parseIsoDate(value), value).toBeNull();
    }
  });

  it('refuses calendar dates and times that do not exist instead of rolling them over', () => {
    for (const value of [
      '2030-02-30T00:00:00Z',
      '2030-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2030-04-31T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-00-10T00:00:00Z',
      '2030-01-00T00:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-01-01T23:60:00Z',
      '2030-01-01T00:00:00+25:00',
    ]) {
      expect(parseIsoDate(value), value).toBeNull();
    }
  });
});
