import { describe, expect, it } from 'vitest';
import { decideLeakAction, keyLeaked, leakLabel, tokenProven } from './leaks.js';

describe('leak response decisions', () => {
  it('disables an enabled key under policy disable, or when its holder revokes it; flags it otherwise', () => {
    expect(decideLeakAction('enabled', 'disable', 'scanner')).toBe('disabled');
    expect(decideLeakAction('enabled', 'flag', 'scanner')).toBe('flagged');
    expect(decideLeakAction('enabled', 'flag', 'holder')).toBe('disabled');
    expect(decideLeakAction('disabled', 'disable', 'scanner')).toBe('flagged');
    expect(decideLeakAction('disabled', 'disable', 'holder')).toBe('flagged');
  });

  it('does nothing to a deleted key', () => {
    expect(decideLeakAction('deleted', 'disable', 'scanner')).toBeNull();
    expect(decideLeakAction('deleted', 'flag', 'holder')).toBeNull();
  });

  it("labels true_positive only a key of the reporter's own tenant that was acted on", () => {
    expect(leakLabel('tnt_a', 'tnt_a', 'disabled')).toBe('true_positive');
    expect(leakLabel('tnt_a', 'tnt_a', 'flagged')).toBe('true_positive');
    expect(leakLabel('tnt_a', 'tnt_a', null)).toBe('false_positive');
    expect(leakLabel('tnt_a', 'tnt_b', 'disabled')).toBe('false_positive');
    expect(leakLabel('tnt_a', null, null)).toBe('false_positive');
  });

  it('takes a token as proven when it matched its key, whatever the key may do', () => {
    expect(tokenProven({ valid: true })).toBe(true);
    for (const reason of ['KEY_DISABLED', 'KEY_EXPIRED', 'KEY_DELETED', 'USER_DISABLED', 'PERMISSION_DENIED'] as const) {
      expect(tokenProven({ valid: false, reason, key: {} })).toBe(true);
    }
    for (const reason of ['MALFORMED', 'KEY_NOT_FOUND', 'SECRET_MISMATCH'] as const) expect(tokenProven({ valid: false, reason, key: {} })).toBe(false);
    expect(tokenProven({ valid: false, reason: 'KEY_DISABLED', key: null })).toBe(false);
  });
});

describe('key.leaked', () => {
  const key = { accessKeyId: 'LKAAAAAAAAAAAAAAAAAA', name: 'ci deploy' };

  it('says where a scanner found it and that the key is disabled', () => {
    const content = keyLeaked(key, { url: 'https://github.com/acme/app/blob/1/a.env', source: 'content', by: 'scanner', action: 'disabled' });
    expect(content.kind).toBe('key.leaked');
    expect(content.title).toBe('Access key “ci deploy” was found leaked');
    expect(content.body).toContain('found at https://github.com/acme/app/blob/1/a.env (content).');
    expect(content.body).toContain('The key is now disabled');
    expect(content.data).toEqual({ accessKeyId: key.accessKeyId, url: 'https://github.com/acme/app/blob/1/a.env', source: 'content', reportedBy: 'scanner', action: 'disabled' });
  });

  it('says a flagged key still works, and names a holder revoking it', () => {
    expect(keyLeaked(key, { url: null, source: 'npm', by: 'scanner', action: 'flagged' }).body).toContain('found (source: npm). The tenant policy only flags leaked keys');
    expect(keyLeaked(key, { url: null, source: null, by: 'holder', action: 'disabled' }).title).toBe('Access key “ci deploy” was revoked by its holder');
  });
});
