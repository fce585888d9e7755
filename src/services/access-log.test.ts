import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../core/model.js';
import { AccessLogStream, MAX_PENDING_LINES } from './access-log.js';

const record = (i: number, overrides: Partial<AccessRecord> = {}): AccessRecord => ({
  id: `acr_${String(i).padStart(16, 'a')}`,
  tenantId: 'ten_aaaaaaaaaaaaaaaa',
  accessKeyId: 'LKAAAAAAAAAAAAAAAAAA',
  at: new Date(Date.UTC(2031, 0, 1, 0, 0, i)),
  outcome: 'success',
  code: null,
  sourceIp: '192.0.2.1',
  userAgent: 'client/1 "quoted"\nnext',
  scheme: 'bearer',
  permission: 'storage:read',
  detail: null,
  ...overrides,
});

describe('AccessLogStream', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('writes every attempt as one JSON line with the documented fields, counted-only ones marked stored: false', async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-access-log-'));
    const file = join(dir, 'nested', 'access.jsonl');
    const log = new AccessLogStream(file);
    log.write(record(1), true);
    log.flush();
    log.write(record(2, { outcome: 'failure', code: 'RATE_LIMITED', detail: { via: 'management-api' } }), false);
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        log: 'access',
        at: '2031-01-01T00:00:01.000Z',
        id: record(1).id,
        tenantId: 'ten_aaaaaaaaaaaaaaaa',
        accessKeyId: 'LKAAAAAAAAAAAAAAAAAA',
        outcome: 'success',
        code: null,
        sourceIp: '192.0.2.1',
        userAgent: 'client/1 "quoted"\nnext',
        scheme: 'bearer',
        permission: 'storage:read',
        detail: null,
        stored: true,
      },
      expect.objectContaining({ outcome: 'failure', code: 'RATE_LIMITED', detail: { via: 'management-api' }, stored: false }),
    ]);
  });

  it('appends to an existing file, and drops (and reports) lines past its bound instead of holding up the caller', async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-access-log-'));
    const file = join(dir, 'access.jsonl');
    const first = new AccessLogStream(file);
    first.write(record(1), true);
    await first.close();
    const drops: number[] = [];
    const second = new AccessLogStream(file, (n) => drops.push(n));
    // Nothing is written synchronously: the lines wait in memory, up to the bound.
    for (let i = 0; i < MAX_PENDING_LINES + 5; i++) second.write(record(i), true);
    second.flush();
    expect(drops).toEqual([5]);
    await second.close();
    const text = await readFile(file, 'utf8');
    expect(text.split('\n').length - 1).toBe(1 + MAX_PENDING_LINES);
  });
});
