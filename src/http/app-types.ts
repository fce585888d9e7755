import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import type { Metrics } from './metrics.js';
import type { RefusalFloor } from './refusal-floor.js';
import type { VerifyRunner } from './routes/verify.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteDeps {
  services: Services;
  config: Readonly<Config>;
  metrics: Metrics;
  /** The shared handling of /v1/verify (the Fastify route and the socket fast path). */
  verify: VerifyRunner;
  /** Refusals of the verification routes wait for LATCHKEY_REFUSAL_FLOOR_MS (see refusal-floor.ts). */
  refusals: RefusalFloor;
}

/** `?limit=` arrives as text (validated by pattern); default 20. */
export function limitOf(limit: string | undefined): number {
  return limit === undefined ? 20 : Number(limit);
}
