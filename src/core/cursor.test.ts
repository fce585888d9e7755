import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor', () => {
  it('round-trips a page position', () => {
    const position = { at: 1_893_456_000_123, id: 'acr_abcdefghijklmnop' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is safe to put in a query string as it is', () => {
    const cursor = encodeCursor({ at: 1_893_456_000_123, id: 'LKABCDEFGHIJKLMNOPQR' });
    expect(encodeURIComponent(cursor)).toBe(cursor);
  });

  it('round-trips the longest id it accepts', () => {
    const position = { at: Number.MAX_SAFE_INTEGER, id: 'x'.repeat(100) };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('refuses text that is not base64url', () => {
    for (const value of ['', 'abc def', 'abc+def', 'abc/def', 'abc=', '../../etc']) expect(decodeCursor(value), value).toBeNull();
  });

  it('refuses an oversize cursor before decoding it', () => {
    expect(decodeCursor('A'.repeat(201))).toBeNull();
    expect(decodeCursor(b64(JSON.stringify([1, 'x'.repeat(150)])))).toBeNull();
  });

  it('refuses a tampered cursor whose content is not a (time, id) pair', () => {
    const tampered = [
      b64('not json'),
      b64('{"at":1,"id":"x"}'),
      b64('[1]'),
      b64('[1,"x",2]'),
      b64('["1","x"]'),
      b64('[1.5,"x"]'),
      b64('[1e300,"x"]'),
      b64('[1,2]'),
      b64('[1,null]'),
      b64('null'),
      b64(JSON.stringify([1, 'x'.repeat(101)])),
    ];
    for (const value of tampered) expect(decodeCursor(value), Buffer.from(value, 'base64url').toString()).toBeNull();
  });

  it('refuses a cursor with a flipped character', () => {
    const cursor = encodeCursor({ at: 1_893_456_000_123, id: 'acr_abcdefghijklmnop' });
    const flipped = (cursor[0] === 'A' ? 'B' : 'A') + cursor.slice(1);
    expect(decodeCursor(flipped)).toBeNull();
  });
});
