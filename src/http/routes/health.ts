import { Type } from '@sinclair/typebox';
import type { App, RouteDeps } from '../app-types.js';

/**
 * How long /readyz waits for the database: a load balancer's probe must get its answer (503)
 * within 2 s even when the database answers nothing at all (frozen), however long the store's
 * own time limits are.
 */
export const READY_TIMEOUT_MS = 1_500;

/** Resolves when `ping` does, rejects when it fails or takes longer than READY_TIMEOUT_MS. */
async function pingWithin(ping: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: App, { services, metrics }: RouteDeps): void {
  app.get(
    '/healthz',
    { config: { auth: 'none' }, schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['operations'],
        summary: 'The process can serve: the database answers',
        response: { 200: Type.Object({ status: Type.String(), database: Type.String() }), 503: Type.Object({ status: Type.String(), database: Type.String() }) },
      },
    },
    async (_request, reply) => {
      try {
        await pingWithin(() => services.database.ping());
        return { status: 'ready', database: services.database.name };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: services.database.name });
      }
    },
  );
  app.get('/metrics', { config: { auth: 'none' }, schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
