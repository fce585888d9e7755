/**
 * HTTP: the audit log as people read it (issue 12, "who can do what"): names beside IDs, a label
 * for every action, the list of actions for the filter, and the filtered events as CSV — safe to
 * open in a spreadsheet, admins only, one tenant's events only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../src/core/audit-actions.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, type Harness, type Tenant } from './support/http.js';

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe.each(DATABASE_KINDS)('HTTP audit log for people (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let other: Tenant;
  let member: { id: string; email: string };
  let keyId: string;

  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    other = await h.bootstrap();
    member = await h.addUser(acme.admin, { role: 'member', programmaticAccess: true, email: 'member@acme.example' });
    h.clock.advance(1000);
    const key = await h.createKey(acme.admin, { name: '=cmd|calc' });
    keyId = key.accessKeyId;
    h.clock.advance(1000);
    await h.request({ method: 'POST', url: `/v1/access-keys/${keyId}/disable`, as: acme.admin });
    h.clock.advance(1000);
    await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'reader, "quoted"', permissions: ['a:b'] } });
    await h.createKey(other.admin, { name: 'other-tenant-key' });
  });
  afterAll(() => h?.close());

  it('names the actor, the key and the target beside their IDs, and labels the action', async () => {
    const res = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${keyId}`, as: acme.admin });
    expect(res.status).toBe(200);
    const [disabled, created] = res.body.items;
    expect(disabled).toMatchObject({ action: 'access_key.disable', actionLabel: 'Access key disabled', actorEmail: acme.admin.email, targetName: '=cmd|calc' });
    expect(created).toMatchObject({ action: 'access_key.create', actionLabel: 'Access key created', targetType: 'access_key', targetName: '=cmd|calc' });
    const users = await h.request({ method: 'GET', url: `/v1/audit-events?action=user.create&targetId=${member.id}`, as: acme.admin });
    expect(users.body.items[0]).toMatchObject({ targetType: 'user', targetName: 'member@acme.example' });
    // An event whose target has no name (the policy) or no actor (the system) says null, not a made-up name.
    const login = await h.request({ method: 'GET', url: '/v1/audit-events?action=tenant.create', as: acme.admin });
    expect(login.body.items[0]).toMatchObject({ targetType: 'tenant', targetName: null });
  });

  it('lists every action with its label, for the filter', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/audit-events/actions', as: acme.admin });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(Object.entries(AUDIT_ACTIONS).map(([action, label]) => ({ action, label })));
    expect(res.body.items).toContainEqual({ action: 'access_key.disable', label: 'Access key disabled' });
  });

  it('exports the filtered events as CSV: a header, one row each, newest first, names and labels included', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/audit-events/export?action=access_key.create', as: acme.admin });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="latchkey-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([
      'time',
      'actor_email',
      'actor_id',
      'actor_key_id',
      'actor_key_name',
      'via',
      'action',
      'action_label',
      'target_type',
      'target_id',
      'target_name',
      'result',
      'ip',
      'details',
    ]);
    const api = await h.request({ method: 'GET', url: '/v1/audit-events?action=access_key.create&limit=100', as: acme.admin });
    expect(rows.length - 1).toBe(api.body.items.length);
    expect(rows.slice(1).map((r) => r[9])).toEqual(api.body.items.map((e: { targetId: string }) => e.targetId));
    const row = rows.find((r) => r[9] === keyId)!;
    expect(row[6]).toBe('access_key.create');
    expect(row[7]).toBe('Access key created');
    expect(row[1]).toBe(acme.admin.email);
    expect(row[0]).toBe(api.body.items.find((e: { targetId: string }) => e.targetId === keyId).at);
    // No other tenant's events.
    expect(res.text).not.toContain('other-tenant-key');
  });

  it('defuses names a spreadsheet would run as a formula, and quotes commas and quotes', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/audit-events/export', as: acme.admin });
    const rows = parseCsv(res.text);
    const names = rows.map((r) => r[10]);
    expect(names).toContain("'=cmd|calc");
    expect(names).not.toContain('=cmd|calc');
    expect(names).toContain('reader, "quoted"');
    // Every row has every column.
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([14]));
  });

  it('exports more events than one page reads (500), each once', async () => {
    const admin = (await h.services.users.findById(acme.tenantId, acme.admin.userId))!;
    for (let i = 0; i < 520; i++) {
      await h.services.audit.record(
        { tenantId: acme.tenantId, user: admin, accessKeyId: null, ip: null, via: 'session' },
        { action: 'user.update', targetType: 'user', targetId: member.id, details: { n: i } },
      );
    }
    const res = await h.request({ method: 'GET', url: `/v1/audit-events/export?action=user.update&targetId=${member.id}`, as: acme.admin });
    const rows = parseCsv(res.text).slice(1);
    expect(rows.length).toBe(520);
    expect(new Set(rows.map((r) => r[13])).size).toBe(520);
  });

  it('is for admins only, and refuses bad filters with the field named', async () => {
    const session = await h.login(acme.slug, member.email);
    for (const url of ['/v1/audit-events/export', '/v1/audit-events']) {
      const res = await h.request({ method: 'GET', url, as: session });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('time,actor_email');
    }
    const bad = await h.request({ method: 'GET', url: '/v1/audit-events/export?from=yesterday', as: acme.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('from');
    const unknown = await h.request({ method: 'GET', url: '/v1/audit-events/export?format=xlsx', as: acme.admin });
    expect(unknown.status).toBe(400);
  });
});
