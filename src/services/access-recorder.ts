import type { Logger } from 'pino';
import type { AccessRecord } from '../core/model.js';
import type { Store } from '../store/store.js';
import { LastUsedBuffer, type LastUse } from './last-used-buffer.js';

export const MAX_BUFFERED = 200_000;
/**
 * Rows per write. Each write is one transaction on the database's bulk writer (off the event
 * loop), so a failure loses nothing: the rows of an unfinished write go back in the buffer.
 */
export const CHUNK = 500;
/** A key in steady use has its last-used time written at most this often (see LastUsedBuffer). */
export const LAST_USED_INTERVAL_MS = 60_000;

class ChunkedWriteError extends Error {
  constructor(
    readonly written: number,
    readonly error: unknown,
  ) {
    super('chunked write failed', { cause: error });
  }
}

/** Writes `items` chunk by chunk; on a failure throws how many were written before it. */
async function writeInChunks<T>(items: T[], write: (chunk: T[]) => Promise<void>): Promise<void> {
  let written = 0;
  try {
    while (written < items.length) {
      await write(items.slice(written, written + CHUNK));
      written = Math.min(items.length, written + CHUNK);
    }
  } catch (error) {
    throw new ChunkedWriteError(written, error);
  }
}

/**
 * Access records and last-used times, written off the hot path: verification only appends to
 * memory; a timer writes batches. `close()` writes what is left (the server calls it on SIGTERM).
 * If the database is down, records wait in memory (up to MAX_BUFFERED) and are retried.
 */
export class AccessRecorder {
  private readonly store: Store;
  private readonly logger: Logger;
  private records: AccessRecord[] = [];
  private readonly lastUsed = new LastUsedBuffer({ intervalMs: LAST_USED_INTERVAL_MS });
  private timer: NodeJS.Timeout | null = null;
  private writingRecords: Promise<void> | null = null;
  private writingLastUsed: Promise<void> | null = null;
  private dropped = 0;

  constructor(options: { store: Store; logger: Logger; flushMs: number }) {
    this.store = options.store;
    this.logger = options.logger;
    this.timer = setInterval(() => void this.flush({ everything: false }), options.flushMs);
    this.timer.unref();
  }

  /** `stored` false: a throttled attempt, counted but not kept as a detailed record. */
  record(record: AccessRecord, used: boolean, stored = true): void {
    if (used) this.lastUsed.note(record.accessKeyId, record.at.getTime());
    if (!stored) return;
    if (this.records.length >= MAX_BUFFERED) {
      // Drop the oldest in one go (not one shift per record, which copies the whole buffer each time).
      const excess = this.records.length - MAX_BUFFERED + Math.ceil(MAX_BUFFERED / 100);
      this.records.splice(0, excess);
      this.dropped += excess;
    }
    this.records.push(record);
  }

  get pending(): number {
    return this.records.length;
  }

  /**
   * Writes what is buffered. Records and last-used times go separately, so a slow batch of one
   * never holds back the other. The timer passes `everything: false`: it skips a stream whose
   * previous write is still running and holds back recently written last-used times. Otherwise
   * a flush waits for writes in flight and then writes everything left.
   */
  async flush(options: { everything: boolean } = { everything: true }): Promise<void> {
    await Promise.all([this.flushRecords(options.everything), this.flushLastUsed(options.everything)]);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private flushRecords(everything: boolean): Promise<void> {
    if (this.writingRecords) return everything ? this.writingRecords.then(() => this.flushRecords(true)) : Promise.resolve();
    if (this.records.length === 0) return Promise.resolve();
    const records = this.records;
    this.records = [];
    this.writingRecords = this.writeRecords(records).finally(() => {
      this.writingRecords = null;
    });
    return this.writingRecords;
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

  private async writeRecords(records: AccessRecord[]): Promise<void> {
    try {
      await writeInChunks(records, (chunk) => this.store.accessRecords.insertMany(chunk));
      if (this.dropped > 0) {
        this.logger.warn({ dropped: this.dropped }, 'access records were dropped while the database was unreachable');
        this.dropped = 0;
      }
    } catch (failure) {
      const { written, error } = failure as ChunkedWriteError;
      // Put the unwritten ones back in front, so nothing is lost when the database returns.
      this.records = records.slice(written).concat(this.records);
      if (this.records.length > MAX_BUFFERED) {
        this.dropped += this.records.length - MAX_BUFFERED;
        this.records = this.records.slice(-MAX_BUFFERED);
      }
      this.logger.error({ err: error, pending: this.records.length }, 'could not write access records; will retry');
    }
  }

  private async writeLastUsed(entries: LastUse[]): Promise<void> {
    try {
      await writeInChunks(entries, (chunk) => this.store.accessKeys.touchLastUsed(chunk));
    } catch (failure) {
      const { written, error } = failure as ChunkedWriteError;
      this.lastUsed.restore(entries.slice(written));
      this.logger.error({ err: error }, 'could not write last-used times; will retry');
    }
  }
}
