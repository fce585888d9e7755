import { describe, expect, it } from 'vitest';
import type { UnderAttack } from '../core/guess-throttle.js';
import type { AccessKey } from '../core/model.js';
import { DEFAULT_GUESS_SETTINGS, GuessGuard } from './guess-guard.js';

const key = { accessKeyId: 'LKAAAAAAAAAAAAAAAAAA', tenantId: 'tnt_1', ownerId: 'usr_1', name: 'k' } as AccessKey;
const t0 = new Date('2031-03-14T15:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function guard() {
  const attacks: UnderAttack[] = [];
  const g = new GuessGuard({ settings: { ...DEFAULT_GUESS_SETTINGS, tracked: 1000 }, onAttack: (_key, attack) => attacks.push(attack) });
  return { g, attacks };
}

describe('GuessGuard', () => {
  it('lets non-guess failures through uncounted', () => {
    const { g } = guard();
    for (let i = 0; i < 100; i++) expect(g.failed('KEY_DISABLED', key.accessKeyId, { sourceIp: '192.0.2.1' }, t0, key)).toBeNull();
    expect(g.size).toEqual({ sources: 0, keys: 0 });
  });

  it('tells a source by its verifier key and its end-client IP together', () => {
    const { g } = guard();
    for (let i = 0; i < 30; i++) g.failed('KEY_NOT_FOUND', `LK${i}`, { sourceIp: '192.0.2.1', verifierKeyId: 'LKVERIFIER1' }, t0, null);
    expect(g.failed('KEY_NOT_FOUND', 'LKX', { sourceIp: '192.0.2.1', verifierKeyId: 'LKVERIFIER1' }, t0, null)).toBeGreaterThan(0);
    expect(g.failed('KEY_NOT_FOUND', 'LKY', { sourceIp: '192.0.2.1', verifierKeyId: 'LKVERIFIER2' }, t0, null)).toBeNull();
    expect(g.failed('KEY_NOT_FOUND', 'LKZ', { sourceIp: '192.0.2.2', verifierKeyId: 'LKVERIFIER1' }, t0, null)).toBeNull();
  });

  it('raises an alert that could not be written again a minute later, not an hour', () => {
    const { g, attacks } = guard();
    for (let i = 0; i < 100; i++) g.failed('SECRET_MISMATCH', key.accessKeyId, { sourceIp: `192.0.2.${i}` }, t0, key);
    expect(attacks).toHaveLength(1);
    g.alertFailed(key.accessKeyId);
    g.failed('SECRET_MISMATCH', key.accessKeyId, { sourceIp: '192.0.2.1' }, at(59_000), key);
    expect(attacks).toHaveLength(1);
    g.failed('SECRET_MISMATCH', key.accessKeyId, { sourceIp: '192.0.2.1' }, at(60_000), key);
    expect(attacks).toHaveLength(2);
  });
});
