import { describe, expect, it } from 'vitest';
import { buildToken } from './key-format.js';
import { decodeKeySortCursor, encodeKeySortCursor, parseKeySearch } from './key-search.js';

describe('parseKeySearch', () => {
  const id = 'LKABCDEFGHIJKLMNOP23';
  it('reads a whole pasted bearer token for its access key ID only', () => {
    expect(parseKeySearch(`  ${buildToken(id, 'a'.repeat(40))}\n`)).toEqual({ idPrefix: id, nameContains: null });
  });
  it('reads a token cut short after the ID', () => {
    expect(parseKeySearch(`lk_${id}_`)).toEqual({ idPrefix: id, nameContains: null });
    expect(parseKeySearch('lk_LKAB')).toEqual({ idPrefix: 'LKAB', nameContains: null });
  });
  it('matches the start of an ID in any case, and names too', () => {
    expect(parseKeySearch(id)).toEqual({ idPrefix: id, nameContains: id.toLowerCase() });
    expect(parseKeySearch('lkab')).toEqual({ idPrefix: 'LKAB', nameContains: 'lkab' });
  });
  it('matches names only for text that cannot start an ID', () => {
    expect(parseKeySearch('Deploy Bot')).toEqual({ idPrefix: null, nameContains: 'deploy bot' });
    expect(parseKeySearch('LK1')).toEqual({ idPrefix: null, nameContains: 'lk1' });
    expect(parseKeySearch(`${id}A`)).toEqual({ idPrefix: null, nameContains: `${id}a`.toLowerCase() });
    expect(parseKeySearch('lk_not a token')).toEqual({ idPrefix: null, nameContains: 'lk_not a token' });
  });
});

describe('key sort cursors', () => {
  it('round-trip, and belong to one sort and order only', () => {
    const c = encodeKeySortCursor({ sort: 'name', order: 'asc', value: 'deploy bot', id: 'LKAAAAAAAAAAAAAAAAAA' });
    expect(decodeKeySortCursor(c, 'name', 'asc')).toEqual({ sort: 'name', order: 'asc', value: 'deploy bot', id: 'LKAAAAAAAAAAAAAAAAAA' });
    expect(decodeKeySortCursor(c, 'name', 'desc')).toBeNull();
    expect(decodeKeySortCursor(c, 'expires', 'asc')).toBeNull();
    const t = encodeKeySortCursor({ sort: 'lastUsed', order: 'desc', value: 1_700_000_000_000, id: 'LKB' });
    expect(decodeKeySortCursor(t, 'lastUsed', 'desc')?.value).toBe(1_700_000_000_000);
  });
  it('refuse garbage and values of the wrong kind', () => {
    expect(decodeKeySortCursor('not base64 !', 'name', 'asc')).toBeNull();
    expect(decodeKeySortCursor(Buffer.from('[1,2]').toString('base64url'), 'name', 'asc')).toBeNull();
    expect(decodeKeySortCursor(Buffer.from('["name","asc",5,"LK"]').toString('base64url'), 'name', 'asc')).toBeNull();
    expect(decodeKeySortCursor(Buffer.from('["expires","asc","x","LK"]').toString('base64url'), 'expires', 'asc')).toBeNull();
  });
});
