import type { AccessRecord } from '../core/model.js';
import { MAX_RECORDS_PER_KEY } from '../core/policy.js';
import { codeOf, countMinute, HOUR_MS, MINUTE_MS, type CounterRow } from '../core/usage.js';
import type { CounterDelta, RecordText } from '../store/dialects/dialect.js';
import { counterDelta, recordText } from '../store/repos/access-records-repo.js';

/**
 * One key's usage since its last write: its latest attempts per outcome as the text the writer
 * takes (RecordText; oldest first, at most MAX_RECORDS_PER_KEY of each once trimmed: only the
 * latest can reach a ring) and its attempt counts per (outcome code, minute). A key rarely has
 * more than one such cell between writes, so the first is held in the entry's own fields and any
 * further ones as flat triples [code, minute, n, …] in `more`. Both record lists start as
 * NO_RECORDS (shared, never added to): most keys have one outcome between writes. Every object
 * kept here waits for the write in the young generation, where the collector copies it.
 */
export interface KeyUsage {
  readonly accessKeyId: string;
  readonly tenantId: string;
  successes: RecordText[];
  failures: RecordText[];
  /** The first cell: its code, its minute (epoch minutes) and its attempts. */
  code: string;
  minute: number;
  count: number;
  /** The cells after the first, as flat triples; null while there is one. */
  more: (string | number)[] | null;
  /** Attempts counted in the cells. */
  attempts: number;
}

/** A key's cells as flat triples [code, minute, n, …], the first one first. */
export const cellsOf = (usage: KeyUsage): (string | number)[] => (usage.more === null ? [usage.code, usage.minute, usage.count] : [usage.code, usage.minute, usage.count, ...usage.more]);

const cellCount = (usage: KeyUsage): number => (usage.more === null ? 1 : 1 + usage.more.length / 3);

/** The empty record list every key starts with (frozen: the first record makes the key a list of its own). */
const NO_RECORDS: RecordText[] = Object.freeze([]) as unknown as RecordText[];

/**
 * Usage waiting to be written, held per key: an attempt costs one map lookup, and a write gets
 * each key's records and counter rows together, already grouped, so building a write costs in
 * proportion to the keys in it, not to the attempts.
 */
export class UsageBuffer {
  private keys = new Map<string, KeyUsage>();
  /** Attempts counted, detailed records held and counter cells open. */
  attempts = 0;
  records = 0;
  cells = 0;

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
        successes: NO_RECORDS,
        failures: NO_RECORDS,
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
    if (stored && this.records < maxRecords) {
      const success = record.outcome === 'success';
      const ring = success ? usage.successes : usage.failures;
      this.records++;
      if (ring === NO_RECORDS) {
        if (success) usage.successes = [recordText(record)];
        else usage.failures = [recordText(record)];
      } else {
        ring.push(recordText(record));
        if (ring.length >= 2 * MAX_RECORDS_PER_KEY) this.records -= trim(ring);
      }
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }

  /** Hands over everything held (in no particular order: the recorder orders each write, see KeyRanges) and starts empty. */
  take(): KeyUsage[] {
    const taken = [...this.keys.values()];
    this.keys = new Map();
    this.attempts = 0;
    this.records = 0;
    this.cells = 0;
    return taken;
  }

  /** Usage whose write failed, back in the buffer in front of what arrived since. */
  restore(usages: readonly KeyUsage[]): void {
    for (const old of usages) {
      const newer = this.keys.get(old.accessKeyId);
      const merged: KeyUsage = newer
        ? {
            ...old,
            ...withCells(mergeCells(cellsOf(old), cellsOf(newer))),
            successes: old.successes.concat(newer.successes),
            failures: old.failures.concat(newer.failures),
            attempts: old.attempts + newer.attempts,
          }
        : old;
      if (newer) {
        this.records -= newer.successes.length + newer.failures.length;
        this.cells -= cellCount(newer);
        this.attempts -= newer.attempts;
      }
      trim(merged.successes);
      trim(merged.failures);
      this.keys.set(merged.accessKeyId, merged);
      this.records += merged.successes.length + merged.failures.length;
      this.cells += cellCount(merged);
      this.attempts += merged.attempts;
    }
  }
}

/** Keeps the latest MAX_RECORDS_PER_KEY; returns how many it dropped. */
function trim(ring: RecordText[]): number {
  const excess = ring.length - MAX_RECORDS_PER_KEY;
  if (excess <= 0) return 0;
  ring.splice(0, excess);
  return excess;
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
