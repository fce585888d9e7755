import type pg from 'pg';
import { KEY_COLUMNS, KEY_JOINS, type KeyLookup, keyLookupRow, linksSql, type RawKeyRow } from './key-lookup.js';

const TEXT = `select ${KEY_COLUMNS},
  (select json_agg(l.link)::text from (${linksSql((columns) => `json_build_array(${columns.replace('r.permissions', 'r.permissions::json')})`, '$1')}) l) as links
  ${KEY_JOINS} where k.id = $1`;

/**
 * The key-cache miss on PostgreSQL: one round trip, as a named statement the server plans once
 * per connection.
 */
export function createPostgresKeyLookup(pool: pg.Pool): KeyLookup {
  return {
    find: async (accessKeyId) => {
      const result = await pool.query<RawKeyRow>({ name: 'latchkey_key_lookup', text: TEXT, values: [accessKeyId] });
      const raw = result.rows[0];
      return raw === undefined ? null : keyLookupRow(raw);
    },
    close: () => {},
  };
}
