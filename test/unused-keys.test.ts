/**
 * Issue 13 item 5, unused keys: the policy rule disableUnusedAfterDays (off by default, 7 to
 * 3650 days), the reminder by bell and mail (a real SMTP server) 7 days before, the disable with
 * its audit event, and two processes on one database: one reminder, one disable, both see it.
 * The test clock moves; nothing waits on real time.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { purgeExpired } from '../src/services/maintenance.js';
import { createStore, type Store } from '../src/store/store.js';
import { DATABASE_KINDS } from './support/databases.js';
import { DAY_MS, openHttp, readAllPages, setPolicy, verify, type Caller, type CreatedUser, type Harness, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';
import { openRuntime, type Runtime } from './support/verify-cluster.js';

const mailEnv = (smtp: MailServer) => ({ LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>', LATCHKEY_PUBLIC_URL: 'https://keys.example.test' });

async function unusedNotices(h: Harness, as: Caller): Promise<{ accessKeyId: string; title: string; body: string }[]> {
  const items = (await readAllPages(h, as, '/v1/notifications', 100)).items;
  return items.filter((n: { kind: string }) => n.kind === 'key.unused').map((n: any) => ({ accessKeyId: n.data.accessKeyId, title: n.title, body: n.body }));
}

describe.each(DATABASE_KINDS)('unused keys (%s)', (kind) => {
  let smtp: MailServer;
  let h: Harness;
  const masterKey = randomBytes(32);
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp(kind, { env: mailEnv(smtp), masterKey });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const disabledEvents = async (t: Tenant) =>
    (await readAllPages(h, t.admin, '/v1/audit-events?action=access_key.disabled_unused', 100)).items.map((e: any) => ({
      targetId: e.targetId,
      actorId: e.actorId,
      details: e.details,
    }));
  const stateOf = async (t: Tenant, accessKeyId: string) => (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: t.admin })).body.state;
  const use = async (token: string) => {
    expect(await verify(h, token)).toMatchObject({ valid: true });
    await h.services.recorder.flush();
  };

  it('is off by default, takes null or 7 to 3650 days, is in the rules catalogue, and a PUT without it keeps it', async () => {
    const t = await h.bootstrap();
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    expect(policy.disableUnusedAfterDays).toBeNull();
    const rules = (await h.request({ method: 'GET', url: '/v1/policy/rules', as: t.admin })).body.rules;
    expect(rules).toContainEqual({ name: 'disableUnusedAfterDays', kind: 'integer', nullable: true, minimum: 7, maximum: 3650, default: null });
    for (const bad of [6, 3651, 30.5, '90', -1]) {
      const res = await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, disableUnusedAfterDays: bad } });
      expect(res.status, String(bad)).toBe(400);
      expect(res.text).toContain('disableUnusedAfterDays');
    }
    expect((await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body.disableUnusedAfterDays).toBeNull();
    expect(await setPolicy(h, t.admin, { disableUnusedAfterDays: 7 })).toMatchObject({ disableUnusedAfterDays: 7 });
    // A client that knows nothing of the rule sends the policy without it: the value stays.
    const { disableUnusedAfterDays: _left, ...older } = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    const put = await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...older, stepUpMinutes: 15 } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ disableUnusedAfterDays: 7, stepUpMinutes: 15 });
    expect(await setPolicy(h, t.admin, { disableUnusedAfterDays: null })).toMatchObject({ disableUnusedAfterDays: null });
  });

  it('reminds admins, creator and owner once 7 days before, then disables the key, audited; using the key or re-enabling it starts the count again', async () => {
    const t = await h.bootstrap();
    const member: CreatedUser = await h.createUser(t.admin, { name: 'Mo Member', programmaticAccess: true });
    const bystander: CreatedUser = await h.createUser(t.admin, { name: 'Bo Bystander' });
    const quiet = await h.createKey(t.admin, { name: 'nightly-export', userId: member.id });
    const busy = await h.createKey(t.admin, { name: 'busy', userId: member.id });
    const paused = await h.createKey(t.admin, { name: 'paused' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${paused.accessKeyId}/disable`, as: t.admin, body: {} });
    await setPolicy(h, t.admin, { disableUnusedAfterDays: 30 });
    const start = h.clock.now().getTime();
    const adminEmail = `admin@${t.slug}.example`;
    let signedInOn = 0;
    // Moves the clock to `days` after the start; sessions last 30 days, so both sign in again now and then.
    const at = async (days: number) => {
      h.clock.advance(start + days * DAY_MS - h.clock.now().getTime());
      if (days - signedInOn < 25) return;
      signedInOn = days;
      t.admin = await h.login(t.slug, adminEmail);
      member.session = await h.login(t.slug, member.email);
    };

    // The verifier key that `verify` uses is a key of this tenant too (its own checks count as use),
    // so each pass is judged by what happened to these two keys.
    const tally = async () => {
      await h.services.unusedKeys.run();
      const notices = await unusedNotices(h, member.session);
      const of = async (k: { accessKeyId: string }) => ({ reminders: notices.filter((n) => n.accessKeyId === k.accessKeyId).length, state: await stateOf(t, k.accessKeyId) });
      return { quiet: await of(quiet), busy: await of(busy) };
    };
    const tallied = (quietReminders: number, quietState: string, busyReminders: number, busyState: string) => ({
      quiet: { reminders: quietReminders, state: quietState },
      busy: { reminders: busyReminders, state: busyState },
    });
    await at(10);
    await use(busy.token);
    await at(22);
    expect(await tally()).toEqual(tallied(0, 'enabled', 0, 'enabled'));
    await at(23);
    expect(await tally()).toEqual(tallied(1, 'enabled', 0, 'enabled'));
    const title = 'Access key “nightly-export” will be disabled in 7 days as unused';
    for (const who of [t.admin, member.session]) expect(await unusedNotices(h, who)).toMatchObject([{ accessKeyId: quiet.accessKeyId, title }]);
    expect(await unusedNotices(h, bystander.session)).toEqual([]);
    const [notice] = await unusedNotices(h, member.session);
    expect(notice!.body).toContain(`has not been used since ${new Date(start).toISOString().slice(0, 10)}`);
    expect(notice!.body).toContain(`it will be disabled on ${new Date(start + 30 * DAY_MS).toISOString().slice(0, 10)}`);
    // One mail to each of the two people, through the real SMTP server, without the secret.
    await h.services.mailSender!.sendDue();
    for (const address of [adminEmail, member.email]) {
      const mail = await smtp.next(address, 0);
      expect(mail.subject).toBe(title);
      expect(mail.raw).not.toContain(quiet.secret);
    }
    // Once: later passes, in the same quiet period, remind nobody again.
    await at(25);
    expect(await tally()).toEqual(tallied(1, 'enabled', 0, 'enabled'));
    await h.services.mailSender!.sendDue();
    expect(smtp.to(member.email).filter((m) => m.subject.includes('as unused'))).toHaveLength(1);
    expect(await unusedNotices(h, member.session)).toHaveLength(1);

    await at(30 - 1 / 24);
    expect(await tally()).toEqual(tallied(1, 'enabled', 0, 'enabled'));
    await at(30);
    expect(await tally()).toEqual(tallied(1, 'disabled', 0, 'enabled'));
    // Verification reads the cache: the disable evicted it (its change row), so the next answer is the new one.
    expect(await verify(h, quiet.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(await stateOf(t, quiet.accessKeyId)).toBe('disabled');
    expect((await disabledEvents(t)).filter((e: { targetId: string }) => e.targetId === quiet.accessKeyId)).toEqual([
      { targetId: quiet.accessKeyId, actorId: null, details: { unusedSince: new Date(start).toISOString(), disableUnusedAfterDays: 30, ownerId: member.id } },
    ]);
    // The used key was reminded of at day 33 (23 days after its use), not before; the disabled key never.
    expect(await stateOf(t, busy.accessKeyId)).toBe('enabled');
    await at(32);
    expect(await tally()).toEqual(tallied(1, 'disabled', 0, 'enabled'));
    await at(33);
    expect(await tally()).toEqual(tallied(1, 'disabled', 1, 'enabled'));
    // Used after its reminder: it stays enabled at day 40, and a new quiet period is reminded of anew.
    await at(35);
    await use(busy.token);
    await at(40);
    expect(await tally()).toEqual(tallied(1, 'disabled', 1, 'enabled'));
    // Re-enabled by an admin at day 41: counted from then (reminded at 64, disabled at 71), not disabled again at once.
    await at(41);
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${quiet.accessKeyId}/enable`, as: t.admin, body: {} })).status).toBe(200);
    await at(58);
    expect(await tally()).toEqual(tallied(1, 'enabled', 2, 'enabled'));
    await at(63);
    expect(await tally()).toEqual(tallied(1, 'enabled', 2, 'enabled'));
    await at(64);
    expect(await tally()).toEqual(tallied(2, 'enabled', 2, 'enabled'));
    await at(71);
    expect(await tally()).toEqual(tallied(2, 'disabled', 2, 'disabled'));
    expect(await stateOf(t, paused.accessKeyId)).toBe('disabled');
    // The hourly purge drops the reminders of quiet periods that ended (here: keys now disabled), a day on.
    await at(73);
    expect((await purgeExpired(h.store, h.clock, createLogger('silent'))).reminders).toBeGreaterThanOrEqual(4);
    expect(await tally()).toEqual(tallied(2, 'disabled', 2, 'disabled'));
    const mine = new Set([quiet.accessKeyId, busy.accessKeyId, paused.accessKeyId]);
    expect(
      (await disabledEvents(t))
        .map((e: { targetId: string }) => e.targetId)
        .filter((id: string) => mine.has(id))
        .sort(),
    ).toEqual([quiet.accessKeyId, quiet.accessKeyId, busy.accessKeyId].sort());
  });

  it('turned on for keys unused long ago, warns first: the disable comes 7 days after the reminder, not at once; off again, nothing happens', async () => {
    const t = await h.bootstrap();
    const old = await h.createKey(t.admin, { name: 'forgotten', neverExpires: true });
    const start = h.clock.now().getTime();
    const on = async (days: number) => h.clock.advance(start + days * DAY_MS - h.clock.now().getTime());
    await on(400);
    t.admin = await h.login(t.slug, `admin@${t.slug}.example`);
    expect((await h.services.unusedKeys.run()).reminded).toBe(0);
    await setPolicy(h, t.admin, { disableUnusedAfterDays: 180 });
    expect(await h.services.unusedKeys.run()).toMatchObject({ disabled: 0 });
    const [notice] = await unusedNotices(h, t.admin);
    expect(notice).toMatchObject({ accessKeyId: old.accessKeyId, title: 'Access key “forgotten” will be disabled in 7 days as unused' });
    await on(406);
    expect((await h.services.unusedKeys.run()).disabled).toBe(0);
    // Turned off before the day: the key stays.
    await setPolicy(h, t.admin, { disableUnusedAfterDays: null });
    await on(407);
    expect(await h.services.unusedKeys.run()).toEqual({ reminded: 0, disabled: 0 });
    expect(await stateOf(t, old.accessKeyId)).toBe('enabled');
    // On again: the reminder already given counts (same quiet period), and the key goes.
    await setPolicy(h, t.admin, { disableUnusedAfterDays: 180 });
    expect(await h.services.unusedKeys.run()).toEqual({ reminded: 0, disabled: 1 });
    expect(await verify(h, old.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
  });

  it('two processes on one database: one reminder per key, one disable with one audit event, and the other process refuses the key', async () => {
    const t = await h.bootstrap();
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await h.createKey(t.admin, { name: `shared-${i}` }));
    await setPolicy(h, t.admin, { disableUnusedAfterDays: 7 });
    const second: Store = createStore({ databaseUrl: h.testStore.databaseUrl ?? null, dataDir: h.testStore.dataDir });
    const clock = { now: () => h.clock.now() };
    let b: Runtime | null = null;
    try {
      b = await openRuntime(second, { masterKey, clock, background: true, changePollMs: 50 });
      const other = b;
      // B holds every key in its cache before the pass.
      for (const k of keys) expect(await other.services.verification.verify({ kind: 'token', token: k.token }, { sourceIp: '203.0.113.5', userAgent: 'b' })).toMatchObject({ valid: true });
      h.clock.advance(1);
      const reminders = await Promise.all([h.services.unusedKeys.run(), other.services.unusedKeys.run()]);
      expect(reminders[0].reminded + reminders[1].reminded).toBe(5);
      expect(await unusedNotices(h, t.admin)).toHaveLength(5);
      h.clock.advance(8 * DAY_MS);
      const disables = await Promise.all([h.services.unusedKeys.run(), other.services.unusedKeys.run()]);
      expect(disables[0].disabled + disables[1].disabled).toBe(5);
      expect(disables[0].reminded + disables[1].reminded).toBe(0);
      expect((await disabledEvents(t)).map((e: { targetId: string }) => e.targetId).sort()).toEqual(keys.map((k) => k.accessKeyId).sort());
      expect(await unusedNotices(h, t.admin)).toHaveLength(5);
      // Both processes refuse every key (each learns of the other's disables from the change log).
      await other.services.keyCache.poll();
      await h.services.keyCache.poll();
      for (const k of keys) {
        expect(await other.services.verification.verify({ kind: 'token', token: k.token }, { sourceIp: '203.0.113.5', userAgent: 'b' })).toMatchObject({
          valid: false,
          code: 'KEY_DISABLED',
        });
        expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
      }
    } finally {
      await b?.close();
      await second.close();
    }
  });
});
