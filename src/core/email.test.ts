import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it('trims and lower-cases a deliverable address', () => {
    expect(normalizeEmail('  Dana@Example.TEST ')).toBe('dana@example.test');
    expect(normalizeEmail('first.last+tag@mail.example.co.uk')).toBe('first.last+tag@mail.example.co.uk');
  });

  it.each([
    ['no at sign', 'dana.example.test'],
    ['a domain without a dot', 'a@b'],
    ['an empty local part', '@example.test'],
    ['two at signs', 'a@b@example.test'],
    ['a space inside', 'da na@example.test'],
    ['an empty domain label', 'dana@example..test'],
    ['a domain ending in a dot', 'dana@example.'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.test`],
    ['more than 254 characters', `dana@${'a'.repeat(250)}.test`],
    ['nothing', '   '],
  ])('refuses %s', (_, raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });
});
