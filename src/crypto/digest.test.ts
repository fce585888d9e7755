import { describe, expect, it } from 'vitest';
import { constantTimeEqual, sha256Hex } from './digest.js';

describe('sha256Hex', () => {
  it('matches the published SHA-256 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings', () => {
    const digest = sha256Hex('secret');
    expect(constantTimeEqual(digest, sha256Hex('secret'))).toBe(true);
    expect(constantTimeEqual(digest, sha256Hex('secreT'))).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('answers false instead of throwing when the lengths differ', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('é', 'e')).toBe(false);
  });
});
