import { describe, expect, it } from 'vitest';
import { canonicalPath, canonicalQuery, parseQuery, percentDecode, queryName, reencode, uriEncode } from './uri-encoding.js';

describe('uriEncode', () => {
  it('keeps only the unreserved characters and writes upper-case hex of the UTF-8 bytes', () => {
    expect(uriEncode('AZaz09-._~')).toBe('AZaz09-._~');
    expect(uriEncode("a b+c/d!'()*é")).toBe('a%20b%2Bc%2Fd%21%27%28%29%2A%C3%A9');
    expect(uriEncode('/a b/c', true)).toBe('/a%20b/c');
    expect(uriEncode(new Uint8Array([0xff, 0x00]))).toBe('%FF%00');
  });
});

describe('percentDecode', () => {
  it('decodes escapes to bytes, takes raw characters as UTF-8, and refuses a broken escape', () => {
    expect(percentDecode('%e1%88%B4x')).toEqual(Buffer.from('ሴx'));
    expect(percentDecode('ሴ')).toEqual(Buffer.from([0xe1, 0x88, 0xb4]));
    expect(percentDecode('%FF')).toEqual(Buffer.from([0xff]));
    expect(percentDecode('100%')).toBeNull();
    expect(percentDecode('%zz')).toBeNull();
    expect(percentDecode('%4')).toBeNull();
  });

  it('gives every spelling of the same bytes one canonical form', () => {
    expect(reencode('a%2a%7E+')).toBe('a%2A~%2B');
    expect(reencode('%7e')).toBe('~');
  });
});

describe('canonicalQuery', () => {
  const canonical = (query: string) => canonicalQuery(parseQuery(query));

  it('sorts by encoded key, then by value, keeping repeated keys and empty values', () => {
    expect(canonical('b=2&a=2&a=1&c&d=')).toBe('a=1&a=2&b=2&c=&d=');
    expect(canonical('Param2=v&Param1=v&param0=v')).toBe('Param1=v&Param2=v&param0=v');
  });

  it('encodes spaces as %20 and a plus as a literal plus', () => {
    expect(canonical('q=a%20b&r=a+b')).toBe('q=a%20b&r=a%2Bb');
  });

  it('sorts on the encoded form, so raw and escaped spellings agree', () => {
    expect(canonical('%E1%88%B4=1&Param=2')).toBe(canonical('ሴ=1&Param=2'));
    expect(canonical('%E1%88%B4=1&Param=2')).toBe('%E1%88%B4=1&Param=2');
  });

  it('can leave a parameter out (the presigned signature) and refuses broken escapes', () => {
    expect(canonicalQuery(parseQuery('a=1&X-Amz-Signature=00'), (p) => queryName(p.key) === 'x-amz-signature')).toBe('a=1');
    expect(canonical('a=%G1')).toBeNull();
  });

  it('skips empty pieces between ampersands', () => {
    expect(parseQuery('&&a=1&&')).toEqual([{ key: 'a', value: '1' }]);
  });
});

describe('canonicalPath', () => {
  it('normalised: drops empty and dot segments, resolves "..", keeps a trailing slash', () => {
    expect(canonicalPath('//example//', true)).toBe('/example/');
    expect(canonicalPath('/a/./b/../c/', true)).toBe('/a/c/');
    expect(canonicalPath('/../..', true)).toBe('/');
    expect(canonicalPath('/a/..', true)).toBe('/');
  });

  it('normalised: encodes the path as sent once more (double encoding), keeping the slashes', () => {
    expect(canonicalPath('/a%20b/c%2Fd', true)).toBe('/a%2520b/c%252Fd');
    expect(canonicalPath('/example space/ሴ', true)).toBe('/example%20space/%E1%88%B4');
  });

  it('S3 style: keeps every segment and encodes each exactly once', () => {
    expect(canonicalPath('//a/./b/../', false)).toBe('//a/./b/../');
    expect(canonicalPath('/a%20b/c+d/%2F/é', false)).toBe('/a%20b/c%2Bd/%2F/%C3%A9');
    expect(canonicalPath('/a%zz', false)).toBeNull();
  });
});
