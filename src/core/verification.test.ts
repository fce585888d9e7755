import { describe, expect, it } from 'vitest';
import { VERIFY_CODES, VERIFY_MESSAGES, decidePermission, decideUsable, publicCode, type UsableKeyFacts } from './verification.js';

const now = new Date('2030-01-01T00:00:00Z');
const good: UsableKeyFacts = {
  state: 'enabled',
  expiresAtMs: Date.parse('2030-06-01T00:00:00Z'),
  ownerStatus: 'active',
  ownerRole: 'member',
  ownerProgrammaticAccess: true,
  tenantStatus: 'active',
};

describe('decideUsable', () => {
  it('lets a healthy key through', () => {
    expect(decideUsable(good, now)).toBeNull();
    expect(decideUsable({ ...good, expiresAtMs: null }, now)).toBeNull();
  });

  it('names each single problem', () => {
    expect(decideUsable({ ...good, state: 'deleted' }, now)).toBe('KEY_DELETED');
    expect(decideUsable({ ...good, state: 'disabled' }, now)).toBe('KEY_DISABLED');
    expect(decideUsable({ ...good, expiresAtMs: now.getTime() }, now)).toBe('KEY_EXPIRED');
    expect(decideUsable({ ...good, ownerStatus: 'disabled' }, now)).toBe('USER_DISABLED');
    expect(decideUsable({ ...good, ownerProgrammaticAccess: false }, now)).toBe('PROGRAMMATIC_ACCESS_REVOKED');
    expect(decideUsable({ ...good, tenantStatus: 'disabled' }, now)).toBe('TENANT_DISABLED');
  });

  it('does not need the programmatic access grant for an admin owner', () => {
    expect(decideUsable({ ...good, ownerRole: 'admin', ownerProgrammaticAccess: false }, now)).toBeNull();
  });

  it('expires a key at expiresAt exactly, not a millisecond before', () => {
    expect(decideUsable({ ...good, expiresAtMs: now.getTime() + 1 }, now)).toBeNull();
    expect(decideUsable({ ...good, expiresAtMs: now.getTime() - 1 }, now)).toBe('KEY_EXPIRED');
  });

  it('reports the first failure in the documented order: state, expiry, owner, tenant', () => {
    const expired = now.getTime() - 1;
    // Each step adds the next problem in the order; the earliest one must still win.
    const steps: Array<[Partial<UsableKeyFacts>, string]> = [
      [{ tenantStatus: 'disabled' }, 'TENANT_DISABLED'],
      [{ ownerProgrammaticAccess: false }, 'PROGRAMMATIC_ACCESS_REVOKED'],
      [{ ownerStatus: 'disabled' }, 'USER_DISABLED'],
      [{ expiresAtMs: expired }, 'KEY_EXPIRED'],
      [{ state: 'disabled' }, 'KEY_DISABLED'],
      [{ state: 'deleted' }, 'KEY_DELETED'],
    ];
    let facts: UsableKeyFacts = { ...good };
    for (const [change, expected] of steps) {
      facts = { ...facts, ...change };
      expect(decideUsable(facts, now)).toBe(expected);
    }
  });
});

describe('decidePermission', () => {
  it('passes when no permission is asked for', () => {
    expect(decidePermission([], undefined)).toBeNull();
  });

  it('passes a permission the key holds, directly or by wildcard', () => {
    expect(decidePermission(['storage:read'], 'storage:read')).toBeNull();
    expect(decidePermission(['billing:*'], 'billing:invoices:list')).toBeNull();
    expect(decidePermission(['*'], 'anything:at:all')).toBeNull();
  });

  it('denies a permission the key does not hold', () => {
    expect(decidePermission(['storage:read'], 'storage:write')).toBe('PERMISSION_DENIED');
    expect(decidePermission(['billing:*'], 'storage:read')).toBe('PERMISSION_DENIED');
    expect(decidePermission([], 'storage:read')).toBe('PERMISSION_DENIED');
  });
});

describe('publicCode', () => {
  it('hides a wrong secret behind KEY_NOT_FOUND so callers cannot probe for key IDs', () => {
    expect(publicCode('SECRET_MISMATCH')).toBe('KEY_NOT_FOUND');
    expect(publicCode('KEY_NOT_FOUND')).toBe('KEY_NOT_FOUND');
  });

  it('passes every other code through unchanged', () => {
    for (const code of VERIFY_CODES) if (code !== 'SECRET_MISMATCH') expect(publicCode(code)).toBe(code);
  });
});

describe('verification messages', () => {
  it('has a message for every code', () => {
    for (const code of VERIFY_CODES) expect(VERIFY_MESSAGES[code].length).toBeGreaterThan(0);
  });
});
