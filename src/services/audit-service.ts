import type { Logger } from 'pino';
import { auditActionLabel, type AuditAction } from '../core/audit-actions.js';
import { AppError, type ErrorCode } from '../core/errors.js';
import { POLICY_RULES } from '../core/policy.js';
import type { AuditEvent, Page, User } from '../core/model.js';
import { timeOrderedIdSource } from '../crypto/random.js';
import type { Store, Tx } from '../store/store.js';
import { auditVia, requireAdmin, type Actor, type Clock } from './actor.js';
import { parseCursor } from './paging.js';

export interface AuditEntry {
  action: AuditAction;
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

  async list(actor: Actor, query: AuditQuery & { cursor?: string; limit: number }): Promise<Page<NamedAuditEvent>> {
    requireAdmin(actor, 'latchkey:audit:read');
    const page = await this.store.audit.list({ ...this.filterOf(actor, query), cursor: parseCursor(query.cursor), limit: query.limit });
    return { items: await this.named(actor.tenantId, page.items), nextCursor: page.nextCursor };
  }

  /**
   * Every event the filters match, newest first, a page at a time (for the CSV export): the
   * reader holds one page in memory whatever the log's size.
   */
  async *all(actor: Actor, query: AuditQuery): AsyncGenerator<NamedAuditEvent[]> {
    requireAdmin(actor, 'latchkey:audit:read');
    const filter = this.filterOf(actor, query);
    let cursor: string | null = null;
    do {
      const page: Page<AuditEvent> = await this.store.audit.list({ ...filter, cursor: parseCursor(cursor ?? undefined), limit: EXPORT_PAGE });
      yield await this.named(actor.tenantId, page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  private filterOf(actor: Actor, query: AuditQuery) {
    return { tenantId: actor.tenantId, actorId: query.actorId, action: query.action, targetId: query.targetId, from: query.from, to: query.to };
  }

  /** The events with the names of who acted and what they acted on, looked up once per page. */
  private async named(tenantId: string, events: AuditEvent[]): Promise<NamedAuditEvent[]> {
    const ids = { users: [] as string[], keys: [] as string[], roles: [] as string[], groups: [] as string[] };
    for (const e of events) {
      if (e.actorId !== null) ids.users.push(e.actorId);
      if (e.actorKeyId !== null) ids.keys.push(e.actorKeyId);
      const list = e.targetId === null ? undefined : NAMED_TARGETS[e.targetType];
      if (list !== undefined) ids[list].push(e.targetId!);
    }
    const names = await this.store.audit.namesOf(tenantId, ids);
    return events.map((e) => ({
      ...e,
      actionLabel: auditActionLabel(e.action),
      actorEmail: e.actorId === null ? null : (names.get(e.actorId) ?? null),
      actorKeyName: e.actorKeyId === null ? null : (names.get(e.actorKeyId) ?? null),
      targetName: e.targetId !== null && NAMED_TARGETS[e.targetType] !== undefined ? (names.get(e.targetId) ?? null) : null,
    }));
  }
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

/** An event as readers get it: with the action's label and the current names of its actor, key and target (null when gone or unnamed). */
export type NamedAuditEvent = AuditEvent & { actionLabel: string; actorEmail: string | null; actorKeyName: string | null; targetName: string | null };

/** Target types whose IDs name something with a name (users by their email). */
const NAMED_TARGETS: Record<string, 'users' | 'keys' | 'roles' | 'groups' | undefined> = { user: 'users', access_key: 'keys', role: 'roles', group: 'groups' };

/** Events per page read for an export. */
const EXPORT_PAGE = 500;

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
