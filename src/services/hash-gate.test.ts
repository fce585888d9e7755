import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { HashGate } from './hash-gate.js';

/** A piece of work the test finishes when it wants. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HashGate', () => {
  it('runs at most `concurrency` at once and the rest in arrival order', async () => {
    const gate = new HashGate({ concurrency: 2, queue: 10, maxWaitMs: 60_000 });
    const works = Array.from({ length: 5 }, pending);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const runs = works.map((w, i) =>
      gate.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await w.done;
        running--;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    works[1]!.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    for (const w of works) w.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(gate.inFlight).toBe(0);
  });

  it('refuses at once with SIGN_IN_BUSY and a Retry-After when the line is full', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 1, maxWaitMs: 1500 });
    const w = pending();
    const first = gate.run(() => w.done);
    const second = gate.run(async () => 'second');
    const third = gate.run(async () => 'third');
    const refusal = await third.catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'SIGN_IN_BUSY', status: 503, details: { retryAfterSeconds: 2 } });
    w.finish();
    await first;
    expect(await second).toBe('second');
    expect(gate.refused).toBe(1);
  });

  it('refuses an attempt that waited too long, and frees its place in line', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 1, maxWaitMs: 20 });
    const w = pending();
    const first = gate.run(() => w.done);
    const waited = await gate.run(async () => 'never').catch((e: unknown) => e);
    expect(waited).toMatchObject({ code: 'SIGN_IN_BUSY' });
    // Its place is free again: the next one waits instead of being refused.
    const next = gate.run(async () => 'next');
    w.finish();
    await first;
    expect(await next).toBe('next');
  });

  it('releases the slot when the work fails', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 0, maxWaitMs: 1000 });
    await expect(gate.run(async () => Promise.reject(new Error('argon2 broke')))).rejects.toThrow('argon2 broke');
    expect(await gate.run(async () => 'after')).toBe('after');
  });
});
