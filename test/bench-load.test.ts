import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ServerStats } from '../bench/child-protocol.js';
import { runLoad } from '../bench/load.js';
import { mainThreadMicros, type MeasuredRun } from '../bench/report.js';

/** The figures `npm run bench` reads its bars against (bench/load.ts, bench/report.ts). */
describe('bench: what a run reports of the load generator and the main thread', () => {
  it('counts the load generator’s own CPU over a run, in cores', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"valid":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runLoad({ url: `http://127.0.0.1:${port}`, bodies: [{ body: '{"token":"t"}', verifier: 'v' }], connections: 4, duration: 1, order: 'random' });
      expect(result.requests).toBeGreaterThan(100);
      expect(result.invalid).toBe(0);
      // Driving a saturating run keeps the generator's one thread busy a good part of the second, never more than the process's threads could.
      expect(result.loadGeneratorCores).toBeGreaterThan(0.1);
      expect(result.loadGeneratorCores).toBeLessThan(4);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives the main thread’s busy time an answer over all the runs, weighted by their time, not a mean of the runs', () => {
    const run = (eventLoopUtilization: number, seconds: number, requests: number) => ({ seconds, requests, server: { eventLoopUtilization } as ServerStats }) as MeasuredRun;
    // 10 s fully busy for 100,000 answers (100 µs each), then 10 s half busy for 25,000 (200 µs each): 15 s for 125,000.
    expect(mainThreadMicros([run(1, 10, 100_000), run(0.5, 10, 25_000)])).toBeCloseTo(120, 6);
    expect(mainThreadMicros([])).toBe(0);
  });
});
