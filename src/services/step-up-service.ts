import type { SealingKeys } from '../crypto/envelope.js';
import { AppError } from '../core/errors.js';
import type { TenantPolicy } from '../core/policy.js';
import {
  codeStanding,
  EMAIL_CODE_MAX_TRIES,
  EMAIL_CODE_TTL_MS,
  maskEmail,
  startWaitMs,
  STEP_UP_START_INTERVAL_MS,
  stepUpStatus,
  verifiedUntil,
  type StepUpStatus,
  type StepUpVerification,
} from '../core/step-up.js';
import { emailCodeDigest, emailCodeMatches, generateEmailCode } from '../crypto/one-time-code.js';
import type { SessionRow } from '../store/repos/sessions-repo.js';
import type { Store } from '../store/store.js';
import type { Actor, Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import type { MailOutbox } from './mail-outbox.js';
import { requireSession, type TotpService } from './totp-service.js';

export type StepUpStart = { method: 'email'; sentTo: string; expiresAt: Date } | { method: 'totp' };

const verificationOf = (row: SessionRow | null): StepUpVerification => ({
  verifiedAt: row?.stepUpVerifiedAt == null ? null : new Date(row.stepUpVerifiedAt),
  method: row?.stepUpMethod ?? null,
});

/**
 * Step-up verification of console sessions. The state lives on the session row, so a
 * verification made through one process counts on every other, and a code sent by one can
 * be checked by another.
 */
export class StepUpService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly masterKey: SealingKeys;
  private readonly mail: MailOutbox;
  private readonly totp: TotpService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; masterKey: SealingKeys; mail: MailOutbox; totp: TotpService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.masterKey = options.masterKey;
    this.mail = options.mail;
    this.totp = options.totp;
  }

  /** The session's standing under the tenant policy (access keys have no session: never verified). */
  async status(actor: Actor, policy?: TenantPolicy): Promise<StepUpStatus> {
    const current = policy ?? (await this.policyOf(actor));
    const row = actor.sessionIdHash ? await this.store.sessions.find(actor.sessionIdHash) : null;
    return stepUpStatus(current, verificationOf(row), this.clock.now());
  }

  /**
   * Refuses a guarded operation (create, reveal, rotate, re-enable) from a console session that
   * is not verified now: 403 STEP_UP_REQUIRED with the method, which the console answers with its
   * verification dialog. Access keys and the CLI are not sessions and pass (reveal refuses them itself).
   */
  async require(actor: Actor, policy: TenantPolicy): Promise<void> {
    if (policy.stepUp === 'none' || actor.via !== 'session') return;
    if ((await this.status(actor, policy)).required) {
      const how = policy.stepUp === 'email' ? 'with a code sent to your email address' : 'with a code from your authenticator app';
      throw new AppError('STEP_UP_REQUIRED', `Verify your identity ${how} first (POST /v1/auth/step-up/start, then /verify), then try again.`, {
        method: policy.stepUp,
      });
    }
  }

  async start(actor: Actor): Promise<StepUpStart> {
    const idHash = this.sessionOf(actor);
    const policy = await this.policyOf(actor);
    if (policy.stepUp === 'none') throw new AppError('STEP_UP_NOT_REQUIRED');
    if (policy.stepUp === 'totp') {
      if (!(await this.totp.isEnabled(actor.tenantId, actor.user.id))) {
        throw new AppError('TOTP_NOT_ENROLLED', 'The tenant asks for an authenticator code, and you have no authenticator app yet: enroll one under Personal Settings → Security.');
      }
      await this.audit.record(actor, { action: 'auth.step_up.start', targetType: 'user', targetId: actor.user.id, details: { method: 'totp' } });
      return { method: 'totp' };
    }
    if (!this.mail.configured) throw new AppError('SMTP_NOT_CONFIGURED');
    const now = this.clock.now();
    const code = generateEmailCode();
    const expiresAt = new Date(now.getTime() + EMAIL_CODE_TTL_MS);
    const sent = await this.store.transaction(async (tx) => {
      const stored = await tx.sessions.putStepUpCode(
        idHash,
        { digest: emailCodeDigest(this.masterKey, idHash, code), expiresAt: expiresAt.getTime(), sentAt: now.getTime() },
        now.getTime() - STEP_UP_START_INTERVAL_MS,
      );
      if (!stored) return false;
      await this.mail.enqueue(tx, [
        {
          tenantId: actor.tenantId,
          to: actor.user.email,
          purpose: 'step_up_code',
          subject: 'Your Latchkey verification code',
          text:
            `Your verification code is ${code}\n\n` +
            `Enter it in Latchkey to confirm it is you. It is valid for ${EMAIL_CODE_TTL_MS / 60_000} minutes, until ${expiresAt
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, ' UTC')}.\n\n` +
            'If you did not ask for it, someone may be using your session: sign out everywhere by changing your password.\n',
          discardAfter: expiresAt,
        },
      ]);
      await this.audit.record(actor, { action: 'auth.step_up.start', targetType: 'user', targetId: actor.user.id, details: { method: 'email' } }, tx);
      return true;
    });
    if (!sent) {
      const row = await this.store.sessions.find(idHash);
      const seconds = Math.max(1, Math.ceil(startWaitMs(row?.stepUpCodeSentAt == null ? null : new Date(row.stepUpCodeSentAt), now) / 1000));
      throw new AppError('TOO_MANY_ATTEMPTS', `A code was sent moments ago; wait ${seconds} s before asking for another.`, { retryAfterSeconds: seconds });
    }
    this.mail.sendSoon();
    return { method: 'email', sentTo: maskEmail(actor.user.email), expiresAt };
  }

  async verify(actor: Actor, code: string): Promise<{ verifiedUntil: Date }> {
    const idHash = this.sessionOf(actor);
    const policy = await this.policyOf(actor);
    if (policy.stepUp === 'none') throw new AppError('STEP_UP_NOT_REQUIRED');
    const now = this.clock.now();
    if (policy.stepUp === 'totp') {
      if (!(await this.totp.isEnabled(actor.tenantId, actor.user.id))) throw new AppError('TOTP_NOT_ENROLLED');
      await this.totp.throttle(actor);
      if (!(await this.totp.check(actor.tenantId, actor.user.id, code))) {
        await this.failed(actor, 'totp', 'WRONG_CODE');
        throw new AppError('STEP_UP_CODE_INVALID', 'The code from the authenticator app is not correct (or was used already); wait for the next one.');
      }
      await this.totp.clearThrottle(actor);
      await this.store.sessions.markStepUpVerified(idHash, { method: 'totp', at: now.getTime() });
      return this.verified(actor, policy, 'totp', now);
    }
    const row = await this.store.sessions.find(idHash);
    const pending = {
      digest: row?.stepUpCodeDigest ?? null,
      expiresAt: row?.stepUpCodeExpiresAt == null ? null : new Date(row.stepUpCodeExpiresAt),
      wrongTries: row?.stepUpCodeWrongTries ?? 0,
    };
    const standing = codeStanding(pending, now);
    if (standing === 'none' || standing === 'expired') {
      await this.failed(actor, 'email', standing === 'none' ? 'NO_CODE' : 'CODE_EXPIRED');
      throw new AppError('STEP_UP_CODE_EXPIRED', standing === 'none' ? 'No code is pending for this session: ask for one first.' : 'The code has expired: ask for a new one.');
    }
    if (standing === 'exhausted') {
      await this.failed(actor, 'email', 'TOO_MANY_TRIES');
      const seconds = Math.ceil(startWaitMs(row?.stepUpCodeSentAt == null ? null : new Date(row.stepUpCodeSentAt), now) / 1000);
      throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes: ask for a new one.', { retryAfterSeconds: seconds });
    }
    const digest = pending.digest!;
    if (!emailCodeMatches(this.masterKey, idHash, code, digest)) {
      await this.store.sessions.countWrongCode(idHash, digest);
      await this.failed(actor, 'email', 'WRONG_CODE');
      const left = EMAIL_CODE_MAX_TRIES - pending.wrongTries - 1;
      throw new AppError(
        'STEP_UP_CODE_INVALID',
        left > 0 ? `The code is not correct; ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'The code is not correct, and that was the last try: ask for a new code.',
      );
    }
    if (!(await this.store.sessions.markStepUpVerified(idHash, { method: 'email', at: now.getTime(), codeDigest: digest, maxWrongTries: EMAIL_CODE_MAX_TRIES }))) {
      // Another request used or exhausted this very code in the meantime.
      throw new AppError('STEP_UP_CODE_EXPIRED', 'The code has just been used or replaced: ask for a new one.');
    }
    return this.verified(actor, policy, 'email', now);
  }

  private async verified(actor: Actor, policy: TenantPolicy, method: 'email' | 'totp', now: Date): Promise<{ verifiedUntil: Date }> {
    await this.audit.record(actor, { action: 'auth.step_up.verify', targetType: 'user', targetId: actor.user.id, details: { method } });
    return { verifiedUntil: verifiedUntil(policy, { verifiedAt: now, method })! };
  }

  private async failed(actor: Actor, method: 'email' | 'totp', reason: string): Promise<void> {
    await this.audit.record(actor, { action: 'auth.step_up.verify', targetType: 'user', targetId: actor.user.id, result: 'failure', details: { method, reason } });
  }

  private sessionOf(actor: Actor): string {
    requireSession(actor, 'Step-up verification');
    if (!actor.sessionIdHash) throw new AppError('UNAUTHENTICATED');
    return actor.sessionIdHash;
  }

  private async policyOf(actor: Actor): Promise<TenantPolicy> {
    const tenant = await this.store.tenants.findById(actor.tenantId);
    if (!tenant) throw new AppError('NOT_FOUND');
    return tenant.policy;
  }
}
