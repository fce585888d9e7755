import type { AuditAction } from '../core/audit-actions.js';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import { decideLeakAction, keyLeaked, leakLabel, MAX_LEAK_ITEMS, REPORT_LEAKS_PERMISSION, tokenProven, type LeakAction, type LeakLabel, type LeakReporter } from '../core/leaks.js';
import type { AccessKey } from '../core/model.js';
import { underAttackRecipients } from '../core/notifications.js';
import { sha256Hex } from '../crypto/digest.js';
import { generateId } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AuditActor, AuditEntry, AuditService } from './audit-service.js';
import type { NotificationsService } from './notifications-service.js';
import type { VerificationService, VerifyOutcome } from './verification-service.js';

/** One found token, in GitHub's secret scanning partner shape. */
export interface FoundToken {
  token: string;
  type?: string | undefined;
  url?: string | undefined;
  source?: string | undefined;
}

/** GitHub's expected answer, naming the token by its SHA-256 (hex) rather than repeating it. */
export interface LeakAnswer {
  token_hash: string;
  token_type: string;
  label: LeakLabel;
}

export interface CallerFacts {
  ip: string | null;
  userAgent: string | null;
}

/** Who reported: the reporter key that authenticated (POST /v1/leaks). */
export interface ReporterScope {
  tenantId: string;
  accessKeyId: string;
}

export const LEAK_REPORTED_ACTION: AuditAction = 'access_key.leak_reported';
export const SELF_REVOKE_ACTION: AuditAction = 'access_key.self_revoke';
export const LEAK_REPORT_ACTION = 'leak_report.receive';

const REPORTER_DETAIL = Object.freeze({ via: 'leak-reporter' });
const REPORTED_DETAIL = Object.freeze({ via: 'leak-report' });
const SELF_REVOKE_DETAIL = Object.freeze({ via: 'self-revoke' });

/**
 * Leaked tokens: reported by a scanner holding latchkey:report-leaks, or revoked by whoever holds
 * one. A token is matched to its key by the one credential check (verification.verify: shape and
 * checksum, key cache, constant-time digest compare, throttled failures, an access record), so
 * a made-up token naming a real key ID never disables anything. Each key's tenant policy
 * (leakResponse) decides between disabling and flagging; the write, its leak row, audit event
 * and the notification to owner and admins commit together.
 */
export class LeaksService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly notifications: NotificationsService;
  private readonly verification: VerificationService;
  private readonly logger: Logger;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; notifications: NotificationsService; verification: VerificationService; logger: Logger }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.notifications = options.notifications;
    this.verification = options.verification;
    this.logger = options.logger;
  }

  /** The reporter behind `token` (a bearer token): throws REPORTER_REQUIRED, REPORTER_INVALID, REPORTER_FORBIDDEN or RATE_LIMITED. */
  async reporter(token: string | null, caller: CallerFacts): Promise<ReporterScope> {
    if (token === null || token === '') throw new AppError('REPORTER_REQUIRED');
    const outcome = await this.verification.verify(
      { kind: 'token', token },
      { permission: REPORT_LEAKS_PERMISSION, sourceIp: caller.ip, userAgent: caller.userAgent, detail: REPORTER_DETAIL, countSuccess: false },
    );
    if (outcome.valid) return { tenantId: outcome.tenantId, accessKeyId: outcome.accessKeyId };
    if (outcome.code === 'PERMISSION_DENIED') throw new AppError('REPORTER_FORBIDDEN');
    throw refusedCredential(outcome, 'REPORTER_INVALID');
  }

  /** Handles each found token once (a token repeated in the report is answered alike), answering each in GitHub's shape. */
  async report(reporter: ReporterScope, found: FoundToken[], caller: CallerFacts): Promise<LeakAnswer[]> {
    if (found.length === 0 || found.length > MAX_LEAK_ITEMS) {
      throw new AppError('VALIDATION_FAILED', `A report carries 1 to ${MAX_LEAK_ITEMS} found tokens.`, { field: 'body' });
    }
    const labels = new Map<string, LeakLabel>();
    for (const item of found) {
      if (labels.has(item.token)) continue;
      labels.set(item.token, await this.reportOne(reporter, item, caller));
    }
    const truePositives = [...labels.values()].filter((l) => l === 'true_positive').length;
    await this.audit.record(reporterActor(reporter, caller), {
      action: LEAK_REPORT_ACTION,
      targetType: 'access_key',
      targetId: null,
      details: { items: found.length, distinct: labels.size, truePositives },
    });
    return found.map((item) => ({ token_hash: sha256Hex(item.token), token_type: item.type ?? '', label: labels.get(item.token)! }));
  }

  /**
   * The holder of a token disables its key by presenting it. Answers the key's ID and state
   * (already disabled or deleted: as it is); a token that proves no key is TOKEN_NOT_VALID, and
   * failures count against the source as every failed verification does (RATE_LIMITED past it).
   */
  async selfRevoke(token: string | null, caller: CallerFacts): Promise<{ accessKeyId: string; state: AccessKey['state'] }> {
    if (token === null || token === '') throw new AppError('TOKEN_NOT_VALID', 'Send the token to revoke as Authorization: Bearer <token>.');
    const outcome = await this.verification.verify({ kind: 'token', token }, { sourceIp: caller.ip, userAgent: caller.userAgent, detail: SELF_REVOKE_DETAIL });
    if (!tokenProven(outcome) || outcome.key === null) throw refusedCredential(outcome, 'TOKEN_NOT_VALID');
    const { tenantId, accessKeyId } = outcome.key.key;
    const done = await this.apply(
      tenantId,
      accessKeyId,
      { by: 'holder', reporterKeyId: null, tokenType: null, url: null, source: null },
      { tenantId, user: null, accessKeyId, ip: caller.ip, via: 'key' },
    );
    return { accessKeyId, state: done.state };
  }

  private async reportOne(reporter: ReporterScope, item: FoundToken, caller: CallerFacts): Promise<LeakLabel> {
    // Another tenant's key is looked up all the same (tenantId unset): it is acted on, but answered as an unknown token.
    const outcome = await this.verification.verify(
      { kind: 'token', token: item.token },
      { sourceIp: caller.ip, userAgent: caller.userAgent, detail: REPORTED_DETAIL, verifierKeyId: reporter.accessKeyId },
    );
    if (!tokenProven(outcome) || outcome.key === null) return 'false_positive';
    const { tenantId, accessKeyId } = outcome.key.key;
    const sameTenant = tenantId === reporter.tenantId;
    // Another tenant's log never names this tenant's reporter key or address: there the event is the system's.
    const actor: AuditActor | null = sameTenant ? reporterActor(reporter, caller) : null;
    const facts = { by: 'scanner' as const, reporterKeyId: sameTenant ? reporter.accessKeyId : null, tokenType: item.type ?? null, url: item.url ?? null, source: item.source ?? null };
    const done = await this.apply(tenantId, accessKeyId, facts, actor);
    return leakLabel(reporter.tenantId, tenantId, done.action);
  }

  /** Disables or flags the key as its tenant's policy says, with its leak row, audit event and notification, in one transaction. */
  private async apply(
    tenantId: string,
    accessKeyId: string,
    leak: { by: LeakReporter; reporterKeyId: string | null; tokenType: string | null; url: string | null; source: string | null },
    actor: AuditActor | null,
  ): Promise<{ action: LeakAction | null; state: AccessKey['state'] }> {
    const result = await this.store.transaction(async (tx) => {
      const [found, tenant] = await Promise.all([tx.accessKeys.find(tenantId, accessKeyId), tx.tenants.findById(tenantId)]);
      if (!found || !tenant) return { action: null, state: 'deleted' as const, mailed: false };
      const key = found.key;
      const action = decideLeakAction(key.state, tenant.policy.leakResponse, leak.by);
      if (action === null) return { action, state: key.state, mailed: false };
      const now = this.clock.now();
      if (action === 'disabled' && !(await tx.accessKeys.update(tenantId, accessKeyId, key.state, { state: 'disabled' }, now))) {
        throw new AppError('CONFLICT', 'The key changed while the report was handled; send it again.');
      }
      await tx.keyLeaks.insert({
        id: generateId('keyLeak'),
        tenantId,
        accessKeyId,
        reportedAt: now,
        reportedBy: leak.by,
        reporterKeyId: leak.reporterKeyId,
        tokenType: leak.tokenType,
        url: leak.url,
        source: leak.source,
        action,
      });
      const entry: AuditEntry = {
        action: leak.by === 'holder' ? SELF_REVOKE_ACTION : LEAK_REPORTED_ACTION,
        targetType: 'access_key',
        targetId: accessKeyId,
        details: { reportedBy: leak.by, action, from: key.state, url: leak.url, source: leak.source, type: leak.tokenType },
      };
      if (actor === null) await this.audit.recordBySystem(tenantId, entry, tx);
      else await this.audit.record(actor, entry, tx);
      const recipients = underAttackRecipients(await tx.users.activeAdminIds(tenantId), key.ownerId);
      const mailed = await this.notifications.notify(tx, tenantId, recipients, keyLeaked(key, { url: leak.url, source: leak.source, by: leak.by, action }), { mail: true });
      return { action, state: action === 'disabled' ? ('disabled' as const) : key.state, mailed };
    });
    if (result.mailed) this.notifications.mailQueued();
    if (result.action !== null) this.logger.warn({ tenantId, accessKeyId, reportedBy: leak.by, action: result.action }, 'access key reported leaked');
    return result;
  }
}

function reporterActor(reporter: ReporterScope, caller: CallerFacts): AuditActor {
  return { tenantId: reporter.tenantId, user: null, accessKeyId: reporter.accessKeyId, ip: caller.ip, via: 'key' };
}

/** A refused credential: RATE_LIMITED (with when to retry) when the throttle answered, else `code`. */
function refusedCredential(outcome: VerifyOutcome, code: 'REPORTER_INVALID' | 'TOKEN_NOT_VALID'): AppError {
  if (!outcome.valid && outcome.code === 'RATE_LIMITED') return new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: outcome.retryAfterSeconds ?? 60 });
  return new AppError(code, undefined, outcome.valid ? undefined : { reason: outcome.code });
}
