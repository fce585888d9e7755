import { loadConfig, type Config } from '../config.js';
import { AppError } from '../core/errors.js';
import { createLogger } from '../logger.js';
import { migrateDatabase, openRuntime, type Runtime } from '../main.js';
import type { Actor } from '../services/actor.js';
import { serve } from './serve.js';

/** What a command reads and writes: the CLI never touches process.stdout, stdin or exit itself. */
export interface CliIo {
  /** Standard output: what scripts read (JSON with --json), nothing else. */
  out(text: string): void;
  /** Standard error: failures and notes for the person at the terminal. */
  err(text: string): void;
  /** Everything on standard input, as text. */
  readStdin(): Promise<string>;
}

/** Where commands get their runtime (services, and migrations for `latchkey migrate`) from. */
export interface RuntimeSource {
  /** Lends a runtime (migrated store and services, no background work) to one command. */
  use<T>(run: (runtime: Runtime) => Promise<T>): Promise<T>;
  /** Applies migrations only: no services and no master key. */
  migrate(): Promise<{ database: string; applied: string[] }>;
  /** Runs the server and console until a signal stops the process. */
  serve(io: CliIo): Promise<void>;
  /** The settings, for commands that work on the data directory itself (backup, restore). */
  settings(): Readonly<Config>;
}

/** The process's own standard streams. */
export function processIo(): CliIo {
  // A reader that stops early (`latchkey keys list | head -1`) is not a failure of the command.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    async readStdin() {
      if (process.stdin.isTTY) throw new AppError('BAD_REQUEST', 'Pipe the password on standard input, e.g. printf %s "$PASSWORD" | latchkey …');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/**
 * The runtime of a one-shot command from LATCHKEY_* settings: opened for the command and closed
 * after it, with quiet logs (warnings only, unless LATCHKEY_LOG_LEVEL asks for more).
 */
export function runtimeFromSettings(env: NodeJS.ProcessEnv, io: CliIo): RuntimeSource {
  return {
    async use(run) {
      const config = loadConfig(env);
      const logger = createLogger(env.LATCHKEY_LOG_LEVEL ? config.logLevel : 'warn', { write: (line: string) => io.err(line) });
      const runtime = await openRuntime(config, logger, { background: false });
      try {
        return await run(runtime);
      } finally {
        await runtime.close();
      }
    },
    migrate: () => migrateDatabase(loadConfig(env)),
    serve: (io) => serve(loadConfig(env), io),
    settings: () => loadConfig(env),
  };
}

/** The CLI acts as an administrator of the tenant: the one named by --as, else the oldest active one. */
export async function cliActor(runtime: Runtime, tenant: string, as?: string): Promise<Actor> {
  const found = await runtime.services.tenants.findByIdOrSlug(tenant);
  if (!found) throw new AppError('NOT_FOUND', `No tenant "${tenant}".`);
  let admin: Actor['user'] | undefined;
  if (as !== undefined) {
    admin = (await runtime.services.users.findByEmail(found.id, as)) ?? undefined;
    if (admin?.role !== 'admin' || admin.status !== 'active') throw new AppError('NOT_FOUND', `No active administrator "${as}" in tenant ${found.slug}.`);
  } else {
    admin = (await runtime.services.users.oldestActiveAdmin(found.id)) ?? undefined;
    if (!admin) throw new AppError('NOT_FOUND', `Tenant ${found.slug} has no active administrator.`);
  }
  return { tenantId: found.id, user: admin, via: 'cli', accessKeyId: null, keyPermissions: null, ip: null, userAgent: 'latchkey-cli' };
}

/** A password piped on standard input, without the newline `echo` adds. */
export async function readPassword(io: CliIo): Promise<string> {
  return (await io.readStdin()).replace(/\r?\n$/, '');
}

/** One answer: JSON for scripts (--json), or the human text. */
export function print(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  io.out(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
