import { Type } from '@sinclair/typebox';
import { MAX_IMPORT_LINES } from '../../core/key-import.js';
import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse } from '../schemas.js';

const ImportBody = Type.Object(
  {
    keys: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: MAX_IMPORT_LINES,
      description:
        'The lines of the import file as objects, line N being keys[N-1]: {owner, name, state, expiresAt, createdAt?, lastUsedAt?, secret, accessKeyId?}. Each is checked here, so a refusal names its line and field.',
    }),
  },
  { additionalProperties: false },
);

const ImportAnswer = Type.Object({
  imported: Type.Integer(),
  keys: Type.Array(
    Type.Object({
      line: Type.Integer(),
      accessKeyId: Type.String(),
      name: Type.String(),
      ownerId: Type.String(),
      state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
      bearer: Type.Boolean({ description: "Verifies as a bearer token: its secret is in Latchkey's format, or it was imported by its token's digest" }),
      signed: Type.Boolean({ description: "Signed requests (SigV4, TC3) can name it: false for a key imported by its token's digest (SECRET_NOT_AVAILABLE)" }),
    }),
  ),
});

/** POST /v1/access-keys/import (admins): keys from another system, all or nothing. */
export function keyImportRoutes(app: App, { services }: RouteDeps): void {
  app.post(
    '/v1/access-keys/import',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['access keys'],
        summary: 'Import keys from another system with their secrets, all or nothing (admins)',
        description:
          '400 IMPORT_REFUSED with details.refused [{line, field, reason}] when any line is refused: nothing is written then. Owners must be active users allowed to hold keys; the tenant policy key limits and expiry rules apply.',
        body: ImportBody,
        response: { 201: ImportAnswer, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const items = request.body.keys.map((value, i) => ({ line: i + 1, value }));
      return reply.code(201).send(await services.keyImport.importKeys(actorOf(request), items));
    },
  );
}
