import type { AuditAction } from '../core/audit-actions.js';
import { AppError } from '../core/errors.js';
import { openValue, sealValue, type SealingKeys } from '../crypto/envelope.js';
import {
  generateRecoveryCodes,
  normalizeRecoveryCode,
  RETIRED_RECOVERY_CODE_KEY,
  recoveryCodeDigest,
  recoveryCodeDigestWith,
  recoveryCodeKey,
  retiredRecoveryCodeKeyBinding,
} from '../crypto/recovery-code.js';
import { keyringOf } from '../crypto/keyring.js';
import { base32Decode, generateTotpSecret, matchTotp, otpauthUrl } from '../crypto/totp.js';
import type { User } from '../core/model.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import { claimAttempt } from './attempt-brake.js';
import type { AuditService } from './audit-service.js';

export const totpBinding = (tenantId: string, userId: string) => `totp:${tenantId}:${userId}`;

/** Only a person at the console enrolls or removes an authenticator, never a program with a key. */
export function requireSession(actor: Actor, what: string): void {
  if (actor.via !== 'session') throw new AppError('FORBIDDEN', `${what} is done from a console session, not with an access key.`);
}

/**
 * Authenticator apps (TOTP): enrollment (pending until a first code confirms it), the check
 * used by sign-in and step-up (each code accepted once, shared by every process), removal by
 * the user with a current code, and reset by an admin. Wrong codes are counted in the same
 * table as failed sign-ins, so guessing slows down the same way.
 */
export class TotpService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly masterKey: SealingKeys;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; masterKey: SealingKeys }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.masterKey = options.masterKey;
  }

  async isEnabled(tenantId: string, userId: string): Promise<boolean> {
    return (await this.store.totp.find(tenantId, userId))?.confirmedAt != null;
  }

  enabledAmong(userIds: string[]): Promise<Set<string>> {
    return this.store.totp.enabledAmong(userIds);
  }

  /**
   * A fresh secret for the user's app and 10 recovery codes, shown only now; pending until
   * confirmed (the codes work only once it is). Again while pending: fresh ones of each.
   */
  async enroll(actor: Actor): Promise<{ secret: string; otpauthUrl: string; recoveryCodes: string[] }> {
    requireSession(actor, 'Setting up an authenticator app');
    if (await this.isEnabled(actor.tenantId, actor.user.id)) throw new AppError('TOTP_ALREADY_ENROLLED');
    const secret = generateTotpSecret();
    const stored = await this.store.totp.putPending({
      userId: actor.user.id,
      tenantId: actor.tenantId,
      secretEnvelope: sealValue(this.masterKey, secret, totpBinding(actor.tenantId, actor.user.id)),
      createdAt: this.clock.now(),
    });
    if (!stored) throw new AppError('TOTP_ALREADY_ENROLLED');
    const recoveryCodes = await this.storeRecoveryCodes(actor.user.id);
    const tenant = await this.store.tenants.findById(actor.tenantId);
    await this.audit.record(actor, { action: 'user.totp.enroll_start', targetType: 'user', targetId: actor.user.id });
    return { secret, otpauthUrl: otpauthUrl({ issuer: 'Latchkey', account: `${tenant?.slug ?? actor.tenantId}/${actor.user.email}`, secret }), recoveryCodes };
  }

  async confirm(actor: Actor, code: string): Promise<void> {
    requireSession(actor, 'Setting up an authenticator app');
    const credential = await this.store.totp.find(actor.tenantId, actor.user.id);
    if (!credential) throw new AppError('TOTP_NOT_ENROLLED', 'Start setting up an authenticator app first (Personal Settings → Security).');
    if (credential.confirmedAt !== null) throw new AppError('TOTP_ALREADY_ENROLLED');
    await this.throttle(actor);
    const now = this.clock.now();
    const match = matchTotp(this.secretOf(credential.secretEnvelope, actor), code, now, credential.lastCounter);
    if (!match.ok || !(await this.store.totp.useCounter(actor.user.id, match.counter, { confirmingAt: now }))) {
      await this.wrongCode(actor, 'user.totp.enroll');
      throw new AppError('TOTP_CODE_INVALID');
    }
    await this.clearThrottle(actor);
    await this.audit.record(actor, { action: 'user.totp.enroll', targetType: 'user', targetId: actor.user.id });
  }

  /** Turning it off takes a current code, so a session left open is not enough. */
  async remove(actor: Actor, code: string): Promise<void> {
    requireSession(actor, 'Turning off the authenticator app');
    if (!(await this.isEnabled(actor.tenantId, actor.user.id))) throw new AppError('TOTP_NOT_ENROLLED');
    await this.throttle(actor);
    if (!(await this.check(actor.tenantId, actor.user.id, code))) {
      await this.wrongCode(actor, 'user.totp.remove');
      throw new AppError('TOTP_CODE_INVALID');
    }
    await this.clearThrottle(actor);
    await this.store.transaction(async (tx) => {
      await tx.totp.delete(actor.tenantId, actor.user.id);
      await tx.recoveryCodes.deleteFor(actor.user.id);
      await this.audit.record(actor, { action: 'user.totp.remove', targetType: 'user', targetId: actor.user.id }, tx);
    });
  }

  /**
   * An admin clears another user's authenticator (a lost phone): the user's sessions end, and
   * they sign in with their password alone until they set up a new one. Admins turn off their
   * own with a code (DELETE /v1/me/totp), so a stolen admin session cannot strip it.
   */
  reset(actor: Actor, userId: string): Promise<void> {
    return this.audit.refusable(actor, { action: 'user.totp.reset', targetType: 'user', targetId: userId }, () => this.resetFor(actor, userId));
  }

  private async resetFor(actor: Actor, userId: string): Promise<void> {
    requireAdmin(actor, 'latchkey:users:write');
    const user = await this.store.users.find(actor.tenantId, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    if (user.id === actor.user.id) throw new AppError('FORBIDDEN', 'Turn off your own authenticator app under Personal Settings → Security, with a current code.');
    await this.store.transaction(async (tx) => {
      if (!(await tx.totp.delete(actor.tenantId, userId))) throw new AppError('TOTP_NOT_ENROLLED', 'This user has no authenticator app set up.');
      await tx.recoveryCodes.deleteFor(userId);
      await tx.sessions.deleteForUser(userId);
      await this.audit.record(actor, { action: 'user.totp.reset', targetType: 'user', targetId: userId }, tx);
    });
  }

  /**
   * Whether `code` is a current code of the user's confirmed authenticator, accepting it (its
   * time step) once: the same code is refused afterwards, by this process or any other.
   */
  async check(tenantId: string, userId: string, code: string): Promise<boolean> {
    const credential = await this.store.totp.find(tenantId, userId);
    if (!credential || credential.confirmedAt === null) return false;
    const match = matchTotp(this.secretOf(credential.secretEnvelope, { tenantId, user: { id: userId } }), code, this.clock.now(), credential.lastCounter);
    return match.ok && (await this.store.totp.useCounter(userId, match.counter));
  }

  /**
   * Whether `input` is an unused recovery code of the user's confirmed authenticator, spending it
   * (one guarded write: the same code is refused afterwards, by any process). Audited with the
   * number left, so the user and their admins see it was used.
   */
  async useRecoveryCode(user: User, input: string, ip: string | null): Promise<boolean> {
    const normalized = normalizeRecoveryCode(input);
    if (normalized === null || !(await this.isEnabled(user.tenantId, user.id))) return false;
    const now = this.clock.now();
    let spent = false;
    for (const codeKey of await this.recoveryCodeKeys()) {
      if (await this.store.recoveryCodes.spend(user.id, recoveryCodeDigestWith(codeKey, user.id, normalized), now)) {
        spent = true;
        break;
      }
    }
    if (!spent) return false;
    const remaining = await this.store.recoveryCodes.remaining(user.id);
    await this.audit.record(
      { tenantId: user.tenantId, user, accessKeyId: null, ip, via: 'session' },
      { action: 'user.totp.recovery_code_used', targetType: 'user', targetId: user.id, details: { remaining } },
    );
    return true;
  }

  /** How many unused recovery codes the actor has (0 without an authenticator). */
  async recoveryCodesLeft(actor: Actor): Promise<number> {
    if (!(await this.isEnabled(actor.tenantId, actor.user.id))) return 0;
    return this.store.recoveryCodes.remaining(actor.user.id);
  }

  /** New recovery codes replace the old ones; it takes a current authenticator code (step-up), as turning it off does. */
  async regenerateRecoveryCodes(actor: Actor, code: string): Promise<string[]> {
    requireSession(actor, 'Making new recovery codes');
    if (!(await this.isEnabled(actor.tenantId, actor.user.id))) throw new AppError('TOTP_NOT_ENROLLED');
    await this.throttle(actor);
    if (!(await this.check(actor.tenantId, actor.user.id, code))) {
      await this.wrongCode(actor, 'user.totp.recovery_codes');
      throw new AppError('TOTP_CODE_INVALID');
    }
    await this.clearThrottle(actor);
    const codes = await this.storeRecoveryCodes(actor.user.id);
    await this.audit.record(actor, { action: 'user.totp.recovery_codes', targetType: 'user', targetId: actor.user.id });
    return codes;
  }

  private async storeRecoveryCodes(userId: string): Promise<string[]> {
    const codes = generateRecoveryCodes();
    const digests = codes.map((c) => recoveryCodeDigest(keyringOf(this.masterKey).current.key, userId, normalizeRecoveryCode(c)!));
    await this.store.transaction((tx) => tx.recoveryCodes.replace(userId, digests, this.clock.now()));
    return codes;
  }

  /**
   * Counts a code attempt before it is checked (see claimAttempt; `clearThrottle` after a right
   * code), and refuses while too many wrong codes were given lately (429 with Retry-After).
   */
  async throttle(actor: Pick<Actor, 'tenantId' | 'user'>): Promise<void> {
    const wait = await claimAttempt(this.store.loginFailures, throttleSubject(actor), this.clock.now().getTime());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many wrong codes. Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }

  async clearThrottle(actor: Pick<Actor, 'tenantId' | 'user'>): Promise<void> {
    await this.store.loginFailures.clear(throttleSubject(actor));
  }

  private async wrongCode(actor: Actor, action: AuditAction): Promise<void> {
    await this.audit.record(actor, { action, targetType: 'user', targetId: actor.user.id, result: 'failure', details: { reason: 'WRONG_CODE' } });
  }

  /**
   * The keys recovery-code digests may have been made with: those of the keyring's master keys
   * (the current one first), then those of master keys retired by a rotation, kept sealed in the
   * meta table (see master-key-rotation.ts). Read on each use: recovery codes are rare.
   */
  private async recoveryCodeKeys(): Promise<Buffer[]> {
    const ring = keyringOf(this.masterKey);
    const keys = ring.keys.map(({ key }) => recoveryCodeKey(key));
    for (const { name, value } of await this.store.meta.list(RETIRED_RECOVERY_CODE_KEY)) {
      const id = name.slice(RETIRED_RECOVERY_CODE_KEY.length);
      if (ring.byId(id) !== undefined) continue;
      keys.push(Buffer.from(openValue(this.masterKey, value, retiredRecoveryCodeKeyBinding(id)), 'hex'));
    }
    return keys;
  }

  private secretOf(envelope: string, owner: { tenantId: string; user: { id: string } }): Buffer {
    const key = base32Decode(openValue(this.masterKey, envelope, totpBinding(owner.tenantId, owner.user.id)));
    if (!key) throw new Error('a stored TOTP secret is not base32');
    return key;
  }
}

/** Wrong authenticator codes are counted per user, apart from sign-in failures (which count per email). */
function throttleSubject(actor: Pick<Actor, 'tenantId' | 'user'>): string {
  return `totp:${actor.tenantId}:${actor.user.id}`;
}
