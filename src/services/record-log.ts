import type { RecordText } from '../store/dialects/dialect.js';

/** A position in a RecordLog: its segment's index in the high bits, the byte offset in the low ones. Always a small integer. */
export type LogPosition = number;
/** The position before a chain's first entry. */
export const NO_ENTRY: LogPosition = -1;

const SEGMENT_BITS = 20;
/** Bytes of one segment: 1 MiB. */
export const SEGMENT_BYTES = 1 << SEGMENT_BITS;
/** Segments a log holds at most: positions stay below 2^31 (a small integer to V8, stored in an object's field without a box). */
export const MAX_SEGMENTS = 2047;
/** An entry's header: the position of the entry before it in its chain (int32), then its text's length in bytes (int32). */
const HEADER = 8;
/** Spare segments kept for the next logs at most (64 MiB): a log in steady use takes its segments from them, not from new allocations. */
const MAX_SPARE = 64;

/**
 * Segments handed from log to log: a log's segments are given back once what it held is written,
 * and the next log starts on them, so the process stops allocating (and V8 stops counting new
 * external memory, which brings on collections) once usage is steady.
 */
export class SegmentPool {
  private readonly spare: Buffer[] = [];

  take(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(SEGMENT_BYTES);
  }

  give(segments: readonly Buffer[]): void {
    for (const segment of segments) if (this.spare.length < MAX_SPARE) this.spare.push(segment);
  }

  get spares(): number {
    return this.spare.length;
  }
}

/**
 * Detailed attempts waiting for a usage write, as UTF-8 text (RecordText) in 1 MiB buffers outside
 * V8's heap, each entry linked to the one before it of the same key and outcome: a key's pending
 * ring is the position of its latest entry and a count, two small integers, so what waits for the
 * write costs the garbage collector nothing to copy (texts held as strings until the write were
 * most of what each scavenge copied, see docs/benchmark-history.md, fifth session). The texts come back as strings only
 * when a write reads them (`chain`), at most a ring's worth per key. Entries are never removed:
 * the log is dropped whole (its segments given back) once written.
 */
export class RecordLog {
  private readonly segments: Buffer[] = [];
  private current: Buffer | null = null;
  /** Bytes used in the current segment. */
  private used = 0;
  /** Entries appended. */
  entries = 0;

  constructor(
    private readonly pool: SegmentPool,
    private readonly maxSegments = MAX_SEGMENTS,
  ) {}

  /**
   * Appends `text` after `prev` (a chain's latest position, or NO_ENTRY to start one) and returns
   * its position; NO_ENTRY, appending nothing, when the log is full or the text would not fit in a segment.
   */
  append(text: RecordText, prev: LogPosition): LogPosition {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the exact length is only worked out when that bound does not fit.
    let most = HEADER + text.length * 3;
    if (most > SEGMENT_BYTES) most = HEADER + Buffer.byteLength(text);
    if (most > SEGMENT_BYTES) return NO_ENTRY;
    if (this.current === null || this.used + most > SEGMENT_BYTES) {
      if (this.segments.length >= this.maxSegments) return NO_ENTRY;
      this.current = this.pool.take();
      this.segments.push(this.current);
      this.used = 0;
    }
    const segment = this.current;
    const at = this.used;
    const length = segment.write(text, at + HEADER, 'utf8');
    segment.writeInt32LE(prev, at);
    segment.writeInt32LE(length, at + 4);
    this.used = at + HEADER + length;
    this.entries++;
    return ((this.segments.length - 1) << SEGMENT_BITS) | at;
  }

  /** The latest `max` texts of the chain ending at `last`, oldest first. */
  chain(last: LogPosition, max: number): RecordText[] {
    const texts: RecordText[] = [];
    for (let at = last; at !== NO_ENTRY && texts.length < max; ) {
      const segment = this.segments[at >>> SEGMENT_BITS]!;
      const offset = at & (SEGMENT_BYTES - 1);
      texts.push(segment.toString('utf8', offset + HEADER, offset + HEADER + segment.readInt32LE(offset + 4)));
      at = segment.readInt32LE(offset);
    }
    return texts.reverse();
  }

  /** Bytes of the segments held. */
  get bytes(): number {
    return this.segments.length * SEGMENT_BYTES;
  }

  /** Gives the segments back to the pool; the log is empty afterwards. */
  release(): void {
    this.pool.give(this.segments);
    this.segments.length = 0;
    this.current = null;
    this.used = 0;
    this.entries = 0;
  }
}
