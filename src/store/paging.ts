import { encodeCursor, type CursorPosition } from '../core/cursor.js';
import type { Page } from '../core/model.js';

/**
 * Keyset pages, newest first: fetch one row more than asked to know whether a next page exists.
 * `position` reads the (time, id) pair a row is ordered by.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, position: (row: Row) => CursorPosition, map: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
