import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/cli-*.test.ts'],
          // A fresh process per file costs a Node start and a new import of Fastify, the AWS and
          // Tencent SDKs and playwright: more CPU than most suites' own tests. The suites share
          // nothing through module state: each opens its own store, database, ports and pages.
          isolate: false,
        },
      },
      // The CLI suites run the CLI as a program, each file in a process of its own.
      { extends: true, test: { name: 'cli', include: ['test/cli-*.test.ts'] } },
    ],
  },
});
