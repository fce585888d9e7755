import { AppError } from '../core/errors.js';
import { decodeCursor, type CursorPosition } from '../core/cursor.js';

/** A client's cursor back into a position, or INVALID_CURSOR. */
export function parseCursor(cursor: string | undefined): CursorPosition | null {
  if (cursor === undefined) return null;
  const position = decodeCursor(cursor);
  if (!position) throw new AppError('INVALID_CURSOR');
  return position;
}
