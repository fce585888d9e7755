import { describe, expect, it } from 'vitest';
import { prepareRequest, splitTarget, type PreparedRequest, type SignableRequest } from './signable-request.js';

const prepared = (request: SignableRequest) => prepareRequest(request) as PreparedRequest;

describe('prepareRequest headers', () => {
  it('keeps repeated headers in arrival order, from pairs or from arrays, whatever the case of the name', () => {
    const pairs = prepared({
      method: 'GET',
      url: '/',
      headers: [
        ['X-A', '2'],
        ['host', 'h'],
        ['x-a', '1'],
      ],
    });
    expect(pairs.headers.get('x-a')).toEqual(['2', '1']);
    const object = prepared({ method: 'GET', url: '/', headers: { 'X-A': ['2', '1'], host: 'h', 'x-b': undefined } });
    expect(object.headers.get('x-a')).toEqual(['2', '1']);
    expect(object.headers.has('x-b')).toBe(false);
  });

  it('takes the host from :authority or an absolute URL when no Host header came', () => {
    expect(prepared({ method: 'GET', url: '/', headers: { ':authority': 'h2.example', ':path': '/' } }).headers.get('host')).toEqual(['h2.example']);
    expect(prepared({ method: 'GET', url: 'https://u:p@abs.example:8443/x?y', headers: {} }).headers.get('host')).toEqual(['abs.example:8443']);
    expect(prepared({ method: 'GET', url: 'https://abs.example/x', headers: { Host: 'given' } }).headers.get('host')).toEqual(['given']);
  });

  it('refuses what is not a header instead of throwing', () => {
    const bad: unknown[] = [{ 'bad name': 'x' }, { 'x-a': 1 }, { 'x-a': ['ok', 2] }, [['x-a']], [['x-a', 'v', 'extra']], 'host: x', null];
    for (const headers of bad) {
      expect(prepareRequest({ method: 'GET', url: '/', headers } as unknown as SignableRequest)).toMatchObject({
        ok: false,
        code: 'MALFORMED',
        detail: 'BAD_HEADERS',
      });
    }
  });
});

describe('prepareRequest other fields', () => {
  it('names the bad field', () => {
    const base = { method: 'GET', url: '/', headers: {} };
    expect(prepareRequest({ ...base, method: 'G T' })).toMatchObject({ detail: 'BAD_METHOD' });
    expect(prepareRequest({ ...base, url: 'relative/path' })).toMatchObject({ detail: 'BAD_URL' });
    expect(prepareRequest({ ...base, body: 42 } as unknown as SignableRequest)).toMatchObject({ detail: 'BAD_BODY' });
    expect(prepareRequest({ ...base, bodySha256: 'abc' })).toMatchObject({ detail: 'BAD_BODY_SHA256' });
    expect(prepareRequest(null as unknown as SignableRequest)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('lower-cases a given body hash', () => {
    expect(prepared({ method: 'GET', url: '/', headers: {}, bodySha256: 'AB'.repeat(32) }).bodySha256).toBe('ab'.repeat(32));
  });
});

describe('splitTarget', () => {
  it('splits path and query as sent, without normalising', () => {
    expect(splitTarget('/a/../b%20?x=1&y#frag')).toEqual({ path: '/a/../b%20', query: 'x=1&y', authority: undefined });
    expect(splitTarget('?x=1')).toEqual({ path: '/', query: 'x=1', authority: undefined });
    expect(splitTarget('http://h:1?q')).toEqual({ path: '/', query: 'q', authority: 'h:1' });
    expect(splitTarget('*')).toBeNull();
  });
});
