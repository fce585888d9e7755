import { describe, expect, it } from 'vitest';
import { KEY_STATES, decideTransition, isExpired, type KeyAction } from './key-state.js';

const strict = { deleteRequiresDisabled: true };
const lenient = { deleteRequiresDisabled: false };
const ACTIONS: KeyAction[] = ['enable', 'disable', 'delete', 'update', 'rotate'];

describe('decideTransition', () => {
  it('disables an enabled key and enables a disabled one', () => {
    expect(decideTransition('enabled', 'disable', strict)).toEqual({ ok: true, next: 'disabled', changed: true });
    expect(decideTransition('disabled', 'enable', strict)).toEqual({ ok: true, next: 'enabled', changed: true });
  });

  it('treats enabling an enabled key and disabling a disabled key as no change', () => {
    expect(decideTransition('enabled', 'enable', strict)).toEqual({ ok: true, next: 'enabled', changed: false });
    expect(decideTransition('disabled', 'disable', strict)).toEqual({ ok: true, next: 'disabled', changed: false });
  });

  it('deletes a disabled key', () => {
    expect(decideTransition('disabled', 'delete', strict)).toEqual({ ok: true, next: 'deleted', changed: true });
    expect(decideTransition('disabled', 'delete', lenient)).toEqual({ ok: true, next: 'deleted', changed: true });
  });

  it('refuses to delete an enabled key while the policy requires disabling first', () => {
    expect(decideTransition('enabled', 'delete', strict)).toEqual({ ok: false, code: 'KEY_NOT_DISABLED' });
  });

  it('deletes an enabled key at once when the policy allows it', () => {
    expect(decideTransition('enabled', 'delete', lenient)).toEqual({ ok: true, next: 'deleted', changed: true });
  });

  it('keeps the state on update and rotate', () => {
    for (const state of ['enabled', 'disabled'] as const) {
      expect(decideTransition(state, 'update', strict)).toEqual({ ok: true, next: state, changed: false });
      expect(decideTransition(state, 'rotate', strict)).toEqual({ ok: true, next: state, changed: false });
    }
  });

  it('never lets a deleted key change again, whatever the action or policy', () => {
    for (const action of ACTIONS) {
      expect(decideTransition('deleted', action, strict)).toEqual({ ok: false, code: 'KEY_ALREADY_DELETED' });
      expect(decideTransition('deleted', action, lenient)).toEqual({ ok: false, code: 'KEY_ALREADY_DELETED' });
    }
  });

  it('only ever leads to a known state, and never back from deleted', () => {
    for (const state of KEY_STATES) {
      for (const action of ACTIONS) {
        const decision = decideTransition(state, action, lenient);
        if (decision.ok) {
          expect(KEY_STATES).toContain(decision.next);
          expect(state).not.toBe('deleted');
        }
      }
    }
  });
});

describe('isExpired', () => {
  const at = new Date('2030-06-01T12:00:00.000Z');

  it('is false for a key that never expires', () => {
    expect(isExpired(null, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });

  it('is false one millisecond before expiresAt', () => {
    expect(isExpired(at, new Date(at.getTime() - 1))).toBe(false);
  });

  it('is true at expiresAt exactly and after it', () => {
    expect(isExpired(at, new Date(at.getTime()))).toBe(true);
    expect(isExpired(at, new Date(at.getTime() + 1))).toBe(true);
  });
});
