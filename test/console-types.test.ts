/**
 * The console's wire types are generated from the server's OpenAPI document and checked in;
 * this fails when a route schema changed and console/src/api/openapi.ts was not regenerated
 * (`npm run console:types`), so the console cannot drift from the API.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TYPES_FILE, consoleTypes } from '../scripts/console-types.js';

describe('console wire types', () => {
  it(`${CONSOLE_TYPES_FILE} is what /openapi.json generates`, async () => {
    const checkedIn = readFileSync(new URL(`../${CONSOLE_TYPES_FILE}`, import.meta.url), 'utf8');
    const generated = await consoleTypes();
    expect(checkedIn === generated, `${CONSOLE_TYPES_FILE} is stale: run npm run console:types and commit the result`).toBe(true);
  });
});
