/**
 * The access key state machine: enabled ⇄ disabled → deleted (terminal).
 * Expiry is not a state: a key past expiresAt simply fails verification.
 */
export const KEY_STATES = ['enabled', 'disabled', 'deleted'] as const;
export type KeyState = (typeof KEY_STATES)[number];
export type KeyAction = 'enable' | 'disable' | 'delete' | 'update' | 'rotate';

export type TransitionDecision = { ok: true; next: KeyState; changed: boolean } | { ok: false; code: 'KEY_ALREADY_DELETED' | 'KEY_NOT_DISABLED' };

export function decideTransition(current: KeyState, action: KeyAction, options: { deleteRequiresDisabled: boolean }): TransitionDecision {
  if (current === 'deleted') return { ok: false, code: 'KEY_ALREADY_DELETED' };
  switch (action) {
    case 'enable':
      return { ok: true, next: 'enabled', changed: current !== 'enabled' };
    case 'disable':
      return { ok: true, next: 'disabled', changed: current !== 'disabled' };
    case 'delete':
      if (options.deleteRequiresDisabled && current !== 'disabled') return { ok: false, code: 'KEY_NOT_DISABLED' };
      return { ok: true, next: 'deleted', changed: true };
    case 'update':
    case 'rotate':
      return { ok: true, next: current, changed: false };
  }
}

export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}
