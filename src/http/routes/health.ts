import { Type } from '@sinclair/typebox';
import type { App, RouteDeps } from '../app-types.js';

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
        await services.database.ping();
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
