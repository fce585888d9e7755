import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { MinuteRowKey, UsageBatch, UsageWriter } from './dialect.js';

/** The writer's statements, shared by the worker and the in-thread writer. */
const STATEMENTS = {
  advance:
    'insert into access_record_cursors (access_key_id, outcome, next_seq) values (?, ?, ?) ' +
    'on conflict (access_key_id, outcome) do update set next_seq = next_seq + excluded.next_seq returning next_seq',
  putRecord:
    'insert into access_records (access_key_id, outcome, slot, id, at, code, source_ip, user_agent, scheme, permission, detail) values (?,?,?,?,?,?,?,?,?,?,?) ' +
    'on conflict (access_key_id, outcome, slot) do update set id = excluded.id, at = excluded.at, code = excluded.code, source_ip = excluded.source_ip, ' +
    'user_agent = excluded.user_agent, scheme = excluded.scheme, permission = excluded.permission, detail = excluded.detail',
  addMinutes:
    'insert into usage_minutes (access_key_id, start, code, total, counts) values (?,?,?,?,?) ' +
    'on conflict (access_key_id, start, code) do update set total = total + excluded.total, counts = latchkey_add_counts(counts, excluded.counts)',
  addHours:
    'insert into usage_hours (access_key_id, start, code, total, counts) values (?,?,?,?,?) ' +
    'on conflict (access_key_id, start, code) do update set total = total + excluded.total, counts = latchkey_add_counts(counts, excluded.counts)',
  raiseLastUsed: 'update access_keys set last_used_at = ?, last_used_ip = ? where id = ? and (last_used_at is null or last_used_at < ?)',
  agedFirst: 'select access_key_id, start, code, total from usage_minutes where start <= ? order by access_key_id, start, code limit ?',
  agedAfter: 'select access_key_id, start, code, total from usage_minutes where (access_key_id, start, code) > (?, ?, ?) and start <= ? order by access_key_id, start, code limit ?',
  dropMinute: 'delete from usage_minutes where access_key_id = ? and start = ? and code = ?',
};

/**
 * A counter row's counts plus a delta's, both the JSON text of an array of non-negative integers
 * of the same length (a minute row's 60 slots): the slots the delta has at 0 are copied as they
 * stand, so adding a write's few attempts costs one scan of the two texts instead of two JSON
 * parses and a JSON stringify (~2 µs of the writer's ~14 µs an attempt, `npm run bench:writer`).
 * Anything else (lengths that differ, a slot that is not plain digits) is added the long way, as
 * before: parsed, added and stringified. Its source runs in the worker (see WRITER_SOURCE), so it is one
 * self-contained function.
 */
export function addCountsText(stored: string, added: string): string {
  const storedEnd = stored.length - 1;
  const addedEnd = added.length - 1;
  let out = '';
  let copied = 0;
  let s = 1;
  let a = 1;
  const arrays = stored.charCodeAt(0) === 91 && added.charCodeAt(0) === 91 && stored.charCodeAt(storedEnd) === 93 && added.charCodeAt(addedEnd) === 93;
  slots: while (arrays) {
    // Each slot runs to the next comma and must be plain digits without a leading zero.
    let se = s;
    for (let c = stored.charCodeAt(se); se < storedEnd && c !== 44; c = stored.charCodeAt(++se)) if (c < 48 || c > 57) break slots;
    let ae = a;
    for (let c = added.charCodeAt(ae); ae < addedEnd && c !== 44; c = added.charCodeAt(++ae)) if (c < 48 || c > 57) break slots;
    // An empty slot ("[]", "[1,,2]"), a leading zero or arrays of different lengths: the long way.
    if (se === s || ae === a || (se === storedEnd) !== (ae === addedEnd)) break;
    if ((se > s + 1 && stored.charCodeAt(s) === 48) || (ae > a + 1 && added.charCodeAt(a) === 48)) break;
    if (ae !== a + 1 || added.charCodeAt(a) !== 48) {
      const sum = Number(stored.slice(s, se)) + Number(added.slice(a, ae));
      if (!Number.isSafeInteger(sum)) break;
      out += stored.slice(copied, s) + sum;
      copied = se;
    }
    if (se === storedEnd) return copied === 0 ? stored : out + stored.slice(copied);
    s = se + 1;
    a = ae + 1;
  }
  const sum = JSON.parse(stored) as number[];
  const delta = JSON.parse(added) as number[];
  for (let i = 0; i < delta.length; i++) sum[i] = (sum[i] || 0) + (delta[i] as number);
  return JSON.stringify(sum);
}

/**
 * The writing itself, as JavaScript source: the worker runs it (see WORKER_SOURCE) and so does
 * the in-thread writer of an in-memory database. A ring write advances the ring's cursor by the
 * records it brings and puts each in slot (sequence mod ring size), overwriting the oldest; a
 * counter row is added to in one upsert, its counts summed slot by slot by a function of this
 * connection's own (addCountsText). A roll-up adds aged minute rows' totals to their hours' slots and deletes
 * them, in one transaction.
 */
const WRITER_SOURCE = `
function usageWriter(db, statements) {
  db.function('latchkey_add_counts', { deterministic: true }, ${addCountsText.toString()});
  const s = {};
  for (const name of Object.keys(statements)) s[name] = db.prepare(statements[name]);
  const addCounts = (add, rows) => { for (const row of rows) add.run(row); };
  const writeUsage = db.transaction((batch) => {
    for (const [accessKeyId, outcome, size, records] of batch.rings) {
      const n = records.length;
      if (n === 0) continue;
      const end = Number(s.advance.get(accessKeyId, outcome, n).next_seq);
      for (let k = 0; k < n; k++) {
        const r = records[k];
        s.putRecord.run(accessKeyId, outcome, (end - (n - k)) % size, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
      }
    }
    addCounts(s.addMinutes, batch.minutes);
  });
  const raiseAll = db.transaction((entries) => { for (const [id, at, ip] of entries) s.raiseLastUsed.run(at, ip, id, at); });
  const DAY = 86400000, HOUR = 3600000;
  const rollUp = db.transaction((lastStart, after, limit) => {
    const rows = after === null ? s.agedFirst.all(lastStart, limit) : s.agedAfter.all(after[0], after[1], after[2], lastStart, limit);
    const days = new Map();
    for (const row of rows) {
      const start = Number(row.start), total = Number(row.total);
      s.dropMinute.run(row.access_key_id, row.start, row.code);
      if (total === 0) continue;
      const day = start - (start % DAY);
      const id = row.access_key_id + '\\n' + day + '\\n' + row.code;
      let cell = days.get(id);
      if (!cell) { cell = [row.access_key_id, day, row.code, 0, new Array(24).fill(0)]; days.set(id, cell); }
      cell[3] += total;
      cell[4][Math.floor((start - day) / HOUR)] += total;
    }
    for (const cell of days.values()) s.addHours.run(cell[0], cell[1], cell[2], cell[3], JSON.stringify(cell[4]));
    const end = rows[rows.length - 1];
    return { rows: rows.length, last: end ? [end.access_key_id, Number(end.start), end.code] : null };
  });
  return {
    writeUsage: (batch) => writeUsage.immediate(batch),
    touchLastUsed: (entries) => raiseAll.immediate(entries),
    rollUpMinutes: (lastStart, after, limit) => rollUp.immediate(lastStart, after, limit),
  };
}
`;

/**
 * The worker's whole program. It is plain JavaScript handed to the Worker as source (eval), so it
 * runs the same from the compiled server and from the TypeScript test runner, and it finds the
 * driver by the absolute path the parent resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -65536');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
${WRITER_SOURCE}
const writer = usageWriter(db, workerData.statements);
parentPort.on('message', (message) => {
  if (message.op === 'close') { db.close(); parentPort.close(); return; }
  try {
    let result = null;
    if (message.op === 'usage') writer.writeUsage(JSON.parse(message.batch));
    else if (message.op === 'rollUp') result = writer.rollUpMinutes(message.lastStart, message.after, message.limit);
    else writer.touchLastUsed(JSON.parse(message.entries));
    parentPort.postMessage({ id: message.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, code: error && error.code, message: String(error && error.message) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  result?: RollUp | null;
  code?: string;
  message?: string;
}

type RollUp = { rows: number; last: MinuteRowKey | null };
type Message = { op: 'usage'; batch: string } | { op: 'lastUsed'; entries: string } | { op: 'rollUp'; lastStart: number; after: MinuteRowKey | null; limit: number };

/** An error from the worker, with the driver's code kept so the dialect can classify it (busy, I/O). */
export class SqliteWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteError';
  }
}

/**
 * SQLite's usage writer: a worker thread with a connection of its own to the same file (WAL lets
 * it write while the main connection reads), so the server's event loop never waits on these
 * writes. The worker is started on first use (one-shot CLI commands never start it) and keeps
 * the process alive only while it has work in hand, so a shutdown still waits for the last batch.
 * An in-memory database has no file to share: there the main connection writes.
 */
export function createSqliteUsageWriter(options: { file: string; database: BetterSqlite3.Database; busyTimeoutMs: number }): UsageWriter & { close(): Promise<void> } {
  if (options.file === ':memory:') return inThreadWriter(options.database);
  let worker: Worker | null = null;
  let exited: Promise<void> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (result: RollUp | null) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    worker = null;
  };

  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driverPath: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: options.file,
        busyTimeoutMs: options.busyTimeoutMs,
        statements: STATEMENTS,
      },
    });
    started.unref();
    started.on('message', (reply: Reply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (reply.ok) waiter.resolve(reply.result ?? null);
      else waiter.reject(new SqliteWorkerError(reply.message ?? 'the SQLite usage writer failed', reply.code));
    });
    started.on('error', (error) => failAll(new SqliteWorkerError(`the SQLite usage writer stopped: ${error.message}`, 'SQLITE_IOERR')));
    exited = new Promise((done) =>
      started.once('exit', () => {
        if (worker === started) failAll(new SqliteWorkerError('the SQLite usage writer exited', 'SQLITE_IOERR'));
        done();
      }),
    );
    return started;
  };

  // Batches travel as one JSON string (batchText).
  const send = (message: Message) =>
    new Promise<RollUp | null>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });

  return {
    writeUsage: async (batch) => {
      if (!isEmpty(batch)) await send({ op: 'usage', batch: batchText(batch) });
    },
    touchLastUsed: async (entries) => {
      if (entries.length > 0) await send({ op: 'lastUsed', entries: JSON.stringify(entries.map((e) => [e.accessKeyId, e.at, e.ip])) });
    },
    rollUpMinutes: async (lastStart, after, limit) => (await send({ op: 'rollUp', lastStart, after, limit })) ?? { rows: 0, last: null },
    async close() {
      const running = worker;
      if (!running) return;
      // Messages are handled in order: everything sent before this is written first.
      worker = null;
      running.ref();
      running.postMessage({ op: 'close' });
      await exited;
    },
  };
}

const isEmpty = (batch: UsageBatch) => batch.rings.length === 0 && batch.minutes.length === 0;

/**
 * A batch as the JSON text the writer parses: the records are JSON text already (RecordText),
 * so they are joined, not serialized again. Batches travel to the worker as one string: copying
 * a string is one flat copy, where cloning thousands of small arrays stalled the event loop for
 * milliseconds.
 */
export function batchText(batch: UsageBatch): string {
  let rings = '';
  for (const [accessKeyId, outcome, size, records] of batch.rings) {
    rings += `${rings === '' ? '' : ','}[${JSON.stringify(accessKeyId)},${JSON.stringify(outcome)},${size},[${records.join(',')}]]`;
  }
  return `{"rings":[${rings}],"minutes":${JSON.stringify(batch.minutes)}}`;
}

interface InThread {
  writeUsage(batch: UsageBatch): void;
  touchLastUsed(entries: [string, number, string | null][]): void;
  rollUpMinutes(lastStart: number, after: MinuteRowKey | null, limit: number): RollUp;
}

/** The same writer on the main connection (an in-memory database has no file a worker could open). */
function inThreadWriter(database: BetterSqlite3.Database): UsageWriter & { close(): Promise<void> } {
  const writer = new Function('db', 'statements', `${WRITER_SOURCE}; return usageWriter(db, statements);`)(database, STATEMENTS) as InThread;
  return {
    writeUsage: async (batch) => void writer.writeUsage(JSON.parse(batchText(batch))),
    touchLastUsed: async (entries) => void writer.touchLastUsed(entries.map((e) => [e.accessKeyId, e.at, e.ip])),
    rollUpMinutes: async (lastStart, after, limit) => writer.rollUpMinutes(lastStart, after, limit),
    close: async () => {},
  };
}
