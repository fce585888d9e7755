import type { FastifyRequest } from 'fastify';
import { statusOf, type ErrorCode } from '../core/errors.js';
import type { AuditService } from '../services/audit-service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action of a management route (`access_key.delete`), so a refusal of it is an audit event too. */
    audit?: string;
  }
}

/**
 * Refusals that are not already audited where they happen: a step-up request is part of the
 * normal flow (the console asks for the code and retries), and the service records a key
 * refused over the quota itself, with the limit.
 */
const NOT_AUDITED_HERE: ReadonlySet<ErrorCode> = new Set(['STEP_UP_REQUIRED', 'KEY_LIMIT_REACHED']);

/**
 * Whether an error answer to this request is a refused management action: an authenticated
 * caller tried a change the route audits, and was told it may not (403) or that the target's
 * state forbids it (409). Malformed input (400) is the caller's bug, not an attempt; and a 404
 * is not recorded, since it names an object this tenant does not have (another tenant's ID
 * must never appear in this tenant's log).
 */
export function isRefusedAction(request: FastifyRequest, code: ErrorCode): boolean {
  if (!request.routeOptions.config.audit || !request.actor || NOT_AUDITED_HERE.has(code)) return false;
  const status = statusOf(code);
  return status === 403 || status === 409;
}

/** One audit event with result `failure` and the code as its reason; the target is the route's first parameter. */
export async function auditRefusal(audit: AuditService, request: FastifyRequest, code: ErrorCode): Promise<void> {
  const action = request.routeOptions.config.audit!;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const targetParam = Object.keys(params)[0];
  const targetId = targetParam === undefined ? null : String(params[targetParam]);
  await audit.record(request.actor!, { action, targetType: action.split('.')[0]!, targetId, result: 'failure', details: { reason: code } });
}
