#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (`npm run build`, which `npm start` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('latchkey: not built yet — run `npm run build` (or `npm start`) first\n');
  process.exit(1);
}
await import(entry.href);
