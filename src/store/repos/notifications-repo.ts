import type { Kysely, Selectable } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { Notification, Page } from '../../core/model.js';
import type { Database, NotificationsTable } from '../schema.js';
import { toPage } from '../paging.js';

function fromRow(row: Selectable<NotificationsTable>): Notification {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: new Date(Number(row.createdAt)),
    readAt: row.readAt === null ? null : new Date(Number(row.readAt)),
  };
}

/** Every query names the user (and tenant): a user only ever reads or marks their own. */
export class NotificationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** `db` is the transaction of the change that caused them, so they commit (or not) with it. */
  async insertMany(items: Notification[]): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('notifications')
      .values(
        items.map((n) => ({
          id: n.id,
          tenantId: n.tenantId,
          userId: n.userId,
          kind: n.kind,
          title: n.title,
          body: n.body,
          data: JSON.stringify(n.data),
          createdAt: n.createdAt.getTime(),
          readAt: n.readAt?.getTime() ?? null,
        })),
      )
      .execute();
  }

  async list(tenantId: string, userId: string, options: { unreadOnly: boolean; cursor: CursorPosition | null; limit: number }): Promise<Page<Notification>> {
    let q = this.db.selectFrom('notifications').selectAll().where('tenantId', '=', tenantId).where('userId', '=', userId);
    if (options.unreadOnly) q = q.where('readAt', 'is', null);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(rows, options.limit, (r) => ({ at: Number(r.createdAt), id: r.id }), fromRow);
  }

  async unreadCount(tenantId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', tenantId)
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks one read (keeping the first read time); null when it is not this user's. */
  async markRead(tenantId: string, userId: string, id: string, now: Date): Promise<Notification | null> {
    await this.db
      .updateTable('notifications')
      .set({ readAt: now.getTime() })
      .where('tenantId', '=', tenantId)
      .where('userId', '=', userId)
      .where('id', '=', id)
      .where('readAt', 'is', null)
      .execute();
    const row = await this.db.selectFrom('notifications').selectAll().where('tenantId', '=', tenantId).where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async markAllRead(tenantId: string, userId: string, now: Date): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ readAt: now.getTime() })
      .where('tenantId', '=', tenantId)
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
