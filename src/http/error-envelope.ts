import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOG, StoreBusyError, type ErrorCode } from '../core/errors.js';
import { NOT_BLANK } from './schemas.js';

/** The one envelope every error leaves in: {"error": {code, message, requestId, details?}}. */
export function errorEnvelope(code: ErrorCode, requestId: string, message?: string, details?: Record<string, unknown>) {
  return { error: { code, message: message ?? ERROR_CATALOG[code].message, requestId, ...(details && { details }) } };
}

export function sendError(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, message?: string, details?: Record<string, unknown>) {
  const status = ERROR_CATALOG[code].status;
  if ((code === 'TOO_MANY_ATTEMPTS' || code === 'SIGN_IN_BUSY' || code === 'RATE_LIMITED') && typeof details?.retryAfterSeconds === 'number')
    reply.header('Retry-After', String(details.retryAfterSeconds));
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(code, request.id, message, details));
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

export type Classified = { code: ErrorCode; message?: string; details?: Record<string, unknown> };

/** classify, logging what an operator must see: unexpected errors (INTERNAL) and an unreachable database. */
export function classifyLogged(error: unknown, isUnavailable: (e: unknown) => boolean, log: { error(fields: object, message: string): void }, requestId: string): Classified {
  const classified = classify(error, isUnavailable);
  if (classified.code === 'INTERNAL') log.error({ err: error, reqId: requestId }, 'unexpected error');
  else if (classified.code === 'STORE_UNAVAILABLE') log.error({ err: error, reqId: requestId }, 'database unreachable');
  return classified;
}

/** Turns any thrown error into a catalog code; unknown errors become INTERNAL (logged by classifyLogged). */
export function classify(error: unknown, isUnavailable: (e: unknown) => boolean): Classified {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...(error.details && { details: error.details }) };
  const fe = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation) {
    const issue = fe.validation[0];
    const where = fe.validationContext ?? 'body';
    if (where === 'params') return { code: 'MALFORMED_ID', message: `The ${issue?.instancePath.replace(/^\//, '') || 'identifier'} in the path is not well formed.` };
    if (issue?.keyword === 'additionalProperties') {
      const field = String(issue.params.additionalProperty ?? '');
      return { code: 'UNKNOWN_FIELD', message: `Unknown field "${field}" in the ${where}.`, details: { field } };
    }
    const path = issue?.instancePath ? issue.instancePath.replace(/^\//, '').replace(/\//g, '.') : where;
    if (issue?.keyword === 'pattern' && issue.params.pattern === NOT_BLANK) return { code: 'VALIDATION_FAILED', message: `${path} must not be empty or blank.`, details: { field: path } };
    return { code: 'VALIDATION_FAILED', message: `${path} ${issue?.message ?? 'is not valid'}.`, details: { field: path } };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'MALFORMED_JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'UNSUPPORTED_MEDIA_TYPE' };
  }
  if (error instanceof SyntaxError && fe.statusCode === 400) return { code: 'MALFORMED_JSON' };
  // Before isUnavailable: a lock held elsewhere is an outage too, but one worth telling apart.
  if (error instanceof StoreBusyError) return { code: 'STORE_BUSY' };
  if (isUnavailable(error)) return { code: 'STORE_UNAVAILABLE' };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return { code: 'BAD_REQUEST', message: fe.message };
  return { code: 'INTERNAL' };
}
