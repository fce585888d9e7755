/**
 * What a cached key weighs: a fresh key cache is given one key (so its own structures exist),
 * then `ids.length - 1` more, and the heap and buffer bytes it grew by are shared out among them.
 * Used by `npm run bench:scale` and by the test that holds an entry under 0.5 KB.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KeyCache } from '../src/services/key-cache.js';
import type { Store } from '../src/store/store.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes per cached key, and how many keys the cache held when it was weighed (read after, so it is alive then). */
export async function weighKeyCache(store: Store, ids: readonly string[]): Promise<{ bytesPerKey: number; cached: number }> {
  const cache = new KeyCache({ store, max: ids.length });
  await cache.start();
  await cache.get(ids[0]!);
  const before = used();
  for (let i = 1; i < ids.length; i++) await cache.get(ids[i]!);
  const after = used();
  return { bytesPerKey: (after - before) / (ids.length - 1), cached: cache.size };
}
