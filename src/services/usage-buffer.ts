import type { AccessRecord } from '../core/model.js';
import { MAX_RECORDS_PER_KEY } from '../core/policy.js';
import { codeOf, countMinute, HOUR_MS, MINUTE_MS, type CounterRow } from '../core/usage.js';
import type { CounterDelta, RecordText } from '../store/dialects/dialect.js';
import { counterDelta, recordText } from '../store/repos/access-records-repo.js';
import { NO_ENTRY, RecordLog, SegmentPool, type LogPosition } from './record-log.js';

/**
 * One key's usage since its last write: its latest attempts per outcome, as chains in the
 * buffer's RecordLog (the position of the latest entry and how many the chain holds; only the
 * latest MAX_RECORDS_PER_KEY can reach a ring and only those are read), and its attempt counts
 * per (outcome code, minute). A key rarely has more than one such cell between writes, so the
 * first is held in the entry's own fields and any further ones as flat triples [code, minute, n,
 * …] in `more`. Every object kept here waits for the write in the young generation, where the
 * collector copies it: the record texts wait outside the heap for that reason.
 */
export interface KeyUsage {
  readonly accessKeyId: string;
  readonly tenantId: string;
  /** The latest success's position in the log (NO_ENTRY: none) and the successes chained before it, itself included. */
  lastSuccess: LogPosition;
  successes: number;
  lastFailure: LogPosition;
  failures: number;
  /** The first cell: its code, its minute (epoch minutes) and its attempts. */
  code: string;
  minute: number;
  count: number;
  /** The cells after the first, as flat triples; null while there is one. */
  more: (string | number)[] | null;
  /** Attempts counted in the cells. */
  attempts: number;
}

/** What a write takes from the buffer: the keys' usage and the log their records are in. */
export interface TakenUsage {
  usages: KeyUsage[];
  log: RecordLog;
}

/** A key's latest `max` records of one outcome in `log`, oldest first, as the writer takes them. */
export const recordsOf = (log: RecordLog, usage: KeyUsage, outcome: 'success' | 'failure', max = MAX_RECORDS_PER_KEY): RecordText[] =>
  outcome === 'success' ? log.chain(usage.lastSuccess, Math.min(max, usage.successes)) : log.chain(usage.lastFailure, Math.min(max, usage.failures));

/** A key's cells as flat triples [code, minute, n, …], the first one first. */
export const cellsOf = (usage: KeyUsage): (string | number)[] => (usage.more === null ? [usage.code, usage.minute, usage.count] : [usage.code, usage.minute, usage.count, ...usage.more]);

const cellCount = (usage: KeyUsage): number => (usage.more === null ? 1 : 1 + usage.more.length / 3);

/**
 * Usage waiting to be written, held per key: an attempt costs one map lookup, and a write gets
 * each key's records and counter rows together, already grouped, so building a write costs in
 * proportion to the keys in it, not to the attempts.
 */
export class UsageBuffer {
  private keys = new Map<string, KeyUsage>();
  private readonly pool = new SegmentPool();
  private log = new RecordLog(this.pool);
  /** Attempts counted and counter cells open. */
  attempts = 0;
  cells = 0;

  /** Detailed records held: the log's entries (a key's beyond its ring's reach included, until the write). */
  get records(): number {
    return this.log.entries;
  }

  /**
   * Counts `record` (and keeps it in detail when `stored`). Returns false, counting nothing, when
   * that would open a counter cell past `maxCells`; a detailed record past `maxRecords` is counted only.
   */
  add(record: AccessRecord, stored: boolean, maxCells: number, maxRecords: number): boolean {
    let usage = this.keys.get(record.accessKeyId);
    const code = codeOf(record.outcome, record.code);
    const minute = Math.floor(record.at.getTime() / MINUTE_MS);
    if (usage !== undefined) {
      if (usage.code === code && usage.minute === minute) usage.count++;
      else {
        const more = usage.more;
        let i = 0;
        if (more !== null) while (i < more.length && (more[i] !== code || more[i + 1] !== minute)) i += 3;
        if (more !== null && i < more.length) (more[i + 2] as number)++;
        else {
          if (this.cells >= maxCells) return false;
          if (more === null) usage.more = [code, minute, 1];
          else more.push(code, minute, 1);
          this.cells++;
        }
      }
    } else {
      if (this.cells >= maxCells) return false;
      usage = {
        accessKeyId: record.accessKeyId,
        tenantId: record.tenantId,
        lastSuccess: NO_ENTRY,
        successes: 0,
        lastFailure: NO_ENTRY,
        failures: 0,
        code,
        minute,
        count: 1,
        more: null,
        attempts: 0,
      };
      this.keys.set(record.accessKeyId, usage);
      this.cells++;
    }
    usage.attempts++;
    this.attempts++;
    if (stored && this.records < maxRecords) this.chain(usage, record.outcome === 'success', recordText(record));
    return true;
  }

  /** Appends `text` to the key's chain of successes or failures in the log; false (nothing appended) when the log is full. */
  private chain(usage: KeyUsage, success: boolean, text: RecordText): boolean {
    const at = this.log.append(text, success ? usage.lastSuccess : usage.lastFailure);
    if (at === NO_ENTRY) return false;
    if (success) {
      usage.lastSuccess = at;
      usage.successes++;
    } else {
      usage.lastFailure = at;
      usage.failures++;
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }

  /** Bytes of record log held (outside V8's heap). */
  get logBytes(): number {
    return this.log.bytes;
  }

  /**
   * Hands over everything held (in no particular order: the recorder orders each write, see
   * KeyRanges) and starts empty. Give it back with `release` once written or restored.
   */
  take(): TakenUsage {
    const taken = { usages: [...this.keys.values()], log: this.log };
    this.keys = new Map();
    this.log = new RecordLog(this.pool);
    this.attempts = 0;
    this.cells = 0;
    return taken;
  }

  /** A taken log is done with (written, or its usage restored): its segments go to the next logs. */
  release(taken: TakenUsage): void {
    taken.log.release();
  }

  /**
   * Usage whose write failed (of `taken.log`), back in the buffer in front of what arrived since:
   * counts merged, and each key's latest MAX_RECORDS_PER_KEY records of each outcome, the failed
   * write's before the newer ones, chained anew in the current log. Only `usages` go back (the
   * ones not written); `taken` may be released afterwards.
   */
  restore(taken: TakenUsage, usages: readonly KeyUsage[] = taken.usages): void {
    for (const old of usages) {
      const newer = this.keys.get(old.accessKeyId);
      let successes = recordsOf(taken.log, old, 'success');
      let failures = recordsOf(taken.log, old, 'failure');
      if (newer) {
        successes = successes.concat(recordsOf(this.log, newer, 'success')).slice(-MAX_RECORDS_PER_KEY);
        failures = failures.concat(recordsOf(this.log, newer, 'failure')).slice(-MAX_RECORDS_PER_KEY);
        this.cells -= cellCount(newer);
        this.attempts -= newer.attempts;
      }
      const merged: KeyUsage = {
        ...old,
        ...(newer ? withCells(mergeCells(cellsOf(old), cellsOf(newer))) : {}),
        lastSuccess: NO_ENTRY,
        successes: 0,
        lastFailure: NO_ENTRY,
        failures: 0,
        attempts: old.attempts + (newer?.attempts ?? 0),
      };
      // The newer key's own entries stay in the log, unread, until it is written (and count in `records`).
      for (const text of successes) if (!this.chain(merged, true, text)) break;
      for (const text of failures) if (!this.chain(merged, false, text)) break;
      this.keys.set(merged.accessKeyId, merged);
      this.cells += cellCount(merged);
      this.attempts += merged.attempts;
    }
  }
}

/** A key's cell fields for flat triples (at least one cell). */
function withCells(cells: (string | number)[]): Pick<KeyUsage, 'code' | 'minute' | 'count' | 'more'> {
  return { code: cells[0] as string, minute: cells[1] as number, count: cells[2] as number, more: cells.length > 3 ? cells.slice(3) : null };
}

function mergeCells(a: readonly (string | number)[], b: readonly (string | number)[]): (string | number)[] {
  const merged = [...a];
  for (let j = 0; j < b.length; j += 3) {
    let i = 0;
    while (i < merged.length && (merged[i] !== b[j] || merged[i + 1] !== b[j + 1])) i += 3;
    if (i < merged.length) (merged[i + 2] as number) += b[j + 2] as number;
    else merged.push(b[j]!, b[j + 1]!, b[j + 2]!);
  }
  return merged;
}

/**
 * A key's minute rows (an hour of minute counts each), in order of start and code: all a write
 * adds to (hour rows are rolled up from minute rows as they age, see core/usage.ts).
 */
export function minuteRows(usage: KeyUsage): CounterRow[] {
  const minutes = new Map<string, CounterRow>();
  const cells = cellsOf(usage);
  for (let i = 0; i < cells.length; i += 3) countMinute(minutes, usage.accessKeyId, cells[i] as string, (cells[i + 1] as number) * MINUTE_MS, cells[i + 2] as number);
  return [...minutes.values()].sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** "0," × i and ",0" × (59 − i): a minute row's text around its one counted slot. */
const ZEROS_BEFORE = Array.from({ length: 60 }, (_, i) => '0,'.repeat(i));
const ZEROS_AFTER = Array.from({ length: 60 }, (_, i) => ',0'.repeat(59 - i));

/**
 * What a write adds to the key's minute rows: minuteRows as the writer takes them (CounterDelta).
 * A key asked once or a few times in one minute between writes (the common case when many keys
 * are in use) has one cell: its row's text is made straight from it, without the row and its
 * array of 60 counts.
 */
export function minuteDeltas(usage: KeyUsage): CounterDelta[] {
  if (usage.more !== null) return minuteRows(usage).map(counterDelta);
  const at = usage.minute * MINUTE_MS;
  const start = at - (at % HOUR_MS);
  const slot = (at - start) / MINUTE_MS;
  const n = usage.count;
  return [[usage.accessKeyId, start, usage.code, n, `[${ZEROS_BEFORE[slot]}${n}${ZEROS_AFTER[slot]}]`]];
}
