import { describe, expect, it } from 'vitest';
import { csrfTokenFor } from './csrf.js';
import { sha256Hex } from './digest.js';
import { generateOpaqueToken } from './random.js';

describe('csrfTokenFor', () => {
  it('gives one session the same token every time and another session a different one', () => {
    const session = generateOpaqueToken();
    expect(csrfTokenFor(session)).toBe(csrfTokenFor(session));
    expect(csrfTokenFor(session)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(generateOpaqueToken())).not.toBe(csrfTokenFor(session));
  });

  it('is neither the cookie nor what the database stores for it', () => {
    const session = generateOpaqueToken();
    expect(csrfTokenFor(session)).not.toBe(session);
    expect(csrfTokenFor(session)).not.toContain(sha256Hex(session).slice(0, 16));
    expect(csrfTokenFor(sha256Hex(session))).not.toBe(csrfTokenFor(session));
  });
});
