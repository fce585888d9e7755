import type { Logger } from 'pino';
import { AppError, type ErrorCode } from '../core/errors.js';
import { POLICY_RULES } from '../core/policy.js';
import type { AuditEvent, Page, User } from '../core/model.js';
import { timeOrderedIdSource } from '../crypto/random.js';
import type { Store, Tx } from '../store/store.js';
import { auditVia, requireAdmin, type Actor, type Clock } from './actor.js';
import { parseCursor } from './paging.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  result?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** Who an event is about: an actor, or (tenant creation, sign-in) the parts of one that are known. */
export type AuditActor = Pick<Actor, 'tenantId' | 'accessKeyId' | 'ip' | 'via'> & { user: User | null };

/** The action a refusal is recorded under, and what it was aimed at. */
export type AuditTarget = Pick<AuditEntry, 'action' | 'targetType' | 'targetId'>;

/**
 * Refusals that are not recorded by `refusable`: a step-up request is part of the normal flow
 * (the console asks for the code and retries), and a key refused over the quota is recorded
 * where it happens, with the limit.
 */
const NOT_AUDITED_AS_REFUSAL: ReadonlySet<ErrorCode> = new Set(['STEP_UP_REQUIRED', 'KEY_LIMIT_REACHED']);

/**
 * Management actions, one event each. Details must never hold a secret: callers pass names,
 * IDs and states only, and `record` drops any field whose name suggests a credential.
 */
export class AuditService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Time-ordered, so events of the same millisecond still list in the order they happened. */
  private readonly nextId = timeOrderedIdSource('auditEvent');

  constructor(options: { store: Store; clock: Clock; logger: Logger }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** One event; with `tx`, it commits with the change it records (or not at all). */
  async record(actor: AuditActor, entry: AuditEntry, tx?: Tx): Promise<void> {
    await this.insert({ tenantId: actor.tenantId, actorId: actor.user?.id ?? null, actorKeyId: actor.accessKeyId, ip: actor.ip, via: auditVia(actor.via) }, entry, tx);
  }

  /** An event Latchkey raised by itself (no person, key or address acted): the log shows the actor as "system". */
  async recordBySystem(tenantId: string, entry: AuditEntry, tx?: Tx): Promise<void> {
    await this.insert({ tenantId, actorId: null, actorKeyId: null, ip: null, via: null }, entry, tx);
  }

  private async insert(by: Pick<AuditEvent, 'tenantId' | 'actorId' | 'actorKeyId' | 'ip' | 'via'>, entry: AuditEntry, tx?: Tx): Promise<void> {
    const at = this.clock.now();
    const event: AuditEvent = {
      id: this.nextId(at.getTime()),
      ...by,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      result: entry.result ?? 'success',
      at,
      details: entry.details ? scrub(entry.details) : null,
    };
    await (tx ?? this.store).audit.insert(event);
  }

  /**
   * Runs a management action; when it is refused (403, or 409: the target's state forbids it),
   * the refusal is an event too, result `failure` with the code as its reason, whichever way the
   * action came (console, API or CLI). Not found (404) is not recorded: it may name another
   * tenant's object, which must never appear in this tenant's log.
   */
  async refusable<T>(actor: Actor, target: AuditTarget, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError && (error.status === 403 || error.status === 409) && !NOT_AUDITED_AS_REFUSAL.has(error.code)) {
        // The refusal is answered whatever happens to its event.
        await this.record(actor, { ...target, result: 'failure', details: { reason: error.code } }).catch((e: unknown) => this.logger.error({ err: e }, 'could not audit a refused action'));
      }
      throw error;
    }
  }

  async list(actor: Actor, query: { actorId?: string; action?: string; targetId?: string; from?: Date; to?: Date; cursor?: string; limit: number }): Promise<Page<AuditEvent>> {
    requireAdmin(actor, 'latchkey:audit:read');
    const cursor = parseCursor(query.cursor);
    return this.store.audit.list({
      tenantId: actor.tenantId,
      actorId: query.actorId,
      action: query.action,
      targetId: query.targetId,
      from: query.from,
      to: query.to,
      cursor,
      limit: query.limit,
    });
  }
}

const SECRET_FIELD = /secret|password|token|envelope|digest/i;
/** Policy rule names are settings, not credentials, though one is called `secretReveal`. */
const SETTING_FIELDS: ReadonlySet<string> = new Set(POLICY_RULES);

/** Drops every field named like a credential, at any depth (details can nest: a policy's before/after). */
function scrub(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).flatMap(([k, v]) => (SECRET_FIELD.test(k) && !SETTING_FIELDS.has(k) ? [] : [[k, scrubValue(v)]])));
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return scrub(value as Record<string, unknown>);
  return value;
}
