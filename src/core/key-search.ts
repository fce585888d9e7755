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
