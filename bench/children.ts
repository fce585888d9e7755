/** Parent side of the server processes: start, talk to, and stop one child. */
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage, ParentMessage, ServerStats } from './child-protocol.js';

export interface ServerChild {
  name: string;
  url: string;
  mark(): Promise<void>;
  stats(): Promise<ServerStats>;
  /** Writes what the server holds back (usage data), as a quiet moment or a shutdown would. */
  flush(): Promise<void>;
  /** Clean stop (the verify server writes its buffered access records first). */
  stop(): Promise<void>;
  kill(): void;
}

/**
 * BENCH_CPU_PROFILE=<dir> makes every server process write V8 CPU profiles there: the whole life of
 * every thread when it stops (--cpu-prof), and its main thread during the first measured round after
 * the warm-up alone (`<name>-steady.cpuprofile`, see child-protocol.ts), which is the steady state.
 * Every server process runs with the Node flags `npm start` gives the server (SERVER_NODE_FLAGS),
 * the bare one too; BENCH_SERVER_NODE_FLAGS="--flag …" replaces them ("" for none) to compare a flag's effect.
 */
export const SERVER_NODE_FLAGS = '--max-semi-space-size=16';

function execArgv(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? SERVER_NODE_FLAGS).trim().split(/\s+/).filter(Boolean);
  return [...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), ...flags];
}

export async function startChild(name: string, script: URL, env: NodeJS.ProcessEnv): Promise<ServerChild> {
  const child: ChildProcess = fork(script, [], { env, execArgv: execArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  const waiters: { type: ChildMessage['type']; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  const failAll = (error: Error) => {
    for (const w of waiters.splice(0)) w.reject(error);
  };
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'failed') return failAll(new Error(`${name} server failed: ${message.message}`));
    const index = waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
  });
  child.on('exit', (code, signal) => {
    exited = true;
    failAll(new Error(`${name} server exited (code ${code}, signal ${signal})`));
  });
  const expect = <T extends ChildMessage['type']>(type: T, send?: ParentMessage, timeoutMs = 120_000) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      if (exited) return reject(new Error(`${name} server is not running`));
      const timer = setTimeout(() => reject(new Error(`${name} server did not answer ${type} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ChildMessage, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (send) child.send(send);
    });

  const ready = await expect('ready');
  return {
    name,
    url: ready.url,
    mark: async () => {
      await expect('marked', { type: 'mark' });
    },
    stats: async () => (await expect('stats', { type: 'stats' })).stats,
    flush: async () => {
      await expect('flushed', { type: 'flush' });
    },
    stop: async () => {
      await expect('stopped', { type: 'stop' });
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** The environment of a server child: only what the servers need (loadConfig refuses unknown LATCHKEY_* variables). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', ...extra };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'BENCH_CPU_PROFILE']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** The real Latchkey server on `database`, sealing with `masterKey`, in a child process (`extra`: more settings). */
/** BENCH_SERVER_ENV="LATCHKEY_X=1 LATCHKEY_Y=2": more settings for the verify server (to compare one setting's effect). */
function serverEnv(): Record<string, string> {
  const raw = process.env.BENCH_SERVER_ENV?.trim();
  if (!raw) return {};
  const pairs = raw.split(/\s+/).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || !pair.startsWith('LATCHKEY_')) throw new Error(`BENCH_SERVER_ENV: expected LATCHKEY_NAME=value pairs, got "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  return Object.fromEntries(pairs);
}

export function startVerifyChild(database: { dataDir: string; databaseUrl: string | null }, masterKey: Buffer, extra: Record<string, string> = {}): Promise<ServerChild> {
  return startChild(
    'verify',
    new URL('./verify-server.js', import.meta.url),
    childEnv({
      LATCHKEY_HOST: '127.0.0.1',
      LATCHKEY_PORT: '0',
      LATCHKEY_DATA_DIR: database.dataDir,
      ...(database.databaseUrl && { LATCHKEY_DATABASE_URL: database.databaseUrl }),
      LATCHKEY_MASTER_KEY: masterKey.toString('base64'),
      LATCHKEY_LOG_LEVEL: 'warn',
      LATCHKEY_BOOTSTRAP: 'false',
      ...serverEnv(),
      ...extra,
    }),
  );
}

/** The bare Fastify route the verify server is compared with, in a child process. */
export function startBareChild(): Promise<ServerChild> {
  return startChild('bare', new URL('./bare-server.js', import.meta.url), childEnv({}));
}
