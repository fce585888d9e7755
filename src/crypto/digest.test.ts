import { describe, expect, it } from 'vitest';
import { constantTimeEqualAt, constantTimeEqualText, sha256Hex, sha256Latin1 } from './digest.js';

describe('sha256Hex', () => {
  it('matches the published SHA-256 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});

describe('constantTimeEqualText', () => {
  it('is true only for identical strings', () => {
    const digest = sha256Hex('secret');
    expect(constantTimeEqualText(digest, sha256Hex('secret'))).toBe(true);
    expect(constantTimeEqualText(digest, sha256Hex('secreT'))).toBe(false);
    expect(constantTimeEqualText('', '')).toBe(true);
  });

  it('answers false instead of throwing when the lengths differ', () => {
    expect(constantTimeEqualText('abc', 'abcd')).toBe(false);
    expect(constantTimeEqualText('', 'a')).toBe(false);
    expect(constantTimeEqualText('é', 'e')).toBe(false);
  });
});

describe('sha256Latin1, constantTimeEqualAt and constantTimeEqualText', () => {
  it('gives the digest as 32 one-byte characters, the same bytes as the hex form', () => {
    const digest = sha256Latin1('abc');
    expect(digest).toHaveLength(32);
    expect(Buffer.from(digest, 'latin1').toString('hex')).toBe(sha256Hex('abc'));
  });

  it('is true only for the same characters, read from the offset given', () => {
    const digest = sha256Latin1('secret');
    const material = `${digest}sealed envelope bytes`;
    expect(constantTimeEqualAt(sha256Latin1('secret'), material, 0)).toBe(true);
    expect(constantTimeEqualAt(sha256Latin1('secreT'), material, 0)).toBe(false);
    expect(constantTimeEqualAt(digest, `xx${digest}`, 2)).toBe(true);
    expect(constantTimeEqualAt(digest, `xx${digest}`, 1)).toBe(false);
    expect(constantTimeEqualText('aaaa', 'aaab')).toBe(false);
    expect(constantTimeEqualText('aaab', 'aaab')).toBe(true);
  });

  it('is false, never throwing, when the lengths do not fit', () => {
    expect(constantTimeEqualText('abc', 'abcd')).toBe(false);
    expect(constantTimeEqualText('abcd', 'abc')).toBe(false);
    expect(constantTimeEqualAt('abc', 'xxab', 2)).toBe(false);
  });
});
