import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { AccessRecordRow, UsageWriter } from './dialect.js';

const INSERT_RECORD = 'insert into access_records (id, tenant_id, access_key_id, at, outcome, code, source_ip, user_agent, scheme, permission, detail) values (?,?,?,?,?,?,?,?,?,?,?)';
const RAISE_LAST_USED = 'update access_keys set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)';

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
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const insert = db.prepare(workerData.insertRecord);
const raise = db.prepare(workerData.raiseLastUsed);
const insertAll = db.transaction((rows) => { for (const row of rows) insert.run(row); });
const raiseAll = db.transaction((entries) => { for (const [id, at] of entries) raise.run(at, id, at); });
parentPort.on('message', (message) => {
  if (message.op === 'close') { db.close(); parentPort.close(); return; }
  try {
    if (message.op === 'records') insertAll(JSON.parse(message.rows));
    else raiseAll(JSON.parse(message.entries));
    parentPort.postMessage({ id: message.id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, code: error && error.code, message: String(error && error.message) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  code?: string;
  message?: string;
}

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
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

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
        insertRecord: INSERT_RECORD,
        raiseLastUsed: RAISE_LAST_USED,
      },
    });
    started.unref();
    started.on('message', (reply: Reply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if (reply.ok) waiter.resolve();
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

  // Batches travel as one JSON string: copying a string to the worker is one flat copy, where
  // cloning thousands of small arrays stalled the event loop for milliseconds.
  const send = (message: { op: 'records'; rows: string } | { op: 'lastUsed'; entries: string }) =>
    new Promise<void>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });

  return {
    insertAccessRecords: (rows) => (rows.length === 0 ? Promise.resolve() : send({ op: 'records', rows: JSON.stringify(rows) })),
    touchLastUsed: (entries) => (entries.length === 0 ? Promise.resolve() : send({ op: 'lastUsed', entries: JSON.stringify(entries.map((e) => [e.accessKeyId, e.at])) })),
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

function inThreadWriter(database: BetterSqlite3.Database): UsageWriter & { close(): Promise<void> } {
  const insert = database.prepare(INSERT_RECORD);
  const raise = database.prepare(RAISE_LAST_USED);
  const insertAll = database.transaction((rows: AccessRecordRow[]) => {
    for (const row of rows) insert.run(row);
  });
  const raiseAll = database.transaction((entries: { accessKeyId: string; at: number }[]) => {
    for (const e of entries) raise.run(e.at, e.accessKeyId, e.at);
  });
  return {
    insertAccessRecords: async (rows) => void insertAll(rows),
    touchLastUsed: async (entries) => void raiseAll(entries),
    close: async () => {},
  };
}
