/** A fresh, empty database for one benchmark run, removed afterwards whatever happened. */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** null for SQLite (the file lives in dataDir). */
  databaseUrl: string | null;
  dataDir: string;
  drop(): Promise<void>;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL server the bench creates its database on: BENCH_DATABASE_URL, else the tests' one. */
export function adminPostgresUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.LATCHKEY_TEST_DATABASE_URL ?? DEFAULT_POSTGRES_URL;
}

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = adminPostgresUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${displayUrl(url)} (set BENCH_DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-bench-'));
  if (kind === 'sqlite') {
    return { kind, databaseUrl: null, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `latchkey_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(adminPostgresUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    kind,
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
