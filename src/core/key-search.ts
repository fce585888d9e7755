import { ACCESS_KEY_ID_PREFIX, ACCESS_KEY_ID_RANDOM_LENGTH, TOKEN_PREFIX } from './key-format.js';

/**
 * What a key search box's text asks for. A pasted bearer token (`lk_<id>_…`, whole or cut
 * short) is read for its access key ID only, so the secret part never matters (and is never
 * stored or echoed). Text that could be the start of an access key ID (`LK…`, any case) matches
 * IDs that begin with it, and names that contain it; any other text matches names only.
 */
export interface KeySearch {
  /** Upper-case start of an access key ID, or null when the text cannot be one. */
  idPrefix: string | null;
  /** Lower-case text a key's name must contain, or null to ignore names. */
  nameContains: string | null;
}

const ID_MAX = ACCESS_KEY_ID_PREFIX.length + ACCESS_KEY_ID_RANDOM_LENGTH;
const ID_START = new RegExp(`^${ACCESS_KEY_ID_PREFIX}[A-Z2-7]{0,${ACCESS_KEY_ID_RANDOM_LENGTH}}$`);

export function parseKeySearch(text: string): KeySearch {
  const q = text.trim();
  if (q.startsWith(TOKEN_PREFIX) && q.length > TOKEN_PREFIX.length) {
    const id = q.slice(TOKEN_PREFIX.length).split('_')[0]!.toUpperCase();
    if (ID_START.test(id)) return { idPrefix: id, nameContains: null };
  }
  const upper = q.toUpperCase();
  const idPrefix = upper.length <= ID_MAX && ID_START.test(upper) ? upper : null;
  return { idPrefix, nameContains: q === '' ? null : q.toLowerCase() };
}

/** The columns a key list can be sorted by; `created`, newest first, is the default. */
export const KEY_SORTS = ['created', 'name', 'lastUsed', 'expires'] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** Where a sorted page ended: the sort it belongs to, the row's sort value and its ID. */
export interface KeySortPosition {
  sort: KeySort;
  order: SortOrder;
  value: number | string;
  id: string;
}

export function encodeKeySortCursor(position: KeySortPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.order, position.value, position.id]), 'utf8').toString('base64url');
}

/** A cursor of another sort (or order) than the one asked for is no cursor at all. */
export function decodeKeySortCursor(cursor: string, sort: KeySort, order: SortOrder): KeySortPosition | null {
  if (cursor.length > 600 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 4) return null;
    const [s, o, v, id] = value as unknown[];
    if (s !== sort || o !== order || typeof id !== 'string' || id.length > 100) return null;
    const okValue = sort === 'name' ? typeof v === 'string' && v.length <= 400 : typeof v === 'number' && Number.isSafeInteger(v);
    if (!okValue) return null;
    return { sort, order, value: v as number | string, id };
  } catch {
    return null;
  }
}
