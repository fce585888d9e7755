/**
 * Revocation across processes: two Latchkey runtimes share one PostgreSQL database; a change
 * made through A stops verification on B — which holds the key in its cache — within 1 s.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/services/actor.js';
import type { VerifyOutcome } from '../src/services/verification-service.js';
import { eventually, PASSWORD, type Runtime, openPostgresPair, type PostgresPair } from './support/verify-cluster.js';

const REVOCATION_BOUND_MS = 1_000;
const context = { sourceIp: '203.0.113.7', userAgent: 'revocation-test' };

describe('revocation across two processes sharing PostgreSQL', () => {
  let pair: PostgresPair;
  let a: Runtime;
  let b: Runtime;
  let admin: Actor;

  beforeAll(async () => {
    pair = await openPostgresPair();
    ({ a, b, admin } = pair);
  });

  afterAll(async () => {
    await pair?.close();
  });

  const verifyOnB = async (token: string, permission?: string): Promise<VerifyOutcome> => b.services.verification.verify({ kind: 'token', token }, { ...context, permission });

  /** Verified once on B, so B holds the key in its cache from here on. */
  async function cachedOnB(token: string, permission?: string): Promise<void> {
    // A poll of B still applying changes A wrote before (the key's creation among them) drops a
    // key loading meanwhile, as it should; on a slow machine that happens. So B takes in A's
    // changes and verifies until it holds the key.
    await eventually(
      async () => {
        await b.services.keyCache.poll();
        const outcome = await verifyOnB(token, permission);
        expect(outcome).toMatchObject({ valid: true });
        return outcome.valid && b.services.keyCache.peek(outcome.accessKeyId) != null;
      },
      10_000,
      'B does not keep the key in its cache',
    );
    expect(await verifyOnB(token, permission)).toMatchObject({ valid: true });
  }

  async function refusedOnB(token: string, expected: { code: string; reason: string }, permission?: string): Promise<number> {
    let last: VerifyOutcome | null = null;
    const took = await eventually(
      async () => {
        last = await verifyOnB(token, permission);
        return !last.valid;
      },
      REVOCATION_BOUND_MS,
      'B still accepts the key',
    );
    expect(last).toMatchObject({ valid: false, ...expected });
    return took;
  }

  it('a key disabled through A is refused by B within 1 s', async () => {
    const issued = await a.services.keys.create(admin, { name: 'disable me' });
    await cachedOnB(issued.token);
    await a.services.keys.disable(admin, issued.key.accessKeyId);
    await refusedOnB(issued.token, { code: 'KEY_DISABLED', reason: 'KEY_DISABLED' });
  });

  it('a key deleted through A is refused by B within 1 s', async () => {
    const issued = await a.services.keys.create(admin, { name: 'delete me' });
    await cachedOnB(issued.token);
    await a.services.keys.disable(admin, issued.key.accessKeyId);
    await a.services.keys.delete(admin, issued.key.accessKeyId);
    await refusedOnB(issued.token, { code: 'KEY_DELETED', reason: 'KEY_DELETED' });
  });

  it('after a rotation through A, B refuses the old secret within 1 s and accepts the new one', async () => {
    const issued = await a.services.keys.create(admin, { name: 'rotate me' });
    await cachedOnB(issued.token);
    const rotated = await a.services.keys.rotate(admin, issued.key.accessKeyId);
    // The caller is told "not found"; the access record keeps the exact reason.
    await refusedOnB(issued.token, { code: 'KEY_NOT_FOUND', reason: 'SECRET_MISMATCH' });
    expect(await verifyOnB(rotated.token)).toMatchObject({ valid: true, accessKeyId: issued.key.accessKeyId });
  });

  it("disabling the owner through A stops the owner's key on B within 1 s", async () => {
    const { user } = await a.services.users.create(admin, { email: `m${randomBytes(4).toString('hex')}@example.test`, password: PASSWORD, programmaticAccess: true });
    const issued = await a.services.keys.create(admin, { name: 'owned by a member', userId: user.id });
    await cachedOnB(issued.token);
    await a.services.users.update(admin, user.id, { status: 'disabled' });
    await refusedOnB(issued.token, { code: 'USER_DISABLED', reason: 'USER_DISABLED' });
  });

  it("narrowing the owner's role through A takes the permission away on B within 1 s", async () => {
    const role = await a.services.roles.createRole(admin, { name: `storage-${randomBytes(3).toString('hex')}`, permissions: ['storage:*'] });
    const { user } = await a.services.users.create(admin, {
      email: `m${randomBytes(4).toString('hex')}@example.test`,
      password: PASSWORD,
      programmaticAccess: true,
      roleIds: [role.id],
    });
    const issued = await a.services.keys.create(admin, { name: 'acts as its owner', userId: user.id });
    await cachedOnB(issued.token, 'storage:write');
    await a.services.roles.updateRole(admin, role.id, { permissions: ['storage:read'] });
    await refusedOnB(issued.token, { code: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED' }, 'storage:write');
    expect(await verifyOnB(issued.token, 'storage:read')).toMatchObject({ valid: true, permissions: ['storage:read'] });
  });
});
