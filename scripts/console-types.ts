/**
 * The console's wire types, generated from the server's own OpenAPI document so the console
 * cannot drift from the API: the Fastify app is built in-process on a throwaway SQLite folder
 * (no network, no listening socket), its /openapi.json is turned into TypeScript by
 * openapi-typescript, and the result is written to console/src/api/openapi.ts.
 *
 * `npm run console:types` rewrites the file; test/console-types.test.ts fails when the checked-in
 * file is not what this produces.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { openRuntime } from '../src/main.js';

export const CONSOLE_TYPES_FILE = 'console/src/api/openapi.ts';

const HEADER = `/**
 * Generated from the server's /openapi.json by scripts/console-types.ts (npm run console:types).
 * Do not edit: change the route schemas in src/http instead, then regenerate.
 */
`;

/** The document the server serves at /openapi.json, built in-process. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-openapi-'));
  try {
    const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    const runtime = await openRuntime(config, logger, { background: false });
    try {
      const app = await buildApp({ services: runtime.services, config, logger });
      await app.ready();
      const doc = app.swagger() as unknown as Record<string, unknown>;
      await app.close();
      return doc;
    } finally {
      await runtime.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The text of console/src/api/openapi.ts for the current route schemas. */
export async function consoleTypes(): Promise<string> {
  const ast = await openapiTS((await openApiDocument()) as never, { alphabetize: true, exportType: false });
  return HEADER + astToString(ast);
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  // Runs from dist/scripts/ once built: the file goes to the package folder, above either.
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  const target = join(root, CONSOLE_TYPES_FILE);
  await writeFile(target, await consoleTypes());
  process.stdout.write(`wrote ${target}\n`);
}
