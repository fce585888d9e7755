import { describe, expect, it } from 'vitest';
import { buildToken } from './key-format.js';
import { checkImportLine } from './key-import.js';

const NOW = new Date('2031-03-14T15:09:26.500Z');
const ID = 'LKAAAAAAAAAAAAAAAAAA';
const SECRET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123';
const base = { owner: 'dana@example.com', name: 'ci', state: 'enabled', expiresAt: '2032-01-01T00:00:00Z', secret: buildToken(ID, SECRET) };
const refusal = (value: unknown) => {
  const checked = checkImportLine(7, value, NOW);
  return checked.ok ? null : checked.refusal;
};

describe('an import line', () => {
  it('takes a Latchkey token with its key ID and secret, and an owner by email or user ID', () => {
    const checked = checkImportLine(1, base, NOW);
    expect(checked).toMatchObject({
      ok: true,
      entry: { line: 1, owner: { email: 'dana@example.com' }, accessKeyId: ID, secret: SECRET, idFrom: 'secret', bearer: true, expiresAt: new Date('2032-01-01T00:00:00Z') },
    });
    expect(checkImportLine(1, { ...base, owner: 'usr_abcdefghijklmnop' }, NOW)).toMatchObject({ ok: true, entry: { owner: { userId: 'usr_abcdefghijklmnop' } } });
  });

  it('takes an access key ID with a raw secret (AWS style): signed requests only unless the secret is in Latchkey format', () => {
    const aws = checkImportLine(1, { ...base, accessKeyId: ID, secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, NOW);
    expect(aws).toMatchObject({ ok: true, entry: { accessKeyId: ID, idFrom: 'accessKeyId', bearer: false } });
    expect(checkImportLine(1, { ...base, accessKeyId: ID, secret: SECRET }, NOW)).toMatchObject({ ok: true, entry: { bearer: true } });
  });

  it('keeps createdAt and lastUsedAt, and takes null expiresAt as never', () => {
    const checked = checkImportLine(1, { ...base, expiresAt: null, createdAt: '2029-01-01T00:00:00Z', lastUsedAt: '2031-03-01T00:00:00Z' }, NOW);
    expect(checked).toMatchObject({ ok: true, entry: { expiresAt: null, createdAt: new Date('2029-01-01T00:00:00Z'), lastUsedAt: new Date('2031-03-01T00:00:00Z') } });
  });

  it('refuses each malformed field, naming it and the line', () => {
    expect(refusal([1])).toEqual({ line: 7, field: null, reason: 'a line must be one JSON object' });
    expect(refusal({ ...base, role: 'admin' })?.field).toBe('role');
    expect(refusal({ ...base, owner: 'nobody' })?.field).toBe('owner');
    expect(refusal({ ...base, name: '' })?.field).toBe('name');
    expect(refusal({ ...base, state: 'deleted' })?.field).toBe('state');
    const { expiresAt: _e, ...noExpiry } = base;
    expect(refusal(noExpiry)?.field).toBe('expiresAt');
    expect(refusal({ ...base, expiresAt: '2030-01-01T00:00:00Z' })).toMatchObject({ field: 'expiresAt', reason: 'in the past: an expired key is not imported' });
    expect(refusal({ ...base, createdAt: '2040-01-01T00:00:00Z' })?.field).toBe('createdAt');
    expect(refusal({ ...base, createdAt: '2030-01-01T00:00:00Z', lastUsedAt: '2029-01-01T00:00:00Z' })?.field).toBe('lastUsedAt');
    expect(refusal({ ...base, secret: `${base.secret.slice(0, -1)}x` })).toMatchObject({ field: 'secret', reason: expect.stringContaining('checksum') });
    expect(refusal({ ...base, secret: 'sk_live_123' })).toMatchObject({ field: 'secret', reason: expect.stringContaining('not a Latchkey token') });
    expect(refusal({ ...base, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' })).toMatchObject({
      field: 'accessKeyId',
      reason: expect.stringContaining('AWS AKIA… IDs, cannot be imported'),
    });
    expect(refusal({ ...base, accessKeyId: ID, secret: 'short' })?.field).toBe('secret');
    expect(refusal({ ...base, accessKeyId: ID, secret: 'has a space in it 1234' })?.field).toBe('secret');
  });
});
