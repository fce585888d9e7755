/**
 * The secret scanning rules shipped in docs/secret-scanning/ (issue 13 part 4): the gitleaks
 * rule and the GitHub custom pattern find every token Latchkey issues and nothing that only
 * looks like one. gitleaks itself is not installed here, so its regex is run with JavaScript's
 * RegExp; it is kept in the syntax RE2 and JavaScript share, which this test checks too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';

const toml = readFileSync(new URL('../docs/secret-scanning/gitleaks.toml', import.meta.url), 'utf8');
const guide = readFileSync(new URL('../docs/secret-scanning/README.md', import.meta.url), 'utf8');

const gitleaksRegex = (): string => {
  const found = /^regex = '''(.+)'''$/m.exec(toml);
  if (!found) throw new Error('no regex in gitleaks.toml');
  return found[1]!;
};
/** A field of the GitHub custom pattern, as the guide gives it: `- **Field**: `value``. */
const githubField = (field: string): string => {
  const found = new RegExp(`^- \\*\\*${field}\\*\\*: \`(.+)\`$`, 'm').exec(guide);
  if (!found) throw new Error(`no ${field} in docs/secret-scanning/README.md`);
  return found[1]!;
};

const issued = () => buildToken(generateAccessKeyId(), generateSecret());
const tokens = Array.from({ length: 200 }, issued);

/** Each changed in one way that makes it no Latchkey token. */
const nearMisses = (token: string): Record<string, string> => ({
  'wrong prefix': `ll_${token.slice(3)}`,
  'upper-case prefix': `LK_${token.slice(3)}`,
  'key ID of another shape': token.replace('lk_LK', 'lk_AK'),
  'key ID with a lower-case letter': `lk_LKa${token.slice(6)}`,
  'key ID with base32-excluded digits': `lk_LK0189${token.slice(9)}`,
  'short secret': token.slice(0, -1),
  'secret with a character outside base62': `${token.slice(0, 30)}-${token.slice(31)}`,
  'secret with an underscore': `${token.slice(0, 30)}_${token.slice(31)}`,
  'missing separator': `${token.slice(0, 23)}${token.slice(24)}x`,
});

describe('gitleaks rule (docs/secret-scanning/gitleaks.toml)', () => {
  const source = gitleaksRegex();
  const find = (text: string) => [...text.matchAll(new RegExp(source, 'g'))].map((m) => m[1]);

  it('is in the syntax RE2 and JavaScript share: no look-around, back-references or possessive quantifiers', () => {
    expect(source).not.toMatch(/\(\?[=!<]|\\[1-9]|\\k<|[+*}]\+/);
    expect(toml).toMatch(/^secretGroup = 1$/m);
    expect(toml).toMatch(/^keywords = \["lk_lk"\]$/m);
  });

  it('finds every issued token, alone and inside code, config and URLs', () => {
    for (const token of tokens) {
      expect(find(token)).toEqual([token]);
      expect(find(`export LATCHKEY_TOKEN=${token}\n`)).toEqual([token]);
      expect(find(`{"token": "${token}"}`)).toEqual([token]);
      expect(find(`curl -H 'Authorization: Bearer ${token}' https://api.example.test/?k=${token}&x=1`)).toEqual([token, token]);
    }
  });

  it('each keyword is lower case and in every token, as gitleaks compares keywords with the lower-cased text', () => {
    for (const token of tokens) expect(token.toLowerCase()).toContain('lk_lk');
  });

  it('rejects near misses: wrong prefix, other key ID shapes, short secret, bad characters, longer runs', () => {
    for (const token of tokens.slice(0, 20)) {
      for (const [what, text] of Object.entries(nearMisses(token))) expect(find(text), what).toEqual([]);
      expect(find(`${token}A`), 'one character too many').toEqual([]);
      expect(find(`x${token}`), 'glued to a word before it').toEqual([]);
    }
  });
});

describe('GitHub custom secret scanning pattern (docs/secret-scanning/README.md)', () => {
  const format = githubField('Secret format');
  const before = githubField('Before secret');
  const after = githubField('After secret');
  // GitHub's \A and \z are the start and end of the text: ^ and $ without the m flag.
  const pattern = new RegExp(`(?:${before.replace('\\A', '^')})(${format})(?:${after.replace('\\z', '$')})`, 'g');
  const find = (text: string) => [...text.matchAll(pattern)].map((m) => m[1]);

  it('is the same token shape as the gitleaks rule', () => {
    expect(gitleaksRegex()).toBe(`\\b(${format})\\b`);
  });

  it('finds every issued token and rejects the near misses', () => {
    for (const token of tokens) {
      expect(find(token)).toEqual([token]);
      expect(find(`LATCHKEY_TOKEN="${token}"`)).toEqual([token]);
    }
    for (const token of tokens.slice(0, 20)) {
      for (const [what, text] of Object.entries(nearMisses(token))) expect(find(text), what).toEqual([]);
      expect(find(`${token}A`)).toEqual([]);
    }
  });
});
