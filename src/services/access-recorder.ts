import type { Logger } from 'pino';
import { byKeyId, byWeight, KeyRanges } from '../core/key-ranges.js';
import type { AccessRecord } from '../core/model.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import type { CounterDelta, RingBatch } from '../store/dialects/dialect.js';
import type { Store } from '../store/store.js';
import type { AccessLogStream } from './access-log.js';
import { LastUsedBuffer, type LastUse, type LastUses, type UseSlot } from './last-used-buffer.js';
import { minuteDeltas, recordsOf, UsageBuffer, type KeyUsage, type TakenUsage } from './usage-buffer.js';

/**
 * Counter cells (key × code × minute) held in memory at most: an attempt that would open one more
 * is not counted (and the loss is logged), which only happens while writes cannot keep up (the
 * database away or stalled). About 150 bytes a cell with its key's entry: ~60 MB.
 */
export const MAX_BUFFERED = 400_000;
/** Detailed records held at most (the attempts past it are counted, not kept in detail): ~150 MB of record log (outside V8's heap) at ~150 bytes a record. */
export const MAX_BUFFERED_RECORDS = 1_000_000;
/**
 * A write starts at once, whatever the interval, when this many detailed records or this many
 * counter cells wait: half of what may be held, so what arrives while it is written still fits.
 * Under load from many keys this is what paces the writes, and the larger it is the more attempts
 * per key a write carries (its cost is mostly per key).
 */
export const EARLY_WRITE_RECORDS = 500_000;
export const EARLY_WRITE_CELLS = 200_000;
/** Keys per usage write (one transaction each): see writeUsage. */
export const KEYS_PER_WRITE = 2_000;
/**
 * Detailed records per usage write at most (besides KEYS_PER_WRITE): a few keys asked many times
 * a second each bring up to their ring size per write, and 1,000 such keys in one chunk (100,000
 * records) held the event loop 112 ms (SQLite) to 334 ms (PostgreSQL) while the write was built.
 */
export const RECORDS_PER_WRITE = 5_000;
/** A key in steady use has its last-used time written at most this often (see LastUsedBuffer). */
export const LAST_USED_INTERVAL_MS = 60_000;
/**
 * Usage writes take about this share of the time at most: after a write that took d ms, the next
 * starts (1 / WRITE_SHARE − 1) × d ms later, never sooner than the flush interval and never later
 * than the maximum delay. Few keys in use: writes are quick and go every flush interval. Many keys,
 * each asked a few times a second: the interval stretches, so each write carries several attempts
 * per key and costs per key, not per attempt.
 */
export const WRITE_SHARE = 0.1;
/** How long a tenant's ring size (policy accessRecordsPerKey) is taken as known. */
const RING_SIZE_TTL_MS = 60_000;

/**
 * Usage data, written off the hot path: verification only adds to memory (its key's counter cell
 * and pending ring, its last use, a line for the access log); a timer writes batches. Within a
 * write every attempt is counted but only the latest N per key and outcome are written in detail,
 * and the interval between writes stretches with their cost (WRITE_SHARE), so writing costs in
 * proportion to the keys in use, not to the traffic. `close()` writes what is left (the server
 * calls it on SIGTERM). If the database is down, what was not written waits in memory (up to
 * MAX_BUFFERED counter cells and MAX_BUFFERED_RECORDS records) and is retried.
 */
export class AccessRecorder {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly accessLog: AccessLogStream | null;
  private readonly now: () => number;
  private readonly flushMs: number;
  private readonly maxDelayMs: number;
  private readonly usage = new UsageBuffer();
  private readonly lastUsed = new LastUsedBuffer({ intervalMs: LAST_USED_INTERVAL_MS });
  private readonly ringSizes = new Map<string, { size: number; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The timer's write in progress (null between writes). */
  private ticking: Promise<void> | null = null;
  private writingUsage: Promise<void> | null = null;
  /** Attempts in the write in progress (a failed write puts them back in the buffer). */
  private writingAttempts = 0;
  private readonly keysPerWrite: number;
  private readonly recordsPerWrite: number;
  private readonly earlyWriteRecords: number;
  private readonly earlyWriteCells: number;
  private writingLastUsed: Promise<void> | null = null;
  private dropped = 0;
  /** The current wait between timed writes (ms). */
  private intervalMs: number;

  constructor(options: {
    store: Store;
    logger: Logger;
    flushMs: number;
    /** The longest wait between writes however costly they get (default 30 s, never below flushMs). */
    maxDelayMs?: number;
    accessLog?: AccessLogStream | null;
    now?: () => number;
    keysPerWrite?: number;
    recordsPerWrite?: number;
    /** EARLY_WRITE_RECORDS and EARLY_WRITE_CELLS unless given. */
    earlyWrite?: { records: number; cells: number };
  }) {
    this.store = options.store;
    this.keysPerWrite = options.keysPerWrite ?? KEYS_PER_WRITE;
    this.recordsPerWrite = options.recordsPerWrite ?? RECORDS_PER_WRITE;
    this.earlyWriteRecords = options.earlyWrite?.records ?? EARLY_WRITE_RECORDS;
    this.earlyWriteCells = options.earlyWrite?.cells ?? EARLY_WRITE_CELLS;
    this.logger = options.logger;
    this.accessLog = options.accessLog ?? null;
    this.now = options.now ?? Date.now;
    this.flushMs = options.flushMs;
    this.maxDelayMs = Math.max(options.flushMs, options.maxDelayMs ?? 30_000);
    this.intervalMs = options.flushMs;
    this.schedule(this.intervalMs);
  }

  /**
   * One verification attempt that named an existing key. `used`: it authenticated (last-used
   * time and address). `stored`: it may be kept in detail; false counts it (and logs it to the
   * access log) only, as for throttled guesses. `slot`: the key's cache entry, where its pending
   * last-used time is found again without a lookup (see UseSlot).
   */
  record(record: AccessRecord, used: boolean, stored = true, slot?: UseSlot): void {
    this.accessLog?.write(record, stored);
    if (!this.usage.add(record, stored, MAX_BUFFERED, MAX_BUFFERED_RECORDS)) {
      this.dropped++;
      return;
    }
    if (used) this.lastUsed.note(record.accessKeyId, record.at.getTime(), record.sourceIp, slot);
    if ((this.usage.records >= this.earlyWriteRecords || this.usage.cells >= this.earlyWriteCells) && this.timer !== null) {
      // Memory is the bound now: write without waiting for the interval.
      clearTimeout(this.timer);
      this.timer = null;
      this.tick();
    }
  }

  /** A success that is not counted (a verifier's own check): only the key's last-used time and address. */
  markUsed(accessKeyId: string, at: number, sourceIp: string | null, slot?: UseSlot): void {
    this.lastUsed.note(accessKeyId, at, sourceIp, slot);
  }

  /** Attempts counted and not yet written (those of a write in progress included). */
  get pending(): number {
    return this.usage.attempts + this.writingAttempts;
  }

  /** The current wait between timed writes (ms): the flush interval, stretched while writes are costly. */
  get writeIntervalMs(): number {
    return this.intervalMs;
  }

  /**
   * Writes what is buffered. Usage and last-used times go separately, so a slow batch of one
   * never holds back the other. The timer passes `everything: false`: it skips a stream whose
   * previous write is still running and holds back recently written last-used times. Otherwise
   * a flush waits for writes in flight and then writes everything left.
   */
  async flush(options: { everything: boolean } = { everything: true }): Promise<void> {
    this.accessLog?.flush();
    await Promise.all([this.flushUsage(options.everything), this.flushLastUsed(options.everything)]);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await this.flush();
    await this.accessLog?.close();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick();
    }, delayMs);
    this.timer.unref();
  }

  /** A timed write (the timer is null while it runs); the next waits in proportion to how long this one took (see WRITE_SHARE). */
  private tick(): void {
    const started = performance.now();
    this.ticking = this.flush({ everything: false }).finally(() => {
      this.ticking = null;
      const took = performance.now() - started;
      this.intervalMs = Math.min(this.maxDelayMs, Math.max(this.flushMs, Math.round(took * (1 / WRITE_SHARE - 1))));
      this.schedule(this.intervalMs);
    });
  }

  private flushUsage(everything: boolean): Promise<void> {
    if (this.writingUsage) return everything ? this.writingUsage.then(() => this.flushUsage(true)) : Promise.resolve();
    if (this.usage.attempts === 0) return Promise.resolve();
    this.writingAttempts = this.usage.attempts;
    this.writingUsage = this.writeUsage(this.usage.take()).finally(() => {
      this.writingAttempts = 0;
      this.writingUsage = null;
    });
    return this.writingUsage;
  }

  private flushLastUsed(everything: boolean): Promise<void> {
    if (this.writingLastUsed) return everything ? this.writingLastUsed.then(() => this.flushLastUsed(true)) : Promise.resolve();
    const entries = this.lastUsed.take(everything);
    if (entries.size === 0) return Promise.resolve();
    this.writingLastUsed = this.writeLastUsed(entries).finally(() => {
      this.writingLastUsed = null;
    });
    return this.writingLastUsed;
  }

  /**
   * Writes in chunks of at most KEYS_PER_WRITE keys and about RECORDS_PER_WRITE records, each chunk one transaction (its keys' ring
   * records and counters together), so one statement stays far inside the database's time limit
   * however large the backlog, and the work of building it is spread over turns of the event
   * loop. Each chunk covers one narrow range of key IDs (KeyRanges), so it touches neighbouring
   * pages of the usage tables. A chunk that fails puts itself and every chunk after it back in the buffer.
   */
  private async writeUsage(taken: TakenUsage): Promise<void> {
    const { usages, log } = taken;
    const ranges = await inKeyRangesSpread(usages, keyIdOf, this.keysPerWrite);
    // Each key range is sorted and cut by records just before it is written: done for the whole
    // backlog at once (250,000 keys), that held the event loop 120 ms in a profile under load.
    let next = 0;
    let ready: KeyUsage[][] = [];
    try {
      const sizes = await this.ringSizesOf(new Set(usages.map((u) => u.tenantId)));
      const sizeOf = (usage: KeyUsage) => sizes.get(usage.tenantId) ?? DEFAULT_POLICY.accessRecordsPerKey;
      // The records a key brings (what its rings keep of them), plus one for its counter rows.
      const weight = (usage: KeyUsage) => Math.min(usage.failures, sizeOf(usage)) + Math.min(usage.successes, sizeOf(usage)) + 1;
      for (;;) {
        if (ready.length === 0) {
          if (next === ranges.length) break;
          ready = byWeight(ranges[next]!.sort(byKeyId), weight, this.recordsPerWrite);
          next++;
        }
        const rings: RingBatch[] = [];
        const minutes: CounterDelta[] = [];
        for (const usage of ready[0]!) {
          const size = sizeOf(usage);
          // Each ring's texts are read out of the log here, a chunk at a time, and are garbage once it is written.
          if (usage.failures > 0) rings.push([usage.accessKeyId, 'failure', size, recordsOf(log, usage, 'failure', size)]);
          if (usage.successes > 0) rings.push([usage.accessKeyId, 'success', size, recordsOf(log, usage, 'success', size)]);
          for (const delta of minuteDeltas(usage)) minutes.push(delta);
        }
        await this.store.accessRecords.writeUsage({ rings, minutes });
        ready.shift();
      }
      if (this.dropped > 0) {
        this.logger.warn({ dropped: this.dropped }, 'verification attempts went uncounted while the database was unreachable');
        this.dropped = 0;
      }
    } catch (error) {
      // The unwritten chunks go back in the buffer, so nothing is lost when the database returns.
      this.usage.restore(taken, [...ready.flat(), ...ranges.slice(next).flat()]);
      this.logger.error({ err: error, pending: this.usage.attempts }, 'could not write access records; will retry');
    } finally {
      this.usage.release(taken);
    }
  }

  private async ringSizesOf(tenantIds: Set<string>): Promise<Map<string, number>> {
    const now = this.now();
    const sizes = new Map<string, number>();
    for (const tenantId of tenantIds) {
      let known = this.ringSizes.get(tenantId);
      if (!known || now - known.at >= RING_SIZE_TTL_MS) {
        const tenant = await this.store.tenants.findById(tenantId);
        known = { size: tenant?.policy.accessRecordsPerKey ?? DEFAULT_POLICY.accessRecordsPerKey, at: now };
        this.ringSizes.set(tenantId, known);
      }
      sizes.set(tenantId, known.size);
    }
    return sizes;
  }

  /**
   * In chunks of KEYS_PER_WRITE keys, one statement each: when a hundred thousand keys are first
   * used together, one statement for them all ran past the database's time limit and was retried
   * whole. Each chunk's rows are made just before it is written, so only one chunk's objects wait
   * for the database (made for every key up front, they outlived several young-generation
   * collections, each copying them). A chunk that fails keeps itself and the ones after it.
   */
  private async writeLastUsed(uses: LastUses): Promise<void> {
    // Ranges of the map's own key strings (its entries would be a new pair each).
    const chunks = await inKeyRangesSpread(uses.keys(), (accessKeyId) => accessKeyId, this.keysPerWrite);
    const rows = (chunk: string[]): LastUse[] =>
      chunk.map((accessKeyId) => {
        const use = uses.get(accessKeyId)!;
        return { accessKeyId, at: new Date(use.at), ip: use.ip };
      });
    let written = 0;
    try {
      for (; written < chunks.length; written++) await this.store.accessKeys.touchLastUsed(rows(chunks[written]!.sort(byText)));
    } catch (error) {
      this.lastUsed.restore(chunks.slice(written).flatMap(rows));
      this.logger.error({ err: error }, 'could not write last-used times; will retry');
    }
  }
}

const keyIdOf = (item: { accessKeyId: string }): string => item.accessKeyId;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Items bucketed per turn of the event loop: a write of 100,000 keys bucketed in one turn held it ~11 ms. */
const SPREAD_SLICE = 1_024;

/** KeyRanges over `items` (each keyed by `idOf`), yielding the event loop between slices. */
async function inKeyRangesSpread<T>(items: Iterable<T>, idOf: (item: T) => string, size: number): Promise<T[][]> {
  const ranges = new KeyRanges<T>(idOf);
  let inSlice = 0;
  for (const item of items) {
    ranges.add(item);
    if (++inSlice === SPREAD_SLICE) {
      inSlice = 0;
      await new Promise((next) => setImmediate(next));
    }
  }
  return ranges.chunks(size);
}
