/**
 * Migrations are checked to have been applied in order by their names, not by the times they
 * ran: a database restored onto a machine whose clock is behind the one that migrated it (its
 * earlier migrations "ran in the future") still migrates, every time; a database where a
 * migration was applied after one that was not is refused with a clear message, nothing applied.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, latchkeyMigrator, MIGRATION_NAMES, type Store } from '../src/store/store.js';
import { DATABASE_KINDS, emptyDatabase } from './support/databases.js';

describe.each(DATABASE_KINDS)('migrations on %s: their order is checked by name, not by the clock', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A database of the first schema (001 only, through the migrator); opens stores on it. */
  async function firstSchema(): Promise<() => Store> {
    const { dataDir, databaseUrl, remove } = await emptyDatabase(kind, 'latchkey-order-');
    cleanups.push(remove);
    const open = () => {
      const store = createStore({ databaseUrl, dataDir });
      cleanups.push(() => store.close());
      return store;
    };
    const old = open();
    const migrated = await latchkeyMigrator(old.db, old.dialect, '001-initial').migrateToLatest();
    expect(migrated.error).toBeUndefined();
    return open;
  }

  const applied = async (store: Store) => (await sql<{ name: string }>`select name from latchkey_migrations order by name`.execute(store.db)).rows.map((r) => r.name);

  it('migrates, and migrates again, a database whose first migration ran later than this clock says it is now', async () => {
    const open = await firstSchema();
    const store = open();
    // As if migrated on a machine whose clock was ahead of this one's.
    await sql`update latchkey_migrations set timestamp = ${'2999-01-01T00:00:00.000Z'}`.execute(store.db);
    expect(await store.migrate()).toEqual(MIGRATION_NAMES.slice(1));
    expect(await store.migrate()).toEqual([]);
    expect(await open().migrate()).toEqual([]);
    expect(await applied(store)).toEqual([...MIGRATION_NAMES]);
  });

  it('refuses, applying nothing, a database where a migration was applied after one that was not', async () => {
    const open = await firstSchema();
    const store = open();
    await sql`insert into latchkey_migrations (name, timestamp) values (${MIGRATION_NAMES[2]!}, ${new Date().toISOString()})`.execute(store.db);
    await expect(store.migrate()).rejects.toThrow(`corrupted migrations: ${MIGRATION_NAMES[2]} was applied but ${MIGRATION_NAMES[1]}, which comes before it, was not`);
    expect(await applied(store)).toEqual([MIGRATION_NAMES[0], MIGRATION_NAMES[2]]);
  });
});
