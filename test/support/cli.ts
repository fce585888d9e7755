/**
 * The CLI two ways, each on a fresh data directory (SQLite) or a fresh PostgreSQL database:
 * - in this process (createInProcessCli): the same program (createProgram) on one open runtime,
 *   for what commands do and print;
 * - as the real built process (createCliWorld, runCli: `node bin/latchkey.js …`, needs dist/),
 *   for what only a process shows: exit codes, settings, pipes, first start.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import type { CliIo, RuntimeSource } from '../../src/cli/context.js';
import { runProgram } from '../../src/cli/program.js';
import { createLogger } from '../../src/logger.js';
import { migrateDatabase, openRuntime, type Runtime } from '../../src/main.js';
import { createPostgresDatabase, type DatabaseKind } from './databases.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'latchkey.js');
export const PASSWORD = 'correct horse battery staple';

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'index.js'))) {
    throw new Error('dist/ is missing: these suites run the built CLI. Run `npm run build` first (`npm test` does).');
  }
}

/** The parent's environment without any LATCHKEY_* setting, so only what a test sets counts. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('LATCHKEY_')) env[name] = value;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`latchkey ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh place for Latchkey's data: a temp dir, plus a fresh PostgreSQL database for 'postgres'. */
export interface CliWorld {
  kind: DatabaseKind;
  dataDir: string;
  env: Record<string, string>;
  run(args: string[], input?: string): Promise<CliResult>;
  /** Runs a command with --json, expects success, returns the parsed output. */
  json<T = any>(args: string[], input?: string): Promise<T>;
  /** Runs a command that must fail; returns what it printed on standard error after the "acting as" note of a change. */
  fails(args: string[], input?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** A fresh data directory, and for 'postgres' a fresh database, with the settings that name them. */
async function freshPlace(kind: DatabaseKind, extraEnv: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  try {
    if (kind === 'postgres') database = await createPostgresDatabase();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const env: Record<string, string> = { LATCHKEY_DATA_DIR: dataDir, ...(database && { LATCHKEY_DATABASE_URL: database.url }), ...extraEnv };
  async function remove(errors: unknown[]): Promise<void> {
    if (database) await database.drop().catch((e: unknown) => errors.push(e));
    await rm(dataDir, { recursive: true, force: true }).catch((e: unknown) => errors.push(e));
  }
  return { dataDir, env, remove };
}

function worldOf(kind: DatabaseKind, place: { dataDir: string; env: Record<string, string> }, run: CliWorld['run'], cleanup: () => Promise<void>): CliWorld {
  return {
    kind,
    dataDir: place.dataDir,
    env: place.env,
    run,
    async json(args, input) {
      const result = await run([...args, '--json'], input);
      if (result.code !== 0) throw new Error(`latchkey ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    async fails(args, input) {
      const result = await run(args, input);
      if (result.code === 0) throw new Error(`latchkey ${args.join(' ')} was expected to fail but printed: ${result.stdout}`);
      return withoutActingNote(result.stderr);
    },
    cleanup,
  };
}

/** The real built CLI, one child process per command. */
export async function createCliWorld(kind: DatabaseKind, extraEnv: Record<string, string> = {}): Promise<CliWorld> {
  assertBuilt();
  const place = await freshPlace(kind, extraEnv);
  const run = (args: string[], input?: string) => runCli(args, { env: place.env, ...(input !== undefined && { input }) });
  return worldOf(kind, place, run, async () => {
    const errors: unknown[] = [];
    await place.remove(errors);
    if (errors.length > 0) throw new AggregateError(errors, 'CLI test cleanup failed');
  });
}

/**
 * One command line through the CLI program in this process: on a runtime source, or on one
 * made for its IO (runtimeFromSettings(env, io) reads settings as the process does).
 */
export async function runInProcess(args: string[], runtime: RuntimeSource | ((io: CliIo) => RuntimeSource), input = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    readStdin: async () => input,
  };
  const code = await runProgram(args, typeof runtime === 'function' ? runtime(io) : runtime, io);
  return { code, stdout, stderr };
}

/** For commands that must not touch a database (help, usage errors): any use of it fails the test. */
export const NO_RUNTIME: RuntimeSource = {
  use: () => Promise.reject(new Error('this command opened a runtime')),
  migrate: () => Promise.reject(new Error('this command ran migrations')),
  serve: () => Promise.reject(new Error('this command started a server')),
  settings: () => {
    throw new Error('this command read the settings');
  },
};

export interface InProcessCliWorld extends CliWorld {
  /** The open runtime every command of this world shares (as a running server shares one). */
  runtime: Runtime;
}

/**
 * The CLI program in this process on one open runtime over a fresh database: what a command
 * does and prints, without a process start and a database open per command. Standard output
 * and standard error are kept apart as a process's are.
 */
export async function createInProcessCli(kind: DatabaseKind, extraEnv: Record<string, string> = {}): Promise<InProcessCliWorld> {
  const place = await freshPlace(kind, extraEnv);
  let runtime: Runtime;
  const config = loadConfig(place.env);
  try {
    runtime = await openRuntime(config, createLogger('silent'), { background: false });
  } catch (error) {
    await place.remove([]);
    throw error;
  }
  const source: RuntimeSource = {
    use: (run) => run(runtime),
    migrate: () => migrateDatabase(config),
    serve: () => Promise.reject(new Error('serve runs in its own process: see the process-* suites')),
    settings: () => config,
  };
  const run = (args: string[], input?: string) => runInProcess(args, source, input);
  const world = worldOf(kind, place, run, async () => {
    const errors: unknown[] = [];
    await runtime.close().catch((e: unknown) => errors.push(e));
    await place.remove(errors);
    if (errors.length > 0) throw new AggregateError(errors, 'CLI test cleanup failed');
  });
  return { ...world, runtime };
}

/** Standard error without the note a changing command starts with ("acting as admin@… (cli)"). */
export function withoutActingNote(stderr: string): string {
  return stderr.replace(/^acting as [^\n]* \(cli\)\n/, '').trimEnd();
}

export interface InitResult {
  tenantId: string;
  tenant: string;
  userId: string;
  email: string;
}

/** `latchkey init` with the test password. */
export async function initTenant(world: CliWorld, tenant = 'acme', email = 'admin@example.com'): Promise<InitResult> {
  const result = await world.run(['init', '--tenant', tenant, '--email', email, '--password-stdin'], PASSWORD);
  if (result.code !== 0) throw new Error(`latchkey init failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as InitResult;
}
