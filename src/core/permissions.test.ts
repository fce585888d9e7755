import { describe, expect, it } from 'vitest';
import { MAX_PERMISSION_LENGTH, PERMISSION_PATTERN, allows, covers, isPermissionPattern, normalize } from './permissions.js';

describe('isPermissionPattern', () => {
  it('accepts service:action permissions and trailing wildcards', () => {
    for (const value of ['*', 'storage:read', 'billing:invoices:list', 'billing:*', 'billing*', 's3:get-object', 'api.v2/orders:read', 'a_b:c']) {
      expect(isPermissionPattern(value), value).toBe(true);
    }
  });

  it('refuses empty, upper-case, spaced, misplaced-wildcard and malformed strings', () => {
    for (const value of [
      '',
      'Storage:read',
      'storage read',
      ':read',
      'storage:',
      'storage::read',
      '*:read',
      'storage:*:read',
      '**',
      'storage:*x',
      '-storage',
      'storage:re*ad',
      'stö:read',
      'storage:read\n',
    ]) {
      expect(isPermissionPattern(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('refuses strings longer than the limit', () => {
    const longest = 'a'.repeat(MAX_PERMISSION_LENGTH);
    expect(isPermissionPattern(longest)).toBe(true);
    expect(isPermissionPattern(`${longest}a`)).toBe(false);
  });

  it('exports the same pattern that schemas use', () => {
    expect(new RegExp(PERMISSION_PATTERN).test('billing:*')).toBe(true);
    expect(new RegExp(PERMISSION_PATTERN).test('billing:*:x')).toBe(false);
  });
});

describe('covers', () => {
  it('matches a permission exactly', () => {
    expect(covers('storage:read', 'storage:read')).toBe(true);
    expect(covers('storage:read', 'storage:write')).toBe(false);
    expect(covers('storage:read', 'storage:read:all')).toBe(false);
  });

  it('lets `billing:*` cover every billing permission, but nothing outside billing', () => {
    expect(covers('billing:*', 'billing:read')).toBe(true);
    expect(covers('billing:*', 'billing:invoices:list')).toBe(true);
    expect(covers('billing:*', 'billing:invoices:*')).toBe(true);
    expect(covers('billing:*', 'billingx:read')).toBe(false);
    expect(covers('billing:*', 'storage:read')).toBe(false);
    expect(covers('billing:*', 'billing')).toBe(false);
  });

  it('lets `*` cover everything', () => {
    for (const p of ['storage:read', 'billing:*', '*', 'x']) expect(covers('*', p)).toBe(true);
  });

  it('does not let a narrower pattern cover a wider one', () => {
    expect(covers('billing:read*', 'billing:*')).toBe(false);
    expect(covers('billing:*', '*')).toBe(false);
    expect(covers('billing:read', 'billing:*')).toBe(false);
  });
});

describe('allows', () => {
  it('is true when any pattern covers the permission', () => {
    expect(allows(['storage:read', 'billing:*'], 'billing:pay')).toBe(true);
    expect(allows(['storage:read', 'billing:*'], 'storage:read')).toBe(true);
  });

  it('is false for an empty list and for permissions nobody covers', () => {
    expect(allows([], 'storage:read')).toBe(false);
    expect(allows(['storage:read', 'billing:*'], 'storage:write')).toBe(false);
  });
});

describe('normalize', () => {
  it('sorts, removes duplicates and drops what another pattern already covers', () => {
    expect(normalize(['storage:read', 'billing:pay', 'billing:*', 'storage:read', 'billing:invoices:*'])).toEqual(['billing:*', 'storage:read']);
  });

  it('reduces everything to `*` when `*` is present', () => {
    expect(normalize(['storage:read', '*', 'billing:*'])).toEqual(['*']);
  });

  it('keeps an empty list empty', () => {
    expect(normalize([])).toEqual([]);
  });
});
