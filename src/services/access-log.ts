import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { AccessRecord } from '../core/model.js';

/** Lines held while the destination is slow; past this, lines are dropped and counted. */
export const MAX_PENDING_LINES = 100_000;
/** A batch of this many lines is written without waiting for the next flush. */
const EAGER_LINES = 1_000;

/**
 * Every verification attempt as one JSON line (LATCHKEY_ACCESS_LOG): the only place that keeps
 * them all. Fields: `log` ("access"), `at` (ISO time), `id`, `tenantId`, `accessKeyId`,
 * `outcome` (success|failure), `code` (reason of a failure, null on success), `sourceIp`,
 * `userAgent`, `scheme`, `permission` (asked for, or null), `detail` (object or null), `stored`
 * (false when the attempt was only counted, e.g. a throttled guess). No secret is ever in it:
 * an access record holds none.
 *
 * Verification only appends a string to memory; lines go out in batches through an
 * asynchronous stream (a file, or standard output through libuv's thread pool), so a slow disk
 * or a full pipe never holds up an answer. If the destination cannot keep up, lines past
 * MAX_PENDING_LINES are dropped and the drop is reported.
 */
export class AccessLogStream {
  private lines: string[] = [];
  private dropped = 0;
  private scheduled = false;
  private readonly out: Writable;

  constructor(
    target: string,
    private readonly onDrop: (dropped: number) => void = () => {},
  ) {
    if (target === 'stdout') {
      this.out = createWriteStream('', { fd: 1, autoClose: false });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      this.out = createWriteStream(target, { flags: 'a', mode: 0o640 });
    }
    // A write error (disk full, closed pipe) must not crash the server; lines are lost and counted.
    this.out.on('error', () => {
      this.dropped += this.lines.length;
      this.lines = [];
    });
  }

  write(record: AccessRecord, stored: boolean): void {
    if (this.lines.length >= MAX_PENDING_LINES) {
      this.dropped++;
      return;
    }
    this.lines.push(
      JSON.stringify({
        log: 'access',
        at: record.at.toISOString(),
        id: record.id,
        tenantId: record.tenantId,
        accessKeyId: record.accessKeyId,
        outcome: record.outcome,
        code: record.code,
        sourceIp: record.sourceIp,
        userAgent: record.userAgent,
        scheme: record.scheme,
        permission: record.permission,
        detail: record.detail,
        stored,
      }),
    );
    if (this.lines.length >= EAGER_LINES && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Hands what is buffered to the stream, unless it is still busy with the previous batch. */
  flush(): void {
    if (this.dropped > 0) {
      this.onDrop(this.dropped);
      this.dropped = 0;
    }
    if (this.lines.length === 0 || this.out.writableNeedDrain || this.out.destroyed) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.out.write(text);
  }

  /** Writes everything left and waits until the stream has it. */
  async close(): Promise<void> {
    if (this.out.writableNeedDrain) await new Promise<void>((done) => this.out.once('drain', done));
    if (this.lines.length > 0 && !this.out.destroyed) this.out.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
    if (this.out.destroyed) return;
    await new Promise<void>((done) => this.out.end(done));
  }
}
