import pg from 'pg';
import { PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import type { CounterDelta, MinuteRowKey, StoreDialect, UsageBatch, UsageWriter } from './dialect.js';
import { createPostgresKeyLookup } from './postgres-key-lookup.js';

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
    keyLookup: createPostgresKeyLookup(pool),
    kyselyDialect: new PostgresDialect({ pool: discardingTimedOut(pool) }),
    serialType: 'bigserial',
    serialPrimaryKey: (col) => col.primaryKey(),
    compactTable: (builder) => builder,
    lockUser: async (trx, userId) => {
      await sql`select id from users where id = ${userId} for update`.execute(trx);
    },
    jsonInteger: (column, field) => sql<number>`((${sql.raw(column)})::json ->> ${sql.lit(field)})::bigint`,
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
    migrationDialect: () => {
      // Migrations may rewrite big tables: no request time limits, one connection of their own.
      const migrations = new pg.Pool({ connectionString: url, max: 1, keepAlive: true, keepAliveInitialDelayMillis: POSTGRES_TIMEOUTS.keepAliveDelayMs });
      // As the main pool: a connection the server ends while idle (a restart, an administrator) is
      // dropped, not thrown as an uncaught exception (seen once in CI when a test dropped its database).
      migrations.on('error', () => {});
      migrations.on('connect', (client) => client.on('error', () => {}));
      return new PostgresDialect({ pool: migrations });
    },
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

const RING_COLUMN_TYPES = ['text', 'text', 'int4', 'text', 'int8', 'text', 'text', 'text', 'text', 'text', 'text'] as const;
const COUNTER_COLUMN_TYPES = ['text', 'int8', 'text', 'int8', 'text'] as const;

const params = (types: readonly string[], from: number) => types.map((type, i) => `$${from + i}::${type}[]`).join(', ');

/**
 * Adds a counter row's counts slot by slot (both are JSON arrays of numbers, the shorter padded
 * with zeros) and keeps the text compact. The two arrays are split as text and unnested side by
 * side in one select list, which PostgreSQL runs in step (a ProjectSet, no join, no sort) and
 * aggregates in that order: 14 µs a row of PostgreSQL CPU over a plain upsert, where the earlier
 * full join of two json_array_elements_text() with ordinality cost 50 (bench:writer).
 */
const mergeCounts = (table: string) =>
  `counts = (select '[' || string_agg((coalesce(a::int8, 0) + coalesce(b::int8, 0))::text, ',') || ']' ` +
  `from (select unnest(string_to_array(btrim(${table}.counts, '[]'), ',')) as a, unnest(string_to_array(btrim(excluded.counts, '[]'), ',')) as b) as t)`;

const upsertCounters = (table: string, from: number) =>
  `insert into ${table} as u (access_key_id, start, code, total, counts) select * from unnest(${params(COUNTER_COLUMN_TYPES, from)}) ` +
  `on conflict (access_key_id, start, code) do update set total = u.total + excluded.total, ${mergeCounts('u')} returning 1`;

/**
 * One flush, one statement: data-modifying CTEs advance each ring's cursor (the row lock orders
 * concurrent writers of one key), put each record in slot (sequence mod ring size), and add the
 * counts. Every column travels as one array parameter and unnest() turns them back into rows, so
 * the statement text never changes (the server plans it once) and nothing is built per row but
 * the arrays.
 */
const WRITE_USAGE =
  `with r as (select * from unnest(${params(RING_COLUMN_TYPES, 1)}, $12::int4[]) ` +
  'as r(access_key_id, outcome, size, id, at, code, source_ip, user_agent, scheme, permission, detail, ord)), ' +
  'g as (select access_key_id, outcome, count(*)::int8 as n from r group by access_key_id, outcome), ' +
  'c as (insert into access_record_cursors as c (access_key_id, outcome, next_seq) select access_key_id, outcome, n from g order by access_key_id, outcome ' +
  'on conflict (access_key_id, outcome) do update set next_seq = c.next_seq + excluded.next_seq returning access_key_id, outcome, next_seq), ' +
  'w as (insert into access_records as a (access_key_id, outcome, slot, id, at, code, source_ip, user_agent, scheme, permission, detail) ' +
  'select r.access_key_id, r.outcome, ((c.next_seq - g.n + r.ord) % r.size)::int4, r.id, r.at, r.code, r.source_ip, r.user_agent, r.scheme, r.permission, r.detail ' +
  'from r join g on g.access_key_id = r.access_key_id and g.outcome = r.outcome join c on c.access_key_id = r.access_key_id and c.outcome = r.outcome ' +
  'order by r.access_key_id, r.outcome, r.ord ' +
  'on conflict (access_key_id, outcome, slot) do update set id = excluded.id, at = excluded.at, code = excluded.code, source_ip = excluded.source_ip, ' +
  'user_agent = excluded.user_agent, scheme = excluded.scheme, permission = excluded.permission, detail = excluded.detail returning 1), ' +
  `m as (${upsertCounters('usage_minutes', 13)}) ` +
  'select (select count(*) from w) + (select count(*) from m) as written';

/**
 * A roll-up of aged minute rows, one statement: pick the next rows in key order (skipping rows a
 * writer holds), delete them, add each one's total to its hour's slot of its day's hour row. The
 * day's counts are built dense (slots 0 to the last hour moved) and merged like a write's.
 */
const rollUp = (after: boolean) =>
  'with p as (select access_key_id, start, code from usage_minutes where start <= $1' +
  (after ? ' and (access_key_id, start, code) > ($3::text, $4::int8, $5::text)' : '') +
  ' order by access_key_id, start, code limit $2 for update skip locked), ' +
  'd as (delete from usage_minutes as m using p where m.access_key_id = p.access_key_id and m.start = p.start and m.code = p.code ' +
  'returning m.access_key_id, m.start, m.code, m.total), ' +
  'c as (select access_key_id, start - start % 86400000 as day, code, ((start % 86400000) / 3600000)::int as slot, sum(total)::int8 as n from d where total <> 0 group by 1, 2, 3, 4), ' +
  'g as (select access_key_id, day, code, sum(n)::int8 as total, max(slot) as top from c group by 1, 2, 3), ' +
  'h as (insert into usage_hours as u (access_key_id, start, code, total, counts) ' +
  "select g.access_key_id, g.day, g.code, g.total, (select '[' || string_agg(coalesce(c.n, 0)::text, ',' order by s) || ']' " +
  'from generate_series(0, g.top) as s left join c on c.access_key_id = g.access_key_id and c.day = g.day and c.code = g.code and c.slot = s) ' +
  `from g order by 1, 2, 3 on conflict (access_key_id, start, code) do update set total = u.total + excluded.total, ${mergeCounts('u')} returning 1) ` +
  'select (select count(*) from p)::int4 as rows, (select count(*) from h)::int4 as days, l.access_key_id, l.start, l.code ' +
  'from (select 1) as one left join (select * from p order by access_key_id desc, start desc, code desc limit 1) as l on true';
const ROLL_UP_FIRST = rollUp(false);
const ROLL_UP_AFTER = rollUp(true);

function columnsOf<T extends readonly unknown[]>(rows: readonly T[], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) columns[c]![r] = row[c];
  }
  return columns;
}

/**
 * The rings' records as the statement's columns (RING_COLUMN_TYPES, then each record's position
 * in its ring's batch): each record's text (RecordText) parsed back into its fields.
 */
function ringColumns(batch: UsageBatch): unknown[][] {
  const columns: unknown[][] = Array.from({ length: RING_COLUMN_TYPES.length + 1 }, () => []);
  // The ring's three columns, the record's eight fields, its position.
  const fields = RING_COLUMN_TYPES.length - 3;
  for (const [accessKeyId, outcome, size, records] of batch.rings) {
    for (let k = 0; k < records.length; k++) {
      const r = JSON.parse(records[k]!) as unknown[];
      columns[0]!.push(accessKeyId);
      columns[1]!.push(outcome);
      columns[2]!.push(size);
      for (let f = 0; f < fields; f++) columns[3 + f]!.push(r[f]);
      columns[3 + fields]!.push(k);
    }
  }
  return columns;
}

/** PostgreSQL's usage writer: one statement per flush (a transaction of its own). */
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
  const raiseLastUsed =
    'update access_keys as k set last_used_at = v.at, last_used_ip = v.ip from unnest($1::text[], $2::int8[], $3::text[]) as v(id, at, ip) ' +
    'where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.at)';
  return {
    async writeUsage(batch: UsageBatch) {
      if (batch.rings.length === 0 && batch.minutes.length === 0) return;
      const values = [...ringColumns(batch), ...columnsOf<CounterDelta>(batch.minutes, COUNTER_COLUMN_TYPES.length)];
      await track(pool.query(WRITE_USAGE, values));
    },
    async touchLastUsed(entries) {
      if (entries.length === 0) return;
      // Sorted by key, so concurrent writers (several processes) lock rows in the same order.
      const sorted = [...entries].sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0));
      await track(pool.query(raiseLastUsed, [sorted.map((e) => e.accessKeyId), sorted.map((e) => e.at), sorted.map((e) => e.ip)]));
    },
    async rollUpMinutes(lastStart: number, after: MinuteRowKey | null, limit: number) {
      const result = await pool.query<{ rows: number; access_key_id: string | null; start: number | null; code: string | null }>(
        after === null ? ROLL_UP_FIRST : ROLL_UP_AFTER,
        after === null ? [lastStart, limit] : [lastStart, limit, ...after],
      );
      const row = result.rows[0]!;
      return { rows: row.rows, last: row.access_key_id === null ? null : [row.access_key_id, Number(row.start), row.code as string] };
    },
    /** Waits for the writes already handed over (closing the pool under them would lose them). */
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
