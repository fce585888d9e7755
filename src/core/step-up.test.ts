import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type TenantPolicy } from './policy.js';
import { codeStanding, EMAIL_CODE_MAX_TRIES, isVerified, maskEmail, startWaitMs, stepUpStatus, verifiedUntil } from './step-up.js';

const now = new Date(Date.UTC(2031, 0, 1, 12));
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const policy = (change: Partial<TenantPolicy>): TenantPolicy => ({ ...DEFAULT_POLICY, ...change });

describe('step-up verification', () => {
  const email = policy({ stepUp: 'email', stepUpMinutes: 20 });

  it('lasts stepUpMinutes from the verification, then is required again', () => {
    const state = { verifiedAt: minutesAgo(19), method: 'email' as const };
    expect(verifiedUntil(email, state)).toEqual(new Date(minutesAgo(19).getTime() + 20 * 60_000));
    expect(stepUpStatus(email, state, now)).toEqual({ method: 'email', verifiedUntil: verifiedUntil(email, state), required: false });
    const lapsed = { verifiedAt: minutesAgo(20), method: 'email' as const };
    expect(isVerified(email, lapsed, now)).toBe(false);
    expect(stepUpStatus(email, lapsed, now)).toEqual({ method: 'email', verifiedUntil: null, required: true });
  });

  it('follows the policy as it is now: a shorter time, or another method, ends a verification', () => {
    const state = { verifiedAt: minutesAgo(10), method: 'email' as const };
    expect(isVerified(email, state, now)).toBe(true);
    expect(isVerified(policy({ stepUp: 'email', stepUpMinutes: 5 }), state, now)).toBe(false);
    expect(isVerified(policy({ stepUp: 'totp' }), state, now)).toBe(false);
  });

  it('is never required when the policy asks for none, and never verified without a verification', () => {
    expect(stepUpStatus(DEFAULT_POLICY, { verifiedAt: null, method: null }, now)).toEqual({ method: 'none', verifiedUntil: null, required: false });
    expect(stepUpStatus(email, { verifiedAt: null, method: null }, now).required).toBe(true);
  });
});

describe('email codes', () => {
  const expiresAt = new Date(now.getTime() + 60_000);

  it('may be tried while one is pending, unexpired and has tries left', () => {
    expect(codeStanding({ digest: null, expiresAt: null, wrongTries: 0 }, now)).toBe('none');
    expect(codeStanding({ digest: 'd', expiresAt, wrongTries: 0 }, now)).toBe('open');
    expect(codeStanding({ digest: 'd', expiresAt, wrongTries: EMAIL_CODE_MAX_TRIES - 1 }, now)).toBe('open');
    expect(codeStanding({ digest: 'd', expiresAt, wrongTries: EMAIL_CODE_MAX_TRIES }, now)).toBe('exhausted');
    expect(codeStanding({ digest: 'd', expiresAt: now, wrongTries: 0 }, now)).toBe('expired');
  });

  it('go out at most once every 30 seconds per session', () => {
    expect(startWaitMs(null, now)).toBe(0);
    expect(startWaitMs(new Date(now.getTime() - 10_000), now)).toBe(20_000);
    expect(startWaitMs(new Date(now.getTime() - 30_000), now)).toBe(0);
  });

  it('name the address they went to without spelling it out', () => {
    expect(maskEmail('ann@example.com')).toBe('a•••@example.com');
    expect(maskEmail('x@y.z')).toBe('x•••@y.z');
    expect(maskEmail('broken')).toBe('•••');
  });
});
