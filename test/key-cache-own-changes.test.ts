/**
 * A change this process commits is evicted from its key cache right after the commit; its change
 * row, when the poll reaches it, does not evict again what has been loaded fresh since (that was
 * one more database read per change, and a load racing the poll was dropped). A change row this
 * process did not write (another process, the CLI) is still evicted by the poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/services/actor.js';
import { DATABASE_KINDS, type TestStore } from './support/databases.js';
import { openQuietRuntime, type QuietRuntime, type Runtime } from './support/verify-cluster.js';

const context = { sourceIp: '203.0.113.9', userAgent: 'own-changes-test' };

describe.each(DATABASE_KINDS)('key cache on %s: changes this process committed', (kind) => {
  let quiet: QuietRuntime;
  let t: TestStore;
  let runtime: Runtime;
  let admin: Actor;

  beforeAll(async () => {
    // No background polling: each poll here is the test's own, so what it evicts is known.
    quiet = await openQuietRuntime(kind);
    ({ t, runtime, admin } = quiet);
  });

  afterAll(async () => {
    await quiet?.close();
  });

  it('are evicted at their commit, and the poll leaves what was loaded since; a change written elsewhere is still evicted', async () => {
    const cache = runtime.services.keyCache;
    const verify = (token: string) => runtime.services.verification.verify({ kind: 'token', token }, context);
    await cache.poll();

    const issued = await runtime.services.keys.create(admin, { name: 'changed here' });
    const id = issued.key.accessKeyId;
    expect(await verify(issued.token)).toMatchObject({ valid: true, accessKeyId: id });
    const loaded = cache.peek(id);
    expect(loaded).toBeDefined();
    // The poll reaches the key's creation row, which this process wrote: the entry stays.
    expect(await cache.poll()).toBeGreaterThan(0);
    expect(cache.peek(id)).toBe(loaded);

    await runtime.services.keys.disable(admin, id);
    expect(cache.peek(id)).toBeUndefined();
    expect(await verify(issued.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    const reloaded = cache.peek(id);
    expect(reloaded).toBeDefined();
    expect(reloaded).not.toBe(loaded);
    expect(await cache.poll()).toBeGreaterThan(0);
    expect(cache.peek(id)).toBe(reloaded);

    // A row this process did not commit (written past its unit of work, as another process's would be): the poll evicts.
    await t.store.changes.append({ tenantId: admin.tenantId, accessKeyId: id }, new Date());
    expect(await cache.poll()).toBe(1);
    expect(cache.peek(id)).toBeUndefined();
    expect(await verify(issued.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
  });
});
