import pg from 'pg';
import { PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import type { AccessRecordRow, StoreDialect, UsageWriter } from './dialect.js';

// int8 (bigint) columns hold epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(20, (value: string) => Number(value));

// 57014: a statement cancelled by statement_timeout (the server is up but too slow or locked).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57014', '57P01', '57P03', '08000', '08003', '08006']);

/**
 * Time limits, so that with a frozen or unreachable server every request still answers within
 * 5 s: waiting for a connection (a free one from the pool, or a new one) at most
 * ACQUIRE_TIMEOUT_MS, then its query at most QUERY_TIMEOUT_MS. The server cancels a statement
 * first (STATEMENT_TIMEOUT_MS, the connection stays usable); the client's own limit is for a
 * server that answers nothing at all, and it throws the connection away.
 */
export const POSTGRES_TIMEOUTS = Object.freeze({
  acquireMs: 1_500,
  statementMs: 2_500,
  queryMs: 3_000,
  /** A transaction left open by a frozen Latchkey process stops holding its row locks after this. */
  idleInTransactionMs: 10_000,
  /** First TCP keepalive probe on an idle connection: a server that vanished (host down, network cut) is noticed. */
  keepAliveDelayMs: 10_000,
});

const QUERY_READ_TIMEOUT = 'Query read timeout';

export function createPostgresDialect(url: string, options: { poolSize?: number } = {}): StoreDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: POSTGRES_TIMEOUTS.acquireMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: POSTGRES_TIMEOUTS.statementMs,
    query_timeout: POSTGRES_TIMEOUTS.queryMs,
    idle_in_transaction_session_timeout: POSTGRES_TIMEOUTS.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: POSTGRES_TIMEOUTS.keepAliveDelayMs,
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
    kyselyDialect: new PostgresDialect({ pool: discardingTimedOut(pool) }),
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
      return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not queryable|Query read timeout|thrown away after a query timed out/i.test(message);
    },
    ping: async (db) => {
      await sql`select 1`.execute(db);
    },
    migrationDialect: () =>
      // Migrations may rewrite big tables: no request time limits, one connection of their own.
      new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1, keepAlive: true, keepAliveInitialDelayMillis: POSTGRES_TIMEOUTS.keepAliveDelayMs }) }),
    close: async (db) => {
      await usage.drain();
      await db.destroy();
    },
  };
}

/**
 * The pool as Kysely sees it, minus connections whose query timed out. pg's query_timeout fails
 * the query but leaves it running on the connection, and pg-pool would take the client back as
 * healthy: every later query on it would queue behind the lost one (a frozen server wedges the
 * pool). Here a timed-out client refuses every further query at once (the ROLLBACK Kysely sends
 * after a failed statement included) and goes back to pg-pool with an error, which destroys it;
 * the pool opens a fresh connection when one is next needed, so the process recovers by itself.
 */
function discardingTimedOut(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let timedOut: Error | null = null;
    // Kysely streams no rows here (no cursor configured), so only the text-and-parameters form is called.
    const query = (async (text: string, parameters: readonly unknown[]) => {
      if (timedOut) throw new Error(`The connection was thrown away after a query timed out: ${timedOut.message}`);
      try {
        return await client.query(text, parameters as unknown[]);
      } catch (error) {
        if ((error as Error).message === QUERY_READ_TIMEOUT) timedOut = error as Error;
        throw error;
      }
    }) as unknown as PostgresPoolClient['query'];
    return { query, release: () => client.release(timedOut ?? undefined) };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      // One wrapper per connection, made once: Kysely keeps its connection object per client it is handed.
      const known = wrappers.get(client);
      if (known) return known;
      const wrapper = wrap(client);
      wrappers.set(client, wrapper);
      return wrapper;
    },
    end: () => pool.end(),
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
