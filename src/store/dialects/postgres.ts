import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import type { StoreDialect } from './dialect.js';

// int8 (bigint) columns hold epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(20, (value: string) => Number(value));

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P03', '08000', '08003', '08006']);

export function createPostgresDialect(url: string, options: { poolSize?: number } = {}): StoreDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return {
    name: 'postgres',
    kyselyDialect: new PostgresDialect({ pool }),
    serialType: 'bigserial',
    serialPrimaryKey: (col) => col.primaryKey(),
    lockUser: async (trx, userId) => {
      await sql`select id from users where id = ${userId} for update`.execute(trx);
    },
    isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === '23505',
    isUnavailable: (error) => {
      const e = error as { code?: unknown; message?: unknown } | null;
      if (UNAVAILABLE_CODES.has(String(e?.code))) return true;
      const message = String(e?.message ?? '');
      return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
    },
    close: async (db) => {
      await db.destroy();
    },
  };
}
