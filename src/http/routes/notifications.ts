import { Type } from '@sinclair/typebox';
import { notificationView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import { ErrorResponse, NotificationIdParam, NotificationSchema, Paging } from '../schemas.js';

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export function notificationRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/notifications',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['notifications'],
        summary: 'My notifications (the bell), newest first, with how many are unread',
        querystring: Type.Object({ unread: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])), ...Paging }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(NotificationSchema), nextCursor: Type.Union([Type.String(), Type.Null()]), unreadCount: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.notifications.list(actorOf(request), {
        unread: q.unread === 'true',
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        limit: limitOf(q.limit),
      });
      return { items: page.items.map(notificationView), nextCursor: page.nextCursor, unreadCount: page.unreadCount };
    },
  );

  app.post(
    '/v1/notifications/:notificationId/read',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of my notifications read',
        params: Type.Object({ notificationId: NotificationIdParam }),
        response: { 200: NotificationSchema, ...errors },
      },
    },
    async (request) => notificationView(await services.notifications.markRead(actorOf(request), request.params.notificationId)),
  );

  app.post(
    '/v1/notifications/read-all',
    {
      config: { auth: 'user' },
      schema: { tags: ['notifications'], summary: 'Mark all my notifications read', response: { 200: Type.Object({ updated: Type.Integer() }), ...errors } },
    },
    async (request) => ({ updated: await services.notifications.markAllRead(actorOf(request)) }),
  );
}
