import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import { POLICY_RULES } from '../core/policy.js';
import type { AuditEvent, Page } from '../core/model.js';
import { timeOrderedIdSource } from '../crypto/random.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import { parseCursor } from './paging.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  result?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/**
 * Management actions, one event each. Details must never hold a secret: callers pass names,
 * IDs and states only, and `record` drops any field whose name suggests a credential.
 */
export class AuditService {
  private readonly store: Store;
  private readonly clock: Clock;
  /** Time-ordered, so events of the same millisecond still list in the order they happened. */
  private readonly nextId = timeOrderedIdSource('auditEvent');

  constructor(options: { store: Store; clock: Clock }) {
    this.store = options.store;
    this.clock = options.clock;
  }

  async record(actor: Pick<Actor, 'tenantId' | 'user' | 'accessKeyId' | 'ip'> | { tenantId: string; user: null; accessKeyId: null; ip: string | null }, entry: AuditEntry, db?: Kysely<Database>): Promise<void> {
    const at = this.clock.now();
    const event: AuditEvent = {
      id: this.nextId(at.getTime()),
      tenantId: actor.tenantId,
      actorId: actor.user?.id ?? null,
      actorKeyId: actor.accessKeyId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      result: entry.result ?? 'success',
      ip: actor.ip,
      at,
      details: entry.details ? scrub(entry.details) : null,
    };
    await this.store.audit.insert(event, db);
  }

  async list(
    actor: Actor,
    query: { actorId?: string; action?: string; targetId?: string; from?: Date; to?: Date; cursor?: string; limit: number },
  ): Promise<Page<AuditEvent>> {
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
  return Object.fromEntries(
    Object.entries(details).flatMap(([k, v]) => (SECRET_FIELD.test(k) && !SETTING_FIELDS.has(k) ? [] : [[k, scrubValue(v)]])),
  );
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return scrub(value as Record<string, unknown>);
  return value;
}
