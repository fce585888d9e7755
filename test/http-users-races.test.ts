/** HTTP: the last-admin rule holds when demotions race, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, type Harness } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP LAST_ADMIN under parallel requests on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHttp(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps one active admin when two admins are demoted and disabled at the same time', async () => {
    for (let round = 0; round < 3; round++) {
      const t = await h.bootstrap();
      const second = await h.createUser(t.admin, { role: 'admin' });
      // Each admin steps down with their own session, so whichever lands first, the other is
      // still an admin signed in and meets LAST_ADMIN (were the first admin to act for both,
      // disabling themselves first would end their session: 401, not the answer under test).
      const answers = await Promise.all([
        h.request({ method: 'PATCH', url: `/v1/users/${second.id}`, as: second.session, body: { role: 'member' } }),
        h.request({ method: 'PATCH', url: `/v1/users/${t.admin.userId}`, as: t.admin, body: { status: 'disabled' } }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 409]);
      expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('LAST_ADMIN');
      expect(await h.store.users.countActiveAdmins(t.tenantId)).toBe(1);
    }
  });
});
