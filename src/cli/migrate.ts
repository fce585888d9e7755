import type { Config } from '../config.js';
import { createStore } from '../store/store.js';

/**
 * Migrations only: no services and no master key, so a database can be prepared (say, by a
 * deploy job) on a machine that holds no key material.
 */
export async function migrate(config: Readonly<Config>): Promise<{ database: string; applied: string[] }> {
  const store = createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const applied = await store.migrate();
    return { database: store.dialect.name, applied };
  } finally {
    await store.close();
  }
}
