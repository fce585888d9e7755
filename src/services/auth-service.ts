import { AppError } from '../core/errors.js';
import type { User } from '../core/model.js';
import { csrfTokenFor } from '../crypto/csrf.js';
import { constantTimeEqual, sha256Hex } from '../crypto/digest.js';
import { dummyPasswordHash, hashPassword, isAcceptablePassword, verifyPassword } from '../crypto/password.js';
import { generateOpaqueToken } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import type { Actor, Clock } from './actor.js';
import { claimAttempt } from './attempt-brake.js';
import type { AuditService } from './audit-service.js';
import type { TotpService } from './totp-service.js';

export interface LoginResult {
  user: User;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionLookup {
  /** The digest the session row is stored under (never the cookie value itself). */
  idHash: string;
  user: User;
  csrfToken: string;
  expiresAt: Date;
}

/** Console sign-in: passwords, sessions, CSRF tokens and the brake on guessing. */
export class AuthService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly sessionTtlMs: number;
  private readonly totp: TotpService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; sessionTtlMinutes: number; totp: TotpService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.sessionTtlMs = options.sessionTtlMinutes * 60_000;
    this.totp = options.totp;
  }

  /**
   * Email + password, and the authenticator code once the user enrolled one. Without a code the
   * answer is TOTP_REQUIRED (the console then asks for it); a wrong code is a failed sign-in like
   * a wrong password, with the same answer and the same brake.
   */
  async login(input: {
    tenant: string;
    email: string;
    password: string;
    totp?: string | undefined;
    recoveryCode?: string | undefined;
    ip: string | null;
    userAgent: string | null;
  }): Promise<LoginResult> {
    const now = this.clock.now();
    const tenant = await this.store.tenants.findByIdOrSlug(input.tenant.trim());
    const email = input.email.trim().toLowerCase();
    const subject = `${tenant?.id ?? `unknown:${input.tenant.trim().toLowerCase()}`}:${email}`;
    // Counted before the password is checked (see claimAttempt); a success below clears it.
    const wait = await claimAttempt(this.store.loginFailures, subject, now.getTime());
    if (wait > 0) {
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 1000)} s.`, {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const found = tenant && tenant.status === 'active' ? await this.store.users.findByEmailWithHash(tenant.id, email) : null;
    // Verify against a dummy hash when there is no such user, so timing does not reveal accounts.
    const ok = await verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!found || !ok || found.user.status !== 'active') {
      if (tenant && found) {
        await this.audit.record(
          { tenantId: tenant.id, user: found.user, accessKeyId: null, ip: input.ip, via: 'session' },
          { action: 'auth.login', targetType: 'user', targetId: found.user.id, result: 'failure', details: { reason: ok ? 'USER_DISABLED' : 'WRONG_PASSWORD' } },
        );
      }
      throw new AppError('INVALID_CREDENTIALS');
    }
    if (await this.totp.isEnabled(found.user.tenantId, found.user.id)) {
      if (input.totp === undefined && input.recoveryCode === undefined) throw new AppError('TOTP_REQUIRED');
      // A recovery code stands in for the app's code (a lost phone); each works once.
      const passed = input.totp !== undefined ? await this.totp.check(found.user.tenantId, found.user.id, input.totp) : await this.totp.useRecoveryCode(found.user, input.recoveryCode!, input.ip);
      if (!passed) {
        await this.audit.record(
          { tenantId: found.user.tenantId, user: found.user, accessKeyId: null, ip: input.ip, via: 'session' },
          { action: 'auth.login', targetType: 'user', targetId: found.user.id, result: 'failure', details: { reason: input.totp !== undefined ? 'WRONG_TOTP' : 'WRONG_RECOVERY_CODE' } },
        );
        throw new AppError('INVALID_CREDENTIALS');
      }
    }
    await this.store.loginFailures.clear(subject);
    const sessionToken = generateOpaqueToken();
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs);
    await this.store.sessions.insert({
      idHash: sha256Hex(sessionToken),
      userId: found.user.id,
      tenantId: found.user.tenantId,
      createdAt: now.getTime(),
      expiresAt: expiresAt.getTime(),
      lastSeenAt: now.getTime(),
    });
    await this.audit.record(
      { tenantId: found.user.tenantId, user: found.user, accessKeyId: null, ip: input.ip, via: 'session' },
      { action: 'auth.login', targetType: 'user', targetId: found.user.id },
    );
    return { user: found.user, sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt };
  }

  /** The session behind a cookie value, or null when unknown, expired or its user is disabled. */
  async resolveSession(sessionToken: string): Promise<SessionLookup | null> {
    const row = await this.store.sessions.find(sha256Hex(sessionToken));
    if (!row) return null;
    const now = this.clock.now().getTime();
    if (row.expiresAt <= now) {
      await this.store.sessions.delete(row.idHash);
      return null;
    }
    const user = await this.store.users.find(row.tenantId, row.userId);
    if (user?.status !== 'active') return null;
    const tenant = await this.store.tenants.findById(row.tenantId);
    if (tenant?.status !== 'active') return null;
    return { idHash: row.idHash, user, csrfToken: csrfTokenFor(sessionToken), expiresAt: new Date(row.expiresAt) };
  }

  checkCsrf(session: SessionLookup, header: string | undefined): boolean {
    return header !== undefined && constantTimeEqual(session.csrfToken, header);
  }

  async logout(actor: Actor, sessionToken: string): Promise<void> {
    await this.store.sessions.delete(sha256Hex(sessionToken));
    await this.audit.record(actor, { action: 'auth.logout', targetType: 'user', targetId: actor.user.id });
  }

  /** Sets a new password; every other session of the user ends (a stolen session dies with the old password). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, currentSessionToken: string): Promise<void> {
    const stored = await this.store.users.passwordHash(actor.tenantId, actor.user.id);
    if (!stored || !(await verifyPassword(stored, currentPassword))) throw new AppError('WRONG_PASSWORD');
    if (!isAcceptablePassword(newPassword)) throw new AppError('WEAK_PASSWORD');
    if (newPassword === currentPassword) throw new AppError('WEAK_PASSWORD', 'The new password must differ from the current one.');
    const passwordHash = await hashPassword(newPassword);
    await this.store.transaction(async (tx) => {
      await tx.users.update(actor.tenantId, actor.user.id, { passwordHash, mustChangePassword: false }, this.clock.now());
      await tx.sessions.deleteForUserExcept(actor.user.id, sha256Hex(currentSessionToken));
      await this.audit.record(actor, { action: 'user.password.change', targetType: 'user', targetId: actor.user.id }, tx);
    });
  }
}
