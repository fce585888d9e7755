/**
 * The real built CLI as a child process (`node bin/latchkey.js …`) on a fresh data directory
 * (SQLite) or a fresh PostgreSQL database. Suites rely on dist/ (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** Runs a command that must fail; returns its one stderr line. */
  fails(args: string[], input?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createCliWorld(kind: DatabaseKind, extraEnv: Record<string, string> = {}): Promise<CliWorld> {
  assertBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  try {
    if (kind === 'postgres') database = await createPostgresDatabase();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const env = { LATCHKEY_DATA_DIR: dataDir, ...(database && { LATCHKEY_DATABASE_URL: database.url }), ...extraEnv };
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  return {
    kind,
    dataDir,
    env,
    run,
    async json(args, input) {
      const result = await run([...args, '--json'], input);
      if (result.code !== 0) throw new Error(`latchkey ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    async fails(args, input) {
      const result = await run(args, input);
      if (result.code === 0) throw new Error(`latchkey ${args.join(' ')} was expected to fail but printed: ${result.stdout}`);
      return result.stderr.trimEnd();
    },
    async cleanup() {
      const errors: unknown[] = [];
      if (database) await database.drop().catch((e: unknown) => errors.push(e));
      await rm(dataDir, { recursive: true, force: true }).catch((e: unknown) => errors.push(e));
      if (errors.length > 0) throw new AggregateError(errors, 'CLI test cleanup failed');
    },
  };
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
