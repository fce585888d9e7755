import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('matches other published CRC-32 values', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('a')).toBe(0xe8b7be43);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    // A 64-character token body, the size the checksum covers.
    expect(crc32('lk_LKABCDEFGHIJKLMNOPQR_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd')).toBe(0xb8453c7f);
  });

  it('is always an unsigned 32-bit value', () => {
    for (const text of ['lk_', 'zzzzzzzz', '~~~~', 'LKAAAA']) {
      const value = crc32(text);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(0xffffffff);
    }
  });
});
