import type { Logger } from 'pino';
import type { AccessRecord } from '../core/model.js';
import { DEFAULT_POLICY, MAX_RECORDS_PER_KEY } from '../core/policy.js';
import { CounterBuffer, codeOf, type CounterRow } from '../core/usage.js';
import type { RingWrite } from '../store/repos/access-records-repo.js';
import type { Store } from '../store/store.js';
import type { AccessLogStream } from './access-log.js';
import { LastUsedBuffer, type LastUse } from './last-used-buffer.js';

/** Detailed records, and counter cells (key × code × minute), held in memory at most while the database is away. */
export const MAX_BUFFERED = 200_000;
/** Keys per usage write (one transaction each): see writeUsage. */
export const KEYS_PER_WRITE = 2_000;
/** A key in steady use has its last-used time written at most this often (see LastUsedBuffer). */
export const LAST_USED_INTERVAL_MS = 60_000;
/** How long a tenant's ring size (policy accessRecordsPerKey) is taken as known. */
const RING_SIZE_TTL_MS = 60_000;

interface PendingRing {
  tenantId: string;
  accessKeyId: string;
  outcome: 'success' | 'failure';
  /** Oldest first; trimmed to the largest ring any tenant may have. */
  records: AccessRecord[];
}

/**
 * Each key's latest attempts per outcome, waiting to be written. Only the latest of a flush can
 * end up in a ring, so a key flooded with attempts holds at most MAX_RECORDS_PER_KEY (×2 before
 * a trim) of them, whatever its traffic.
 */
class PendingRings {
  private rings = new Map<string, PendingRing>();
  total = 0;

  add(record: AccessRecord): void {
    const id = `${record.accessKeyId}\n${record.outcome}`;
    let ring = this.rings.get(id);
    if (!ring) {
      ring = { tenantId: record.tenantId, accessKeyId: record.accessKeyId, outcome: record.outcome, records: [] };
      this.rings.set(id, ring);
    }
    ring.records.push(record);
    this.total++;
    if (ring.records.length >= 2 * MAX_RECORDS_PER_KEY) this.trim(ring, MAX_RECORDS_PER_KEY);
  }

  take(): PendingRing[] {
    const taken = [...this.rings.values()];
    this.rings = new Map();
    this.total = 0;
    return taken;
  }

  /** A failed write's rings, back in front of what arrived since. */
  restore(rings: PendingRing[]): void {
    for (const old of rings) {
      const id = `${old.accessKeyId}\n${old.outcome}`;
      const newer = this.rings.get(id);
      const ring = newer ? { ...old, records: old.records.concat(newer.records) } : old;
      this.total += old.records.length;
      this.rings.set(id, ring);
      this.trim(ring, MAX_RECORDS_PER_KEY);
    }
  }

  private trim(ring: PendingRing, keep: number): void {
    const excess = ring.records.length - keep;
    if (excess <= 0) return;
    ring.records.splice(0, excess);
    this.total -= excess;
  }
}

/**
 * Usage data, written off the hot path: verification only adds to memory (a counter cell, the
 * key's pending ring, its last use, a line for the access log); a timer writes batches. Within a
 * flush every attempt is counted but only the latest N per key and outcome are written in
 * detail, so a write costs in proportion to the keys in use, not to the traffic. `close()`
 * writes what is left (the server calls it on SIGTERM). If the database is down, what was not
 * written waits in memory (up to MAX_BUFFERED records and counter cells) and is retried.
 */
export class AccessRecorder {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly accessLog: AccessLogStream | null;
  private readonly now: () => number;
  private rings = new PendingRings();
  private counters = new CounterBuffer();
  /** Attempts counted in memory and not yet written. */
  private attempts = 0;
  private readonly lastUsed = new LastUsedBuffer({ intervalMs: LAST_USED_INTERVAL_MS });
  private readonly ringSizes = new Map<string, { size: number; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private writingUsage: Promise<void> | null = null;
  private readonly keysPerWrite: number;
  private writingLastUsed: Promise<void> | null = null;
  private dropped = 0;

  constructor(options: { store: Store; logger: Logger; flushMs: number; accessLog?: AccessLogStream | null; now?: () => number; keysPerWrite?: number }) {
    this.store = options.store;
    this.keysPerWrite = options.keysPerWrite ?? KEYS_PER_WRITE;
    this.logger = options.logger;
    this.accessLog = options.accessLog ?? null;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush({ everything: false }), options.flushMs);
    this.timer.unref();
  }

  /**
   * One verification attempt that named an existing key. `used`: it authenticated (last-used
   * time and address). `stored`: it may be kept in detail; false counts it (and logs it to the
   * access log) only, as for throttled guesses.
   */
  record(record: AccessRecord, used: boolean, stored = true): void {
    this.accessLog?.write(record, stored);
    if (!this.counters.add(record.accessKeyId, codeOf(record.outcome, record.code), record.at.getTime(), 1, MAX_BUFFERED)) {
      this.dropped++;
      return;
    }
    this.attempts++;
    if (stored && this.rings.total < MAX_BUFFERED) this.rings.add(record);
    if (used) this.lastUsed.note(record.accessKeyId, record.at.getTime(), record.sourceIp);
  }

  /** A success that is not counted (a verifier's own check): only the key's last-used time and address. */
  markUsed(accessKeyId: string, at: number, sourceIp: string | null): void {
    this.lastUsed.note(accessKeyId, at, sourceIp);
  }

  /** Attempts counted and not yet written. */
  get pending(): number {
    return this.attempts;
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    await this.accessLog?.close();
  }

  private flushUsage(everything: boolean): Promise<void> {
    if (this.writingUsage) return everything ? this.writingUsage.then(() => this.flushUsage(true)) : Promise.resolve();
    if (this.attempts === 0) return Promise.resolve();
    const rings = this.rings.take();
    const counters = this.counters.take();
    this.attempts = 0;
    this.writingUsage = this.writeUsage(rings, counters).finally(() => {
      this.writingUsage = null;
    });
    return this.writingUsage;
  }

  private flushLastUsed(everything: boolean): Promise<void> {
    if (this.writingLastUsed) return everything ? this.writingLastUsed.then(() => this.flushLastUsed(true)) : Promise.resolve();
    const entries = this.lastUsed.take(everything);
    if (entries.length === 0) return Promise.resolve();
    this.writingLastUsed = this.writeLastUsed(entries).finally(() => {
      this.writingLastUsed = null;
    });
    return this.writingLastUsed;
  }

  /**
   * Writes a flush in chunks of at most KEYS_PER_WRITE keys, each chunk one transaction (its
   * keys' ring records and counters together), so one statement stays far inside the database's
   * time limit however large the backlog, and the work of building it is spread over turns of
   * the event loop. A chunk that fails puts itself and every chunk after it back in the buffer.
   */
  private async writeUsage(rings: PendingRing[], counters: CounterBuffer): Promise<void> {
    const byKey = (a: { accessKeyId: string }, b: { accessKeyId: string }) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0);
    const sortedRings = [...rings].sort((a, b) => byKey(a, b) || (a.outcome < b.outcome ? -1 : a.outcome > b.outcome ? 1 : 0));
    const { minutes, hours } = counters.rows();
    const chunks = chunkByKey(sortedRings, minutes, hours, this.keysPerWrite);
    let written = 0;
    try {
      const sizes = await this.ringSizesOf(new Set(rings.map((r) => r.tenantId)));
      for (const chunk of chunks) {
        const writes: RingWrite[] = chunk.rings.map((r) => ({
          accessKeyId: r.accessKeyId,
          outcome: r.outcome,
          size: sizes.get(r.tenantId) ?? DEFAULT_POLICY.accessRecordsPerKey,
          records: r.records,
        }));
        await this.store.accessRecords.writeUsage({ rings: writes, minutes: chunk.minutes, hours: chunk.hours });
        written++;
      }
      if (this.dropped > 0) {
        this.logger.warn({ dropped: this.dropped }, 'verification attempts went uncounted while the database was unreachable');
        this.dropped = 0;
      }
    } catch (error) {
      // The unwritten chunks go back in the buffer, so nothing is lost when the database returns.
      const unwritten = chunks.slice(written);
      this.rings.restore(unwritten.flatMap((c) => c.rings));
      let restored = 0;
      for (const chunk of unwritten) for (const row of chunk.minutes) restored += this.counters.restoreMinuteRow(row);
      // Every attempt counted is in exactly one minute row.
      this.attempts += restored;
      this.logger.error({ err: error, pending: this.attempts }, 'could not write access records; will retry');
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
   * whole. A chunk that fails keeps itself and the ones after it.
   */
  private async writeLastUsed(entries: LastUse[]): Promise<void> {
    let written = 0;
    try {
      while (written < entries.length) {
        await this.store.accessKeys.touchLastUsed(entries.slice(written, written + this.keysPerWrite));
        written = Math.min(entries.length, written + this.keysPerWrite);
      }
    } catch (error) {
      this.lastUsed.restore(entries.slice(written));
      this.logger.error({ err: error }, 'could not write last-used times; will retry');
    }
  }
}

interface UsageChunk {
  rings: PendingRing[];
  minutes: CounterRow[];
  hours: CounterRow[];
}

/** Splits key-sorted rings and counter rows into chunks of at most `keys` distinct keys, a key's rows never split. */
function chunkByKey(rings: PendingRing[], minutes: CounterRow[], hours: CounterRow[], keys: number): UsageChunk[] {
  const ids = [...new Set([...rings.map((r) => r.accessKeyId), ...minutes.map((r) => r.accessKeyId), ...hours.map((r) => r.accessKeyId)])].sort();
  const chunks: UsageChunk[] = [];
  const cursor = { rings: 0, minutes: 0, hours: 0 };
  for (let i = 0; i < ids.length; i += keys) {
    const last = ids[Math.min(ids.length, i + keys) - 1]!;
    const upTo = <T extends { accessKeyId: string }>(rows: T[], from: number): number => {
      let end = from;
      while (end < rows.length && rows[end]!.accessKeyId <= last) end++;
      return end;
    };
    const r = upTo(rings, cursor.rings);
    const m = upTo(minutes, cursor.minutes);
    const h = upTo(hours, cursor.hours);
    chunks.push({ rings: rings.slice(cursor.rings, r), minutes: minutes.slice(cursor.minutes, m), hours: hours.slice(cursor.hours, h) });
    Object.assign(cursor, { rings: r, minutes: m, hours: h });
  }
  return chunks;
}
