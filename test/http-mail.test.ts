/**
 * Expiry reminders and mail (seed 001: "the expiry reminder is sent 2 days before, by email, to
 * the tenant's admins and the key's creator"): who is reminded, once per key and expiry date,
 * the mails a real SMTP server receives, retries and giving up, and a server without SMTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openRuntime } from '../src/main.js';
import { DAY_MS, openHttp, readAllPages, setPolicy, type Caller, type CreatedUser, type Harness, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';

const PUBLIC_URL = 'https://keys.example.test';
const mailEnv = (smtp: MailServer) => ({ LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>', LATCHKEY_PUBLIC_URL: PUBLIC_URL });

async function expiring(h: Harness, as: Caller): Promise<{ accessKeyId: string; title: string }[]> {
  const items = (await readAllPages(h, as, '/v1/notifications', 100)).items;
  return items.filter((n: { kind: string }) => n.kind === 'key.expiring').map((n: any) => ({ accessKeyId: n.data.accessKeyId, title: n.title }));
}

describe('expiry reminders and mail (sqlite, real SMTP)', () => {
  let smtp: MailServer;
  let h: Harness;
  let acme: Tenant;
  let admin2: CreatedUser;
  let member: CreatedUser;
  let bystander: CreatedUser;
  let retired: { id: string; email: string };
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp('sqlite', { env: mailEnv(smtp) });
    acme = await h.bootstrap();
    admin2 = await h.createUser(acme.admin, { role: 'admin', name: 'Ada Second', email: `ada@${acme.slug}.example` });
    member = await h.createUser(acme.admin, { name: 'Mo Member', email: `mo@${acme.slug}.example` });
    bystander = await h.createUser(acme.admin, { email: `bo@${acme.slug}.example` });
    retired = await h.addUser(acme.admin, { role: 'admin', email: `old@${acme.slug}.example` });
    await h.request({ method: 'PATCH', url: `/v1/users/${retired.id}`, as: acme.admin, body: { status: 'disabled' } });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('reminds the active admins, the creator and the owner once, by bell and by mail, 2 days before expiry; a new expiry re-arms it', async () => {
    // Created by the second admin for the member: creator and owner differ.
    const key = await h.createKey(admin2.session, { userId: member.id, name: 'billing-sync', expiresInDays: 3 });
    expect(await h.services.reminders.run()).toBe(0);

    h.clock.advance(DAY_MS + 60_000);
    expect(await h.services.reminders.run()).toBe(1);
    for (const who of [acme.admin, admin2.session, member.session]) {
      expect(await expiring(h, who)).toEqual([{ accessKeyId: key.accessKeyId, title: 'Access key “billing-sync” expires in 2 days' }]);
    }
    expect(await expiring(h, bystander.session)).toEqual([]);

    await h.services.mailSender!.sendDue();
    // Three recipients, one mail each (the background sender may be finishing one of them).
    await expect.poll(() => smtp.received.map((m) => m.to.join()).sort()).toEqual([`admin@${acme.slug}.example`, admin2.email, member.email].sort());
    const adminMail = smtp.to(`admin@${acme.slug}.example`)[0]!;
    const ownerMail = smtp.to(member.email)[0]!;
    // One mail per person: nobody sees the others' addresses.
    for (const mail of [adminMail, ownerMail]) expect(mail.to).toHaveLength(1);
    expect(ownerMail.subject).toBe('Access key “billing-sync” expires in 2 days');
    expect(ownerMail.text).toContain(`The access key ${key.accessKeyId} (“billing-sync”), owned by Mo Member <${member.email}>, expires on`);
    expect(ownerMail.text).toContain(`${PUBLIC_URL}/settings/access-keys?key=${key.accessKeyId}`);
    expect(adminMail.text).toContain(`${PUBLIC_URL}/access/users-and-keys/access-keys?key=${key.accessKeyId}`);
    for (const mail of smtp.received) {
      expect(mail.raw).not.toContain(key.secret);
      expect(mail.raw).not.toContain(key.token);
    }

    // Once: another pass (or the same key, untouched) reminds nobody again.
    const mailsSoFar = smtp.received.length;
    expect(await h.services.reminders.run()).toBe(0);
    await h.services.mailSender!.sendDue();
    expect(smtp.received).toHaveLength(mailsSoFar);

    // Extending the expiry re-arms the reminder for the new date.
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: acme.admin, body: { expiresInDays: 5 } });
    expect(await h.services.reminders.run()).toBe(0);
    h.clock.advance(3 * DAY_MS + 60_000);
    expect(await h.services.reminders.run()).toBe(1);
    expect(await expiring(h, member.session)).toHaveLength(2);
    await smtp.next(member.email, 1);
  });

  it('reminds of nothing when the policy turns reminders off, nor of disabled, deleted or never-expiring keys', async () => {
    const t = await h.bootstrap();
    const keys = await Promise.all([0, 1, 2].map(() => h.createKey(t.admin, { expiresInDays: 1 })));
    await h.createKey(t.admin, { neverExpires: true });
    await h.request({ method: 'POST', url: `/v1/access-keys/${keys[0]!.accessKeyId}/disable`, as: t.admin });
    await h.request({ method: 'POST', url: `/v1/access-keys/${keys[1]!.accessKeyId}/disable`, as: t.admin });
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${keys[1]!.accessKeyId}`, as: t.admin });
    await setPolicy(h, t.admin, { expiryReminderDays: 0 });
    await h.services.reminders.run();
    expect(await expiring(h, t.admin)).toEqual([]);
    await setPolicy(h, t.admin, { expiryReminderDays: 2 });
    await h.services.reminders.run();
    expect((await expiring(h, t.admin)).map((n) => n.accessKeyId)).toEqual([keys[2]!.accessKeyId]);
  });

  it("applies each tenant's own reminder window in the same pass", async () => {
    const [early, usual] = [await h.bootstrap(), await h.bootstrap()];
    await setPolicy(h, early.admin, { expiryReminderDays: 7 });
    const earlyKeys = [await h.createKey(early.admin, { expiresInDays: 5 }), await h.createKey(early.admin, { expiresInDays: 10 })];
    const usualKeys = [await h.createKey(usual.admin, { expiresInDays: 5 }), await h.createKey(usual.admin, { expiresInDays: 1 })];
    await h.services.reminders.run();
    expect((await expiring(h, early.admin)).map((n) => n.accessKeyId)).toEqual([earlyKeys[0]!.accessKeyId]);
    expect((await expiring(h, usual.admin)).map((n) => n.accessKeyId)).toEqual([usualKeys[1]!.accessKeyId]);
  });
});

describe('mail retries (sqlite, real SMTP that refuses)', () => {
  let smtp: MailServer;
  let h: Harness;
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp('sqlite', { env: mailEnv(smtp), mailMaxAttempts: 3 });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('retries a refused mail after 30 s, then 1 min, and gives it up after the last try, logging it without its content', async () => {
    const t = await h.bootstrap();
    const key = await h.createKey(t.admin, { name: 'soon-gone', expiresInDays: 1 });
    smtp.refuse(true);
    await h.services.reminders.run();
    const [mail] = await h.store.outbox.listForTenant(t.tenantId);
    const row = async () => (await h.store.outbox.find(mail!.id))!;

    const attempt = async (n: number) => {
      await h.services.mailSender!.sendDue();
      await expect.poll(async () => (await row()).attempts).toBe(n);
      await expect.poll(async () => (await row()).status).not.toBe('sending');
    };
    await attempt(1);
    expect(await row()).toMatchObject({ status: 'pending', nextAttemptAt: new Date(h.clock.now().getTime() + 30_000) });
    expect((await row()).lastError).toContain('451');
    // Not due yet: nothing is tried before its time.
    await h.services.mailSender!.sendDue();
    expect((await row()).attempts).toBe(1);

    h.clock.advance(30_000);
    await attempt(2);
    expect((await row()).nextAttemptAt).toEqual(new Date(h.clock.now().getTime() + 60_000));
    h.clock.advance(60_000);
    await attempt(3);
    expect(await row()).toMatchObject({ status: 'failed', bodyEnvelope: null });
    expect(smtp.refusedCount()).toBe(3);

    const gaveUp = h
      .logText()
      .split('\n')
      .filter((line) => line.includes('gave up'));
    expect(gaveUp).toHaveLength(1);
    expect(JSON.parse(gaveUp[0]!)).toMatchObject({ level: 50, mailId: mail!.id, purpose: 'notification:key.expiring', attempts: 3 });
    for (const content of ['soon-gone', key.accessKeyId, `admin@${t.slug}.example`, 'expires']) expect(h.logText()).not.toContain(content);

    // Given up means given up: a working server later receives nothing.
    smtp.refuse(false);
    h.clock.advance(DAY_MS);
    expect(await h.services.mailSender!.sendDue()).toBe(0);
    expect(smtp.received).toEqual([]);
  });
});

describe('reminders and mail in the background of a started runtime (sqlite)', () => {
  let smtp: MailServer;
  let h: Harness;
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp('sqlite', { env: mailEnv(smtp), reminderIntervalMs: 50 });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('reminds and mails without being asked, from services.start()', async () => {
    const t = await h.bootstrap();
    const key = await h.createKey(t.admin, { expiresInDays: 1 });
    await expect.poll(async () => (await expiring(h, t.admin)).map((n) => n.accessKeyId), { timeout: 10_000 }).toEqual([key.accessKeyId]);
    const mail = await smtp.next(`admin@${t.slug}.example`);
    expect(mail.text).toContain(key.accessKeyId);
  });
});

describe('a server without SMTP', () => {
  it('keeps the bell, queues no mail, and warns at start', async () => {
    const h = await openHttp('sqlite');
    try {
      const t = await h.bootstrap();
      const key = await h.createKey(t.admin, { expiresInDays: 1 });
      expect(await h.services.reminders.run()).toBe(1);
      expect((await expiring(h, t.admin)).map((n) => n.accessKeyId)).toEqual([key.accessKeyId]);
      expect(await h.store.outbox.listForTenant(t.tenantId)).toEqual([]);
      expect(h.services.mailSender).toBeNull();
    } finally {
      await h.close();
    }

    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-mail-'));
    const lines: string[] = [];
    const runtime = await openRuntime(
      loadConfig({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') }),
      createLogger('info', { write: (line: string) => void lines.push(line) }),
    );
    try {
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg?.includes('LATCHKEY_SMTP_URL'));
      expect(warning).toMatchObject({ level: 40 });
      expect(warning.msg).toContain('no mail will be sent');
    } finally {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('expiry reminders across two processes sharing PostgreSQL', () => {
  let smtp: MailServer;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    smtp = await openMailServer();
    const masterKey = randomBytes(32);
    a = await openHttp('postgres', { env: mailEnv(smtp), masterKey });
    b = await openHttp('postgres', { env: mailEnv(smtp), masterKey, databaseUrl: a.testStore.databaseUrl! });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  const advanceBoth = (ms: number) => {
    a.clock.advance(ms);
    b.clock.advance(ms);
  };
  const sendAll = () => Promise.all([a.services.mailSender!.sendDue(), b.services.mailSender!.sendDue()]);

  it('reminds of each key and expiry date exactly once, however the two processes race', async () => {
    const t = await a.bootstrap();
    await setPolicy(a, t.admin, { memberKeyLimit: 10 });
    const owner = await a.createUser(t.admin, { email: `owner@${t.slug}.example` });
    const keys = await Promise.all([0, 1, 2, 3, 4].map((i) => a.createKey(owner.session, { name: `k${i}`, expiresInDays: 3 })));
    advanceBoth(DAY_MS + 60_000);

    const taken = await Promise.all([a.services.reminders.run(), b.services.reminders.run(), a.services.reminders.run(), b.services.reminders.run()]);
    expect(taken.reduce((x, y) => x + y, 0)).toBe(5);
    const forOwner = await expiring(b, owner.session);
    expect(forOwner.map((n) => n.accessKeyId).sort()).toEqual(keys.map((k) => k.accessKeyId).sort());
    expect(await expiring(a, t.admin)).toHaveLength(5);

    // A sender of either process may be mid-send when these return: wait for the mails, then
    // make sure another round on both sends nothing more.
    await sendAll();
    await expect.poll(() => [smtp.to(owner.email).length, smtp.to(`admin@${t.slug}.example`).length]).toEqual([5, 5]);
    await sendAll();
    expect(smtp.received).toHaveLength(10);
    expect(new Set(smtp.to(owner.email).map((m) => m.subject)).size).toBe(5);

    // Extended through one process, reminded again once, whichever process looks.
    await b.request({ method: 'PATCH', url: `/v1/access-keys/${keys[0]!.accessKeyId}`, as: owner.session, body: { expiresInDays: 4 } });
    advanceBoth(2 * DAY_MS + 60_000);
    const again = await Promise.all([a.services.reminders.run(), b.services.reminders.run()]);
    expect(again.reduce((x, y) => x + y, 0)).toBe(1);
    await sendAll();
    await expect.poll(() => smtp.received.length).toBe(12);
    expect((await expiring(a, owner.session)).filter((n) => n.accessKeyId === keys[0]!.accessKeyId)).toHaveLength(2);
  });
});

describe('stopping with a mail in flight (sqlite, slow SMTP)', () => {
  it('lets the mail being sent finish before stop() resolves, and sends nothing after', async () => {
    const smtp = await openMailServer();
    const h = await openHttp('sqlite', { env: mailEnv(smtp) });
    try {
      const t = await h.bootstrap();
      await h.createKey(t.admin, { expiresInDays: 1 });
      smtp.hold();
      await h.services.reminders.run();
      await expect.poll(() => smtp.held()).toBe(1);

      let stopped = false;
      const stopping = h.services.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      smtp.release();
      await stopping;
      const [mail] = await h.store.outbox.listForTenant(t.tenantId);
      expect(mail).toMatchObject({ status: 'sent', bodyEnvelope: null });
      expect(smtp.received).toHaveLength(1);

      // Stopped: a mail queued now stays in the outbox for a running process to send.
      h.clock.advance(DAY_MS);
      await h.createKey(t.admin, { expiresInDays: 1 });
      await h.services.reminders.run();
      expect((await h.store.outbox.listForTenant(t.tenantId)).map((m) => m.status)).toEqual(['sent', 'pending']);
      expect(await h.services.mailSender!.sendDue()).toBe(0);
    } finally {
      await h.app.close();
      await h.testStore.cleanup();
      await smtp.close();
    }
  });
});
