import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Actor } from '../services/actor.js';

/**
 * The acting user of a route that requires one: the person behind the console session (with
 * the session row, where step-up verification is kept) or behind the access key. Every route
 * gets its actor here; the authenticate hook has already refused anonymous calls.
 */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}
