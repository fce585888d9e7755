import { loadConfig } from '../config.js';
import { createStore } from '../store/store.js';
import { print } from './context.js';

/**
 * Migrations only: no services and no master key, so a database can be prepared (say, by a
 * deploy job) on a machine that holds no key material.
 */
export async function migrate(opts: { json?: boolean }): Promise<void> {
  const config = loadConfig();
  const store = createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const applied = await store.migrate();
    const database = store.dialect.name;
    print(opts.json === true, { database, applied }, () =>
      applied.length === 0 ? `The ${database} database is up to date.` : `Applied to the ${database} database: ${applied.join(', ')}`,
    );
  } finally {
    await store.close();
  }
}
