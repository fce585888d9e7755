import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

const SUITES = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const CLI = ['test/cli-*.test.ts'];
/**
 * Suites whose assertions are about latency or timing (p99 under load, a timing-oracle test):
 * they run after every other suite, one at a time, so a neighbour's browser or benchmark-like
 * load cannot make their measurement (a CI run once saw a cached verification p99 of 181 ms
 * during the external-lock test, 2–4 ms alone).
 */
const TIMING = [
  'test/verify-timing.test.ts',
  'test/sqlite-external-lock.test.ts',
  'test/http-signin-flood.test.ts',
  'test/key-cache-scale.test.ts',
  // Bounds in time under load: revocation within 1 s across processes, answers within 5 s while PostgreSQL is frozen
  // (each once failed in a full run on a machine at load 15, and passed alone).
  'test/verify-revocation-matrix.test.ts',
  'test/postgres-frozen.test.ts',
];

/** Test files that replace a module (vi.mock): the mock only takes in a process that has not imported it yet. */
function mockingFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : mockingFiles(path);
    return entry.name.endsWith('.test.ts') && /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}
const MOCKING = [...mockingFiles('src'), ...mockingFiles('test')];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a user would wait for (a page that loads, a mail that arrives):
    // vitest's default of 1 s once ran out in a full CI run at load ~10 while a details pane
    // was still loading. A poll that passes returns at once; only a real failure waits the 10 s.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Most suites spend their time waiting on PostgreSQL, Chromium or a child process rather than
    // computing, so on 2 cores three suites at a time finish sooner than vitest's default (one
    // worker per core but one: a single worker on 2 cores).
    maxWorkers: 3,
    setupFiles: ['test/support/time-zone.ts'],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: SUITES,
          exclude: [...configDefaults.exclude, ...CLI, ...MOCKING, ...TIMING],
          // A fresh process per file costs a Node start and a new import of Fastify, the AWS and
          // Tencent SDKs and playwright: more CPU than most suites' own tests. The suites share
          // nothing through module state: each opens its own store, database, ports and pages.
          isolate: false,
        },
      },
      // Each file in a process of its own: the CLI suites (they run the CLI as a program) and the
      // files that mock a module.
      { extends: true, test: { name: 'isolated', include: [...CLI, ...MOCKING] } },
      { extends: true, test: { name: 'timing', include: TIMING, isolate: false, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
