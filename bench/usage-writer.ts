/**
 * The usage writer alone: what writing one verification's usage costs when every attempt is on
 * a different key (the verify bench's case: tokens drawn from 100,000 keys). Writes of K keys,
 * one success each (its ring slot, its ring's cursor, its minute row), through the real
 * AccessRecordsRepo and the dialect's writer (SQLite: the worker thread; PostgreSQL: one
 * statement), after a first pass that gave every key its rows; reports the wall time per attempt.
 *
 *   npm run bench:writer -- [--keys 100000] [--per-write 20000,2000] [--rounds 3] [--postgres]
 * PostgreSQL writes go in chunks of at most 2,000 keys, as the recorder sends them.
 */
import { parseArgs } from 'node:util';
import type { AccessRecord } from '../src/core/model.js';
import { HOUR_MS, MINUTE_MS } from '../src/core/usage.js';
import { KEYS_PER_WRITE } from '../src/services/access-recorder.js';
import type { RingBatch } from '../src/store/dialects/dialect.js';
import { counterDelta, recordText } from '../src/store/repos/access-records-repo.js';
import { createStore, type Store } from '../src/store/store.js';
import { createBenchDatabase, type DatabaseKind } from './databases.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000' },
    'per-write': { type: 'string', default: '20000,2000' },
    rounds: { type: 'string', default: '3' },
    postgres: { type: 'boolean', default: false },
  },
});
const KEYS = Number(values.keys);
const ROUNDS = Number(values.rounds);

async function run(kind: DatabaseKind, perWrite: number): Promise<{ database: DatabaseKind; keysPerWrite: number; microsPerAttempt: number }> {
  const database = await createBenchDatabase(kind);
  const store: Store = createStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  try {
    await store.migrate();
    const ids = Array.from({ length: KEYS }, (_, i) => `LKBENCH${String(i).padStart(13, '0')}`);
    let at = Date.UTC(2031, 0, 1, 10);
    let n = 0;
    const write = async (from: number): Promise<number> => {
      at += 1_000;
      const rings: RingBatch[] = [];
      const minutes = [];
      for (let i = 0; i < perWrite; i++) {
        const accessKeyId = ids[(from + i) % KEYS]!;
        const record: AccessRecord = {
          id: `ar_bench_${n++}`,
          tenantId: 'bench',
          accessKeyId,
          at: new Date(at),
          outcome: 'success',
          code: null,
          sourceIp: '192.0.2.1',
          userAgent: 'bench/1.0',
          scheme: 'bearer',
          permission: null,
          detail: null,
        };
        rings.push([accessKeyId, 'success', 100, [recordText(record)]]);
        const counts = new Array<number>(60).fill(0);
        counts[Math.floor((at % HOUR_MS) / MINUTE_MS)] = 1;
        minutes.push(counterDelta({ accessKeyId, start: at - (at % HOUR_MS), code: 'OK', counts }));
      }
      const started = performance.now();
      await store.accessRecords.writeUsage({ rings, minutes });
      return performance.now() - started;
    };
    for (let from = 0; from < KEYS; from += perWrite) await write(from);
    let ms = 0;
    for (let r = 0; r < ROUNDS; r++) for (let from = 0; from < KEYS; from += perWrite) ms += await write(from);
    return { database: kind, keysPerWrite: perWrite, microsPerAttempt: +((ms * 1000) / (ROUNDS * KEYS)).toFixed(2) };
  } finally {
    await store.close();
    await database.drop();
  }
}

const results = [];
for (const perWrite of values['per-write'].split(',').map(Number)) {
  results.push(await run('sqlite', perWrite));
  if (values.postgres) results.push(await run('postgres', Math.min(perWrite, KEYS_PER_WRITE)));
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
