import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allows, effectivePermissions, isPermissionPattern, normalize } from './permissions.js';

// A small vocabulary so that random patterns overlap, nest and cover each other often.
const segment = fc.constantFrom('a', 'ab', 'b', 'ba', 'c');
const concrete = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join(':'));
const pattern = fc.oneof(
  concrete,
  concrete.map((p) => `${p}:*`),
  concrete.map((p) => `${p}*`),
  fc.constant('*'),
);
const patterns = fc.array(pattern, { maxLength: 6 });

describe('effectivePermissions', () => {
  it('narrows the key to the owner: a key never holds a permission its owner lacks', () => {
    fc.assert(
      fc.property(patterns, patterns, concrete, (owner, key, permission) => {
        const effective = effectivePermissions(owner, key);
        if (allows(effective, permission)) expect(allows(owner, permission)).toBe(true);
        for (const e of effective) expect(allows(owner, e)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is exactly what both the owner and the key allow', () => {
    fc.assert(
      fc.property(patterns, patterns, concrete, (owner, key, permission) => {
        const effective = effectivePermissions(owner, key);
        expect(allows(effective, permission)).toBe(allows(owner, permission) && allows(key, permission));
      }),
      { numRuns: 2000 },
    );
  });

  it('acts as the owner when the key has no grants of its own', () => {
    fc.assert(
      fc.property(patterns, concrete, (owner, permission) => {
        expect(allows(effectivePermissions(owner, null), permission)).toBe(allows(owner, permission));
      }),
    );
    expect(effectivePermissions(['storage:read', 'billing:*'], null)).toEqual(['billing:*', 'storage:read']);
  });

  it('gives nothing to a key whose roles grant nothing', () => {
    expect(effectivePermissions(['*'], [])).toEqual([]);
  });

  it('keeps the narrower side of overlapping wildcards', () => {
    expect(effectivePermissions(['billing:*'], ['*'])).toEqual(['billing:*']);
    expect(effectivePermissions(['*'], ['billing:read'])).toEqual(['billing:read']);
    expect(effectivePermissions(['billing:read', 'storage:*'], ['billing:*', 'storage:write'])).toEqual(['billing:read', 'storage:write']);
    expect(effectivePermissions(['storage:read'], ['billing:*'])).toEqual([]);
  });

  it('only ever answers valid, normalized patterns', () => {
    fc.assert(
      fc.property(patterns, fc.option(patterns, { nil: null }), (owner, key) => {
        const effective = effectivePermissions(owner, key);
        for (const e of effective) expect(isPermissionPattern(e)).toBe(true);
        expect(normalize(effective)).toEqual(effective);
      }),
    );
  });
});

describe('normalize', () => {
  it('never changes what a list allows', () => {
    fc.assert(
      fc.property(patterns, concrete, (list, permission) => {
        expect(allows(normalize(list), permission)).toBe(allows(list, permission));
      }),
      { numRuns: 1000 },
    );
  });
});
