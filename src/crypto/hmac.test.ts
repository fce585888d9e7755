import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac.js';

describe('hmacSha256Hex', () => {
  it('matches RFC 4231 test case 2 and createHmac on keys and messages of every kind', () => {
    expect(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const messages = ['', 'a', `AWS4-HMAC-SHA256\n20261206T033351Z\n20261206/eu-west-1/orders/aws4_request\n${'f'.repeat(64)}`, 'é€😀 ünïcode', 'x'.repeat(5000)];
    for (const size of [0, 1, 32, 64, 65, 200]) {
      const key = randomBytes(size);
      for (const message of messages) expect(hmacSha256Hex(key, message), `${size} ${message.slice(0, 10)}`).toBe(createHmac('sha256', key).update(message, 'utf8').digest('hex'));
    }
  });

  it('gives each key its own answer when keys are used in turn (the padded blocks are per key)', () => {
    const keys = [randomBytes(32), randomBytes(32), randomBytes(32)];
    for (let round = 0; round < 3; round++) {
      for (const key of keys) expect(hmacSha256Hex(key, `round ${round}`)).toBe(createHmac('sha256', key).update(`round ${round}`).digest('hex'));
    }
  });
});
