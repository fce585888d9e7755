/**
 * Child process: the baseline. A bare Fastify route on the same path, with the same body limit
 * and Fastify's own JSON body parser, answering a JSON object shaped and sized like a
 * successful verification. It does no work beyond HTTP and JSON: "the HTTP request itself".
 */
import Fastify from 'fastify';
import { serveChild } from './child-protocol.js';

await serveChild({
  name: 'bare',
  async start() {
    const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
    app.post('/v1/verify', async (request) => {
      const body = request.body as { token?: unknown };
      const token = typeof body?.token === 'string' ? body.token : '';
      return {
        valid: true,
        accessKeyId: token.slice(3, 23),
        tenantId: 'tnt_aaaaaaaaaaaaaaaa',
        userId: 'usr_aaaaaaaaaaaaaaaa',
        type: 'api',
        permissions: ['billing:read', 'storage:*'],
        expiresAt: '2030-01-01T00:00:00.000Z',
      };
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, close: () => app.close() };
  },
});
