/** `latchkey keys create|update|credits` usage-control options and `latchkey identities …`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessCli, initTenant, type CliWorld } from './support/cli.js';
import { DATABASE_KINDS } from './support/databases.js';

describe.each(DATABASE_KINDS)('latchkey usage controls on %s', (kind) => {
  let world: CliWorld;
  const t = ['--tenant', 'acme'];

  beforeAll(async () => {
    world = await createInProcessCli(kind);
    await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('creates a key with limits, IP blocks, metadata, an identity and refilled credits, and shows them', async () => {
    const key = await world.json([
      'keys',
      'create',
      ...t,
      '--name',
      'metered',
      '--ratelimit',
      'requests=100/10s',
      '--ratelimit',
      'daily=5000/1d',
      '--ip-allow',
      '10.1.2.3/8',
      '--ip-allow',
      '2001:db8::/32',
      '--meta',
      '{"plan":"pro"}',
      '--external-id',
      'cust-1',
      '--credits',
      '500',
      '--refill',
      'monthly:1000:15',
    ]);
    expect(key).toMatchObject({
      ratelimits: [
        { name: 'requests', limit: 100, durationMs: 10_000 },
        { name: 'daily', limit: 5000, durationMs: 86_400_000 },
      ],
      ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
      meta: { plan: 'pro' },
      externalId: 'cust-1',
      credits: { remaining: 500, refill: { interval: 'monthly', amount: 1000, refillDay: 15 } },
    });
    const human = (await world.run(['keys', 'get', key.accessKeyId, ...t])).stdout;
    expect(human).toMatch(/^rate limits:\s+requests=100\/10s, daily=5000\/1d$/m);
    expect(human).toMatch(/^credits:\s+500 \(refill to 1000 monthly on day 15\)$/m);
    expect(human).toMatch(/^ip allowlist:\s+10\.0\.0\.0\/8, 2001:db8::\/32$/m);
    expect(human).toMatch(/^external id:\s+cust-1$/m);
    const listed = await world.json(['keys', 'list', ...t, '--external-id', 'cust-1']);
    expect(listed.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([key.accessKeyId]);
  });

  it('updates and clears controls, and changes credits with --add and --set', async () => {
    const key = await world.json(['keys', 'create', ...t, '--name', 'later', '--credits', '5']);
    const updated = await world.json(['keys', 'update', key.accessKeyId, ...t, '--ratelimit', 'r=1/1m', '--meta', '{"team":"a"}']);
    expect(updated).toMatchObject({ ratelimits: [{ name: 'r', limit: 1, durationMs: 60_000 }], meta: { team: 'a' }, credits: { remaining: 5 } });
    expect(await world.json(['keys', 'credits', key.accessKeyId, ...t, '--add', '10'])).toMatchObject({ remaining: 15 });
    expect(await world.json(['keys', 'credits', key.accessKeyId, ...t, '--add', '-100'])).toMatchObject({ remaining: 0 });
    expect(await world.json(['keys', 'credits', key.accessKeyId, ...t, '--set', '7'])).toMatchObject({ remaining: 7 });
    const cleared = await world.json(['keys', 'update', key.accessKeyId, ...t, '--no-ratelimits', '--no-meta', '--no-credits']);
    expect(cleared).toMatchObject({ ratelimits: null, meta: null, credits: null });
    expect(await world.fails(['keys', 'credits', key.accessKeyId, ...t, '--add', '1'])).toMatch(/^latchkey: CONFLICT: This key has unlimited credits/);
  });

  it('says what is wrong: a bad spelling, or the field the service refuses', async () => {
    expect(await world.fails(['keys', 'create', ...t, '--ratelimit', 'requests=100'])).toMatch(/--ratelimit.*must be name=limit\/duration/);
    expect(await world.fails(['keys', 'create', ...t, '--refill', 'weekly:5', '--credits', '1'])).toMatch(/--refill.*must be daily:AMOUNT or monthly/);
    expect(await world.fails(['keys', 'create', ...t, '--meta', '[1]'])).toMatch(/--meta.*must be a JSON object/);
    expect(await world.fails(['keys', 'create', ...t, '--refill', 'daily:5'])).toMatch(/--refill needs --credits/);
    expect(await world.fails(['keys', 'create', ...t, '--ratelimit', 'r=0/1s'])).toMatch(/^latchkey: VALIDATION_FAILED: ratelimits\.0\.limit must be an integer of at least 1/);
    expect(await world.fails(['keys', 'create', ...t, '--ip-allow', '10.0.0.0/99'])).toMatch(/VALIDATION_FAILED: ipAllowlist\.0 is not an IPv4 or IPv6 address/);
    expect(await world.fails(['keys', 'create', ...t, '--meta', '{"password":"x"}'])).toMatch(/VALIDATION_FAILED: meta\.password looks like a secret/);
    expect((await world.json(['keys', 'list', ...t])).items.every((k: { name: string }) => k.name === 'metered' || k.name === 'later')).toBe(true);
  });

  it('sets, shows, lists, credits and deletes identities', async () => {
    const created = await world.json(['identities', 'set', 'acme-co', ...t, '--ratelimit', 'shared=1000/1h', '--credits', '100', '--refill', 'daily:100', '--meta', '{"tier":"gold"}']);
    expect(created).toMatchObject({
      externalId: 'acme-co',
      ratelimits: [{ name: 'shared', limit: 1000, durationMs: 3_600_000 }],
      credits: { remaining: 100, refill: { interval: 'daily', amount: 100 } },
      meta: { tier: 'gold' },
    });
    expect((await world.run(['identities', 'show', 'acme-co', ...t])).stdout).toMatch(/^credits:\s+100 \(refill to 100 daily at 00:00 UTC\)$/m);
    expect((await world.json(['identities', 'list', ...t])).items.map((i: { externalId: string }) => i.externalId)).toEqual(['acme-co']);
    expect((await world.json(['identities', 'list', ...t, '--search', 'ACME'])).items.map((i: { externalId: string }) => i.externalId)).toEqual(['acme-co']);
    expect((await world.json(['identities', 'list', ...t, '--search', 'globex'])).items).toEqual([]);
    expect(await world.json(['identities', 'credits', 'acme-co', ...t, '--add', '-30'])).toMatchObject({ remaining: 70 });
    const replaced = await world.json(['identities', 'set', 'acme-co', ...t]);
    expect(replaced).toMatchObject({ ratelimits: null, credits: null, meta: null });
    expect(await world.json(['identities', 'delete', 'acme-co', ...t])).toEqual({ externalId: 'acme-co', deleted: true });
    expect(await world.fails(['identities', 'show', 'acme-co', ...t])).toMatch(/NOT_FOUND/);
    expect(await world.fails(['identities', 'set', 'bad id', ...t])).toMatch(/VALIDATION_FAILED: externalId must be 1 to 128/);
  });
});
