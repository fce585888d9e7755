/**
 * Another process holding SQLite's write lock, as the CLI does while it writes: a child Node
 * process opens the same file, runs BEGIN IMMEDIATE and keeps the transaction open for `holdMs`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface SqliteLocker {
  /** Resolves when the child has ended its transaction and exited. */
  released: Promise<void>;
  /** Ends the child at once (its transaction rolls back). */
  kill(): void;
}

const CHILD = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.pragma('busy_timeout = 10000');
db.exec('begin immediate');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('commit'); db.close(); process.exit(0); }, Number(process.argv[3]));
`;

/** Starts the child and waits until it holds the lock. */
export async function holdSqliteWriteLock(file: string, holdMs: number): Promise<SqliteLocker> {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD, driverPath, file, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the locking process exited (${code}) before it held the lock`)));
  });
  return { released, kill: () => void child.kill('SIGKILL') };
}
