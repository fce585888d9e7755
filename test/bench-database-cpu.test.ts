import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresCpuSeconds } from '../bench/database-cpu.js';
import { adminPostgresUrl } from './support/databases.js';

/** What `npm run bench` adds to a verify run's CPU on PostgreSQL (bench/database-cpu.ts). */
describe('bench: the local PostgreSQL server’s CPU', () => {
  it('is read from every postgres process and grows by what a query cost, the time of a backend that has ended included', async () => {
    // The tests' PostgreSQL runs on this machine (.ci/run starts it here).
    const before = postgresCpuSeconds();
    expect(before).not.toBeNull();
    const client = new pg.Client({ connectionString: adminPostgresUrl() });
    await client.connect();
    await client.query('select count(*) from generate_series(1, 5000000)');
    // The backend ends with the connection: its time moves to the postmaster's reaped children.
    await client.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = postgresCpuSeconds();
    expect(after).not.toBeNull();
    // Counting five million rows takes a backend a tenth of a second at the very least (half a second on the development machine).
    expect(after! - before!).toBeGreaterThanOrEqual(0.1);
  });
});
