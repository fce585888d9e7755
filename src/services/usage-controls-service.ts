import { AppError } from '../core/errors.js';
import type { Identity } from '../core/key-controls.js';
import type { Page } from '../core/model.js';
import { checkCreditCount, checkCredits, checkExternalId, checkMeta, checkRatelimits, CREDITS_MAX } from '../core/usage-controls-input.js';
import type { CreditsChange, CreditsOwner, StoredCredits } from '../store/repos/credits-repo.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import { parseCursor } from './paging.js';
import { checkedOrThrow } from './usage-input.js';

export interface IdentityInput {
  ratelimits?: unknown;
  credits?: unknown;
  meta?: unknown;
}

/** `{add: n}` (n a non-zero integer; the result stops at zero) or `{set: n}` (n ≥ 0). */
export type CreditsChangeInput = { add?: unknown; set?: unknown };

/**
 * Identities (the tenant's customers, whose limits and credits their keys share) and
 * administrators' credit changes. All of it is the tenant's metering, so only administrators
 * change it (and read identities); a key's own controls are set through the keys service.
 * Every write is audited (no secret can be in it: metadata holding one is refused) and names
 * what it changed in the change log, so every process evicts the keys it affects.
 */
export class UsageControlsService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
  }

  async listIdentities(actor: Actor, query: { cursor?: string; limit: number; q?: string }): Promise<Page<Identity>> {
    requireAdmin(actor, 'latchkey:identities:read');
    const contains = query.q?.trim().toLowerCase() ?? '';
    return this.store.identities.list(actor.tenantId, { cursor: parseCursor(query.cursor), limit: query.limit, contains: contains === '' ? null : contains });
  }

  async getIdentity(actor: Actor, externalId: string): Promise<Identity> {
    requireAdmin(actor, 'latchkey:identities:read');
    const found = await this.store.identities.find(actor.tenantId, externalIdOf(externalId));
    if (!found) throw new AppError('NOT_FOUND', 'No such identity.');
    return found;
  }

  /** Creates or replaces the identity (fields left out: none). */
  putIdentity(actor: Actor, externalId: string, input: IdentityInput): Promise<{ identity: Identity; created: boolean }> {
    return this.audit.refusable(actor, { action: 'identity.put', targetType: 'identity', targetId: externalId }, () => this.writeIdentity(actor, externalId, input));
  }

  private async writeIdentity(actor: Actor, externalId: string, input: IdentityInput): Promise<{ identity: Identity; created: boolean }> {
    requireAdmin(actor, 'latchkey:identities:write');
    const id = externalIdOf(externalId);
    const values = {
      ratelimits: input.ratelimits === undefined || input.ratelimits === null ? null : checkedOrThrow(checkRatelimits(input.ratelimits)),
      meta: input.meta === undefined || input.meta === null ? null : checkedOrThrow(checkMeta(input.meta)),
      credits: input.credits === undefined || input.credits === null ? null : checkedOrThrow(checkCredits(input.credits)),
    };
    const outcome = await this.store.transaction(async (tx) => {
      const result = await tx.identities.put(actor.tenantId, id, values, this.clock.now());
      await this.audit.record(actor, { action: result === 'created' ? 'identity.create' : 'identity.update', targetType: 'identity', targetId: id, details: { externalId: id, ...values } }, tx);
      return result;
    });
    return { identity: await this.getIdentity(actor, id), created: outcome === 'created' };
  }

  /** Removes the identity; its keys keep their externalId and no longer share its limits or credits. */
  deleteIdentity(actor: Actor, externalId: string): Promise<void> {
    return this.audit.refusable(actor, { action: 'identity.delete', targetType: 'identity', targetId: externalId }, () => this.removeIdentity(actor, externalId));
  }

  private async removeIdentity(actor: Actor, externalId: string): Promise<void> {
    requireAdmin(actor, 'latchkey:identities:write');
    const id = externalIdOf(externalId);
    await this.store.transaction(async (tx) => {
      if (!(await tx.identities.delete(actor.tenantId, id))) throw new AppError('NOT_FOUND', 'No such identity.');
      await this.audit.record(actor, { action: 'identity.delete', targetType: 'identity', targetId: id, details: { externalId: id } }, tx);
    });
  }

  /** Adds to or sets a key's credits (admins), in one statement. */
  changeKeyCredits(actor: Actor, accessKeyId: string, input: CreditsChangeInput): Promise<StoredCredits> {
    return this.audit.refusable(actor, { action: 'access_key.credits', targetType: 'access_key', targetId: accessKeyId }, () =>
      this.changeCredits(actor, { tenantId: actor.tenantId, accessKeyId }, input, 'latchkey:keys:write'),
    );
  }

  /** Adds to or sets an identity's credits (admins), in one statement. */
  changeIdentityCredits(actor: Actor, externalId: string, input: CreditsChangeInput): Promise<StoredCredits> {
    return this.audit.refusable(actor, { action: 'identity.credits', targetType: 'identity', targetId: externalId }, () =>
      this.changeCredits(actor, { tenantId: actor.tenantId, externalId: externalIdOf(externalId) }, input, 'latchkey:identities:write'),
    );
  }

  private async changeCredits(actor: Actor, owner: CreditsOwner, input: CreditsChangeInput, permission: 'latchkey:keys:write' | 'latchkey:identities:write'): Promise<StoredCredits> {
    requireAdmin(actor, permission);
    const change = creditsChangeOf(input);
    const isKey = 'accessKeyId' in owner;
    const result = await this.store.transaction(async (tx) => {
      const after = await tx.credits.change(owner, change, this.clock.now().getTime());
      if (after === null) throw new AppError('NOT_FOUND', isKey ? 'No such access key.' : 'No such identity.');
      if (after === 'unlimited') {
        throw new AppError('CONFLICT', `${isKey ? 'This key' : 'This identity'} has unlimited credits: set a number first ({"set": n}), then add to it.`, { field: 'add' });
      }
      await this.audit.record(
        actor,
        {
          action: isKey ? 'access_key.credits' : 'identity.credits',
          targetType: isKey ? 'access_key' : 'identity',
          targetId: isKey ? owner.accessKeyId : owner.externalId,
          details: { ...change, remaining: after.remaining },
        },
        tx,
      );
      return after;
    });
    return result;
  }
}

function externalIdOf(value: string): string {
  return checkedOrThrow(checkExternalId(value));
}

function creditsChangeOf(input: CreditsChangeInput): CreditsChange {
  const given = (['add', 'set'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) throw new AppError('VALIDATION_FAILED', 'Give exactly one of add and set.', { field: given.length === 0 ? 'add' : 'set' });
  if (input.set !== undefined) return { set: checkedOrThrow(checkCreditCount(input.set, 'set')) };
  const add = input.add;
  if (!Number.isSafeInteger(add) || add === 0 || Math.abs(add as number) > CREDITS_MAX) {
    throw new AppError('VALIDATION_FAILED', `add must be a non-zero integer from -${CREDITS_MAX} to ${CREDITS_MAX} (a negative one takes away, down to zero at most).`, { field: 'add' });
  }
  return { add: add as number };
}
