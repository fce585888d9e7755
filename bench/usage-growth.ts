/**
 * How much the database grows with verification traffic: pushes attempts through the real
 * AccessRecorder into a real SQLite file (and PostgreSQL with --postgres <url>), spread over
 * simulated time, flushing as the server would, and reports the growth and the steady-state
 * bytes per key (its rings, 24 h of minute rows and the retention period of hour rows, weighed
 * after rolling every minute row up at the end, as maintenance does after a day).
 *
 *   npm run bench:usage -- [--attempts 10000000] [--keys 1000] [--rate 1000] [--flush-ms 500]
 *                          [--failure-rate 0.02] [--postgres postgres://… [--skip-sqlite]]
 * A PostgreSQL database given here should be empty: the bench migrates it and adds its keys.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { AccessRecord } from '../src/core/model.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { timeOrderedIdSource } from '../src/crypto/random.js';
import { createLogger } from '../src/logger.js';
import { AccessRecorder } from '../src/services/access-recorder.js';
import { createStore, SQLITE_FILE, type Store } from '../src/store/store.js';
import { seedKeys } from './seed.js';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '10000000' },
    keys: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    'flush-ms': { type: 'string', default: '500' },
    'failure-rate': { type: 'string', default: '0.02' },
    postgres: { type: 'string' },
    'skip-sqlite': { type: 'boolean', default: false },
  },
});
const ATTEMPTS = Number(values.attempts);
const KEYS = Number(values.keys);
const RATE = Number(values.rate);
const FLUSH_MS = Number(values['flush-ms']);
const FAILURE_RATE = Number(values['failure-rate']);
const FAILURE_CODES = ['SECRET_MISMATCH', 'KEY_DISABLED'];
const MB = 1024 * 1024;

interface Sizes {
  total: number;
  tables: Record<string, { bytes: number; rows: number }>;
}

async function sqliteSizes(store: Store, file: string): Promise<Sizes> {
  await sql`pragma wal_checkpoint(truncate)`.execute(store.db);
  const total = (await stat(file)).size;
  const tables: Sizes['tables'] = {};
  for (const name of ['access_records', 'access_record_cursors', 'usage_minutes', 'usage_hours']) {
    const bytes = await sql<{ bytes: number }>`select sum(pgsize) as bytes from dbstat where name = ${name}`.execute(store.db);
    const rows = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(store.db);
    tables[name] = { bytes: Number(bytes.rows[0]?.bytes ?? 0), rows: Number(rows.rows[0]?.n ?? 0) };
  }
  return { total, tables };
}

async function postgresSizes(store: Store): Promise<Sizes> {
  await sql`vacuum`.execute(store.db);
  const total = Number((await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(store.db)).rows[0]!.n);
  const tables: Sizes['tables'] = {};
  for (const name of ['access_records', 'access_record_cursors', 'usage_minutes', 'usage_hours']) {
    const bytes = await sql<{ n: string }>`select pg_total_relation_size(${name}) as n`.execute(store.db);
    const rows = await sql<{ n: string }>`select count(*) as n from ${sql.table(name)}`.execute(store.db);
    tables[name] = { bytes: Number(bytes.rows[0]!.n), rows: Number(rows.rows[0]!.n) };
  }
  return { total, tables };
}

async function run(kind: 'sqlite' | 'postgres', databaseUrl: string | null): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-usage-bench-'));
  const store = createStore({ databaseUrl, dataDir });
  try {
    await store.migrate();
    await seedKeys(store, Buffer.alloc(32, 7), { keys: KEYS, tenants: 1, keysPerUser: KEYS });
    const keys = await store.db.selectFrom('accessKeys').select(['id', 'tenantId']).execute();
    const sizes = () => (kind === 'sqlite' ? sqliteSizes(store, join(dataDir, SQLITE_FILE)) : postgresSizes(store));
    const before = await sizes();

    const recorder = new AccessRecorder({ store, logger: createLogger('warn'), flushMs: 3_600_000 });
    const nextId = timeOrderedIdSource('accessRecord');
    const start = Date.UTC(2031, 0, 1);
    const perFlush = Math.max(1, Math.round((RATE * FLUSH_MS) / 1000));
    const started = performance.now();
    // Process CPU (every thread, the SQLite writer's worker included): what usage data costs the server per attempt.
    const cpuBefore = process.cpuUsage();
    let flushMs = 0;
    // A cheap deterministic spread over keys and outcomes (xorshift), so runs compare.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    for (let i = 0; i < ATTEMPTS; i++) {
      const at = start + Math.floor((i * 1000) / RATE);
      const key = keys[Math.floor(random() * keys.length)]!;
      const failed = random() < FAILURE_RATE;
      const record: AccessRecord = {
        id: nextId(at),
        tenantId: key.tenantId,
        accessKeyId: key.id,
        at: new Date(at),
        outcome: failed ? 'failure' : 'success',
        code: failed ? FAILURE_CODES[i % FAILURE_CODES.length]! : null,
        sourceIp: `10.0.${(i >>> 8) & 255}.${i & 255}`,
        userAgent: 'bench-client/1.0 (usage-growth)',
        scheme: 'bearer',
        permission: 'storage:read',
        detail: null,
      };
      recorder.record(record, !failed);
      if ((i + 1) % perFlush === 0) {
        const t = performance.now();
        await recorder.flush();
        flushMs += performance.now() - t;
      }
      if ((i + 1) % 1_000_000 === 0) process.stderr.write(`${kind}: ${(i + 1) / 1_000_000} M attempts, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
    await recorder.close();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await sizes();
    // Writes add to minute rows; maintenance rolls them up into hour rows after a day. The run is
    // shorter than that, so everything is rolled up now, to weigh an hour row too.
    const rolledRows = await store.usage.rollUpMinutesBefore(Number.MAX_SAFE_INTEGER);
    const rolled = await sizes();

    // Steady state per key: full rings, 24 h of minute rows and the retention of hour rows, one row per code in use.
    const per = (name: string) => {
      const t = (name === 'usage_hours' ? rolled : after).tables[name]!;
      return t.rows === 0 ? 0 : t.bytes / t.rows;
    };
    const codes = 1 + FAILURE_CODES.length;
    const ringBytes = per('access_records') * 2 * DEFAULT_POLICY.accessRecordsPerKey + per('access_record_cursors') * 2;
    const minuteBytes = per('usage_minutes') * 24 * codes;
    const hourBytes = per('usage_hours') * DEFAULT_POLICY.accessRecordRetentionDays * codes;
    return {
      database: kind,
      attempts: ATTEMPTS,
      keys: KEYS,
      simulatedHours: +(ATTEMPTS / RATE / 3600).toFixed(2),
      flushes: Math.ceil(ATTEMPTS / perFlush),
      seconds: +seconds.toFixed(1),
      writerSharePercent: +((flushMs / 1000 / seconds) * 100).toFixed(1),
      cpuMicrosPerAttempt: +((cpu.user + cpu.system) / ATTEMPTS).toFixed(2),
      growthMB: +((after.total - before.total) / MB).toFixed(2),
      tables: Object.fromEntries(
        Object.entries(after.tables).map(([name, t]) => [name, { rows: t.rows, MB: +(t.bytes / MB).toFixed(2), bytesPerRow: t.rows ? Math.round(t.bytes / t.rows) : 0 }]),
      ),
      rolledUp: { minuteRows: rolledRows, hourRows: rolled.tables.usage_hours!.rows, hourRowBytes: Math.round(per('usage_hours')) },
      steadyStateBytesPerKey: {
        rings: Math.round(ringBytes),
        minutes24h: Math.round(minuteBytes),
        hours90d: Math.round(hourBytes),
        total: Math.round(ringBytes + minuteBytes + hourBytes),
      },
    };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown>[] = [];
if (!values['skip-sqlite']) results.push(await run('sqlite', null));
if (values.postgres) results.push(await run('postgres', values.postgres));
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
