import type { SealingKeys } from '../crypto/envelope.js';
import { AppError } from '../core/errors.js';
import type { ThrottleLimits } from '../core/login-throttle.js';
import type { User } from '../core/model.js';
import { sourceOf } from '../core/source-address.js';
import { csrfTokenFor } from '../crypto/csrf.js';
import { DeviceTokens } from '../crypto/device-token.js';
import { constantTimeEqualText, sha256Hex } from '../crypto/digest.js';
import { dummyPasswordHash, hashPassword, isAcceptablePassword, verifyPassword } from '../crypto/password.js';
import { generateOpaqueToken } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import type { Actor, Clock } from './actor.js';
import { claimAttempt, lockedFor, refundAttempt } from './attempt-brake.js';
import type { AuditService } from './audit-service.js';
import { HashGate } from './hash-gate.js';
import type { TotpService } from './totp-service.js';

export interface LoginResult {
  user: User;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  /** A fresh known-device cookie value for this browser and user (see DeviceTokens). */
  deviceToken: string;
  deviceExpiresAt: Date;
}

/** Sign-in thresholds (LATCHKEY_LOGIN_*), documented in src/config.ts and the README. */
export interface LoginSettings {
  windowSeconds: number;
  maxLockSeconds: number;
  /** Free failures of one account from one source address (and from one known device). */
  pairFailures: number;
  /** Free failures from one source address, over all accounts, known or not. */
  sourceFailures: number;
  /** Free failures of one account from clients that never signed in to it. */
  accountFailures: number;
  hashConcurrency: number;
  hashQueue: number;
  deviceDays: number;
}

export const DEFAULT_LOGIN_SETTINGS: LoginSettings = {
  windowSeconds: 900,
  maxLockSeconds: 900,
  pairFailures: 5,
  sourceFailures: 30,
  accountFailures: 100,
  hashConcurrency: 2,
  hashQueue: 32,
  deviceDays: 365,
};

/** How long a sign-in may wait in line for a password check before 503 SIGN_IN_BUSY. */
const HASH_MAX_WAIT_MS = 2000;

function tooMany(waitMs: number): void {
  if (waitMs <= 0) return;
  const retryAfterSeconds = Math.ceil(waitMs / 1000);
  throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
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
  private readonly devices: DeviceTokens;
  private readonly deviceTtlMs: number;
  private readonly limits: { pair: ThrottleLimits; source: ThrottleLimits; account: ThrottleLimits };
  /** Bounds the password hashing sign-in (and password changes) can start at once. */
  readonly hashes: HashGate;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; sessionTtlMinutes: number; totp: TotpService; masterKey: SealingKeys; login?: LoginSettings }) {
    const login = options.login ?? DEFAULT_LOGIN_SETTINGS;
    const limits = (freeFailures: number): ThrottleLimits => ({ freeFailures, windowMs: login.windowSeconds * 1000, maxLockMs: login.maxLockSeconds * 1000 });
    this.limits = { pair: limits(login.pairFailures), source: limits(login.sourceFailures), account: limits(login.accountFailures) };
    this.devices = new DeviceTokens(options.masterKey);
    this.deviceTtlMs = login.deviceDays * 86_400_000;
    this.hashes = new HashGate({ concurrency: login.hashConcurrency, queue: login.hashQueue, maxWaitMs: HASH_MAX_WAIT_MS });
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
   *
   * The brake counts several subjects (see LoginSettings): from a browser that signed in to this
   * account before (its device cookie), only that device's attempts on the account; from any
   * other client, the account from this source address, the source address overall and, at a
   * much higher threshold, the account alone. So guesses from elsewhere never lock the owner's
   * own browser out, and an unknown email costs the same as a known one.
   */
  async login(input: {
    tenant: string;
    email: string;
    password: string;
    totp?: string | undefined;
    recoveryCode?: string | undefined;
    ip: string | null;
    userAgent: string | null;
    deviceToken?: string | undefined;
  }): Promise<LoginResult> {
    const now = this.clock.now();
    const tenant = await this.store.tenants.findByIdOrSlug(input.tenant.trim());
    const email = input.email.trim().toLowerCase();
    const account = `${tenant?.id ?? `unknown:${input.tenant.trim().toLowerCase()}`}:${email}`;
    const found = tenant && tenant.status === 'active' ? await this.store.users.findByEmailWithHash(tenant.id, email) : null;
    const knownDevice = found !== null && input.deviceToken !== undefined && this.devices.isKnown(input.deviceToken, found.user.id, now.getTime());
    const source = sourceOf(input.ip);
    const brakes: Array<{ subject: string; limits: ThrottleLimits; shared: boolean }> = knownDevice
      ? [{ subject: `device:${sha256Hex(input.deviceToken ?? '')}:${account}`, limits: this.limits.pair, shared: false }]
      : [
          { subject: `pair:${source}:${account}`, limits: this.limits.pair, shared: false },
          { subject: `source:${source}`, limits: this.limits.source, shared: true },
          { subject: `account:${account}`, limits: this.limits.account, shared: false },
        ];
    // A locked subject refuses before anything is counted or waits in line (reads only); then
    // each is counted before the password is checked (see claimAttempt); a success clears or refunds them.
    for (const brake of brakes) tooMany(await lockedFor(this.store.loginFailures, brake.subject, now.getTime()));
    // The rest (the counted writes, the password hash, the session) runs in a short line: a flood of
    // sign-ins can neither fill the hashing threads nor queue hundreds of database commits at once.
    return this.hashes.run(async () => {
      // One commit for all the counts (each commit waits for the disk); a subject locked meanwhile
      // throws, so the attempt is refused and counted nowhere.
      await this.store.transaction(async (tx) => {
        for (const brake of brakes) tooMany(await claimAttempt(tx.loginFailures, brake.subject, now.getTime(), brake.limits));
      });
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
        if (input.totp === undefined && input.recoveryCode === undefined) {
          // The password was right: a shared address keeps no count of it.
          for (const brake of brakes) if (brake.shared) await refundAttempt(this.store.loginFailures, brake.subject, now.getTime(), brake.limits);
          throw new AppError('TOTP_REQUIRED');
        }
        // A recovery code stands in for the app's code (a lost phone); each works once.
        const passed =
          input.totp !== undefined ? await this.totp.check(found.user.tenantId, found.user.id, input.totp) : await this.totp.useRecoveryCode(found.user, input.recoveryCode!, input.ip);
        if (!passed) {
          await this.audit.record(
            { tenantId: found.user.tenantId, user: found.user, accessKeyId: null, ip: input.ip, via: 'session' },
            { action: 'auth.login', targetType: 'user', targetId: found.user.id, result: 'failure', details: { reason: input.totp !== undefined ? 'WRONG_TOTP' : 'WRONG_RECOVERY_CODE' } },
          );
          throw new AppError('INVALID_CREDENTIALS');
        }
      }
      for (const brake of brakes) {
        if (brake.shared) await refundAttempt(this.store.loginFailures, brake.subject, now.getTime(), brake.limits);
        else await this.store.loginFailures.clear(brake.subject);
      }
      // A sign-in from a known device clears the account's own count too: the owner got in.
      if (knownDevice) await this.store.loginFailures.clear(`account:${account}`);
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
      const deviceExpiresAt = new Date(now.getTime() + this.deviceTtlMs);
      return {
        user: found.user,
        sessionToken,
        csrfToken: csrfTokenFor(sessionToken),
        expiresAt,
        deviceToken: this.devices.issue(found.user.id, deviceExpiresAt.getTime()),
        deviceExpiresAt,
      };
    });
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
    return header !== undefined && constantTimeEqualText(session.csrfToken, header);
  }

  async logout(actor: Actor, sessionToken: string): Promise<void> {
    await this.store.sessions.delete(sha256Hex(sessionToken));
    await this.audit.record(actor, { action: 'auth.logout', targetType: 'user', targetId: actor.user.id });
  }

  /** Sets a new password; every other session of the user ends (a stolen session dies with the old password). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, currentSessionToken: string): Promise<void> {
    const stored = await this.store.users.passwordHash(actor.tenantId, actor.user.id);
    if (!stored || !(await this.hashes.run(() => verifyPassword(stored, currentPassword)))) throw new AppError('WRONG_PASSWORD');
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
