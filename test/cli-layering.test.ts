/** The seams the CLI and HTTP share: views in one module, one actor helper, the CLI free of http/. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

const sources = (dir: string): [string, string][] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => [join(dir, f), readFileSync(join(ROOT, dir, f), 'utf8')]);

describe('layering of the CLI and HTTP', () => {
  it('the CLI imports nothing from src/http, and touches no process stream or exit outside its entry', () => {
    for (const [file, text] of sources('src/cli')) {
      expect(text, file).not.toMatch(/from '\.\.\/http\//);
      if (file.endsWith('index.ts') || file.endsWith('context.ts') || file.endsWith('serve.ts')) continue;
      expect(text, file).not.toMatch(/process\.(stdout|stderr|stdin|exit)/);
    }
  });

  it('routes get the acting user from http/actor.ts only', () => {
    for (const [file, text] of sources('src/http/routes')) {
      expect(text, file).not.toMatch(/export function \w*[aA]ctor\w*\(/);
      expect(text, file).not.toMatch(/request\.actor\b/);
    }
  });
});
