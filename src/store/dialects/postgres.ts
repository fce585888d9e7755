import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import type { AccessRecordRow, StoreDialect, UsageWriter } from './dialect.js';
import { createPostgresKeyLookup } from './postgres-key-lookup.js';

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
  // A client losing its connection must not crash the process: idle ones report on the pool,
  // checked-out ones on themselves. The query in flight still fails (→ 503) and pg-pool drops
  // the broken client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const usage = postgresUsageWriter(pool);
  return {
    name: 'postgres',
    usage,
    keyLookup: createPostgresKeyLookup(pool),
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
      return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not queryable/i.test(message);
    },
    close: async (db) => {
      await usage.drain();
      await db.destroy();
    },
  };
}

const RECORD_COLUMN_TYPES = ['text', 'text', 'text', 'int8', 'text', 'text', 'text', 'text', 'text', 'text', 'text'] as const;

/**
 * One statement per batch whatever its size: each column travels as one array parameter and
 * unnest() turns them back into rows, so the statement text never changes (the server plans it
 * once) and nothing is built per row but the arrays.
 */
function postgresUsageWriter(pool: pg.Pool): UsageWriter & { drain(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const track = async (write: Promise<unknown>): Promise<void> => {
    inFlight.add(write);
    try {
      await write;
    } finally {
      inFlight.delete(write);
    }
  };
  const insertRecords =
    'insert into access_records (id, tenant_id, access_key_id, at, outcome, code, source_ip, user_agent, scheme, permission, detail) ' +
    `select * from unnest(${RECORD_COLUMN_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
  const raiseLastUsed =
    'update access_keys as k set last_used_at = v.at from unnest($1::text[], $2::int8[]) as v(id, at) ' + 'where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.at)';
  return {
    async insertAccessRecords(rows: AccessRecordRow[]) {
      if (rows.length === 0) return;
      const columns: unknown[][] = RECORD_COLUMN_TYPES.map(() => new Array(rows.length));
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        for (let c = 0; c < columns.length; c++) columns[c]![r] = row[c];
      }
      await track(pool.query(insertRecords, columns));
    },
    async touchLastUsed(entries) {
      if (entries.length === 0) return;
      // Sorted by key, so concurrent writers (several processes) lock rows in the same order.
      const sorted = [...entries].sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0));
      await track(pool.query(raiseLastUsed, [sorted.map((e) => e.accessKeyId), sorted.map((e) => e.at)]));
    },
    /** Waits for the writes already handed over (closing the pool under them would lose them). */
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
