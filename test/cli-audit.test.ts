/**
 * The CLI acts as a named admin and the audit log says so: its changes and its refusals are
 * events with via "cli", like those of the console and the API (the services record them).
 * SQLite only: what is checked is the CLI's path into the services, not the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliWorld, initTenant, type CliWorld, type InitResult } from './support/cli.js';

describe('the audit log of CLI actions', () => {
  let world: CliWorld;
  let admin: InitResult;
  const t = ['--tenant', 'acme'];

  beforeAll(async () => {
    world = await createCliWorld('sqlite');
    admin = await initTenant(world);
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('records a refusal through the CLI as a failure by the acting admin, via cli', async () => {
    const key = await world.json(['keys', 'create', ...t, '--name', 'still-enabled']);
    // The default policy wants a key disabled before it is deleted.
    expect(await world.fails(['keys', 'delete', ...t, key.accessKeyId])).toMatch(/^latchkey: KEY_NOT_DISABLED: /);
    const events = (await world.json(['audit', 'list', ...t, '--target', key.accessKeyId])).items;
    expect(events.map((e: any) => ({ action: e.action, result: e.result, actorId: e.actorId, via: e.via, reason: e.details?.reason ?? null }))).toEqual([
      { action: 'access_key.delete', result: 'failure', actorId: admin.userId, via: 'cli', reason: 'KEY_NOT_DISABLED' },
      { action: 'access_key.create', result: 'success', actorId: admin.userId, via: 'cli', reason: null },
    ]);
  });
});
