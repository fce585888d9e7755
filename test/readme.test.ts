/** The README stays true: every setting the server accepts is in its configuration table, and only those. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every LATCHKEY_* setting in the configuration table, and no setting that does not exist', () => {
    const documented = [...readme.matchAll(/^\| `(LATCHKEY_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
