import { normalizeEmail } from '../core/email.js';
import { AppError } from '../core/errors.js';
import { sourceOf } from '../core/source-address.js';
import { LRUCache } from 'lru-cache';
import { sha256Hex } from '../crypto/digest.js';
import { hashPassword, isAcceptablePassword } from '../crypto/password.js';
import { generateOpaqueToken } from '../crypto/random.js';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import type { MailOutbox } from './mail-outbox.js';

/** How long an emailed reset link works. */
export const RESET_LINK_MINUTES = 30;
/** At most one reset mail per user this often, so the form cannot flood someone's inbox. */
export const RESET_MAIL_SPACING_MS = 60_000;

/**
 * "Forgot password" by email. Asking answers the same at once whatever was asked: the tenant,
 * the account and the mail are looked up after the answer is on its way, so neither the answer
 * nor its timing tells whether an account exists. The link carries a 256-bit token (stored as
 * its SHA-256) in its fragment, which browsers send to no server; it works once, for 30 minutes,
 * and setting the password ends every session of the user.
 */
/** Reset links one source address (IPv6: its /64) may ask for per window, whatever the accounts; then 429. */
export const RESET_REQUESTS_PER_SOURCE = 10;
export const RESET_REQUEST_WINDOW_MS = 15 * 60_000;

export class PasswordRecoveryService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly logger: Logger;
  private readonly mail: MailOutbox;
  private readonly publicUrl: string;
  private readonly pending = new Set<Promise<void>>();
  /** Requests per source in its current window (per process; the least recent sources are forgotten past 50,000). */
  private readonly sources = new LRUCache<string, { start: number; count: number }>({ max: 50_000 });
  /** Only a server that can send mail offers it. */
  readonly available: boolean;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; logger: Logger; mail: MailOutbox; publicUrl: string }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.logger = options.logger;
    this.mail = options.mail;
    this.publicUrl = options.publicUrl;
    this.available = options.mail.configured;
  }

  /** Starts the work and returns before any of it touched the database. */
  request(input: { tenant: string; email: string; ip: string | null }): void {
    if (!this.available) throw new AppError('SMTP_NOT_CONFIGURED', 'This server cannot send mail, so passwords are not reset by email here: ask an administrator of your tenant to reset it.');
    // A flood of requests from one address (for one account or many) is refused before any work;
    // the limit is the same whether the accounts exist or not.
    const source = sourceOf(input.ip);
    const now = this.clock.now().getTime();
    let window = this.sources.get(source);
    if (window === undefined || now - window.start >= RESET_REQUEST_WINDOW_MS) window = { start: now, count: 0 };
    if (window.count >= RESET_REQUESTS_PER_SOURCE) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + RESET_REQUEST_WINDOW_MS - now) / 1000));
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many requests for reset links from this address. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
    window.count++;
    this.sources.set(source, window);
    const work = this.send(input).catch((error: unknown) => this.logger.error({ err: error }, 'could not prepare a password reset mail'));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Resolves when every request made so far has done its work (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async send(input: { tenant: string; email: string; ip: string | null }): Promise<void> {
    const tenant = await this.store.tenants.findByIdOrSlug(input.tenant.trim());
    const email = normalizeEmail(input.email);
    if (tenant?.status !== 'active' || email === null) return;
    const user = (await this.store.users.findByEmailWithHash(tenant.id, email))?.user;
    if (user?.status !== 'active') return;
    const now = this.clock.now();
    const latest = await this.store.passwordResets.latestFor(user.id);
    if (latest !== null && now.getTime() - latest.getTime() < RESET_MAIL_SPACING_MS) return;
    const token = generateOpaqueToken();
    const expiresAt = new Date(now.getTime() + RESET_LINK_MINUTES * 60_000);
    await this.store.transaction(async (tx) => {
      await tx.passwordResets.insert({ tokenDigest: sha256Hex(token), tenantId: tenant.id, userId: user.id, createdAt: now, expiresAt });
      await this.mail.enqueue(tx, [
        {
          tenantId: tenant.id,
          to: user.email,
          purpose: 'password-reset',
          subject: 'Reset your Latchkey password',
          text: [
            `Someone (hopefully you) asked to reset the Latchkey password of ${user.email} in tenant ${tenant.slug}.`,
            '',
            `Set a new password here within ${RESET_LINK_MINUTES} minutes (the link works once):`,
            `${this.publicUrl}/reset-password#${token}`,
            '',
            'If you did not ask for this, ignore this mail: your password stays as it is.',
          ].join('\n'),
          discardAfter: expiresAt,
        },
      ]);
      await this.audit.record(
        { tenantId: tenant.id, user, accessKeyId: null, ip: input.ip, via: 'session' },
        { action: 'user.password.reset_requested', targetType: 'user', targetId: user.id },
        tx,
      );
    });
    this.mail.sendSoon();
  }

  /** Sets the new password with a link's token: once, before it lapses; every session of the user ends. */
  async complete(input: { token: string; newPassword: string; ip: string | null }): Promise<void> {
    if (!this.available) throw new AppError('SMTP_NOT_CONFIGURED', 'Passwords are not reset by email on this server.');
    if (!isAcceptablePassword(input.newPassword)) throw new AppError('WEAK_PASSWORD');
    const tokenDigest = sha256Hex(input.token);
    // Looked at before the (costly) hash, so a made-up token costs no argon2 work; spent below.
    if (!(await this.store.passwordResets.usable(tokenDigest, this.clock.now()))) throw new AppError('RESET_LINK_INVALID');
    const passwordHash = await hashPassword(input.newPassword);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const spent = await tx.passwordResets.spend(tokenDigest, now);
      const user = spent && (await tx.users.find(spent.tenantId, spent.userId));
      if (user?.status !== 'active') throw new AppError('RESET_LINK_INVALID');
      await tx.users.update(user.tenantId, user.id, { passwordHash, mustChangePassword: false }, now);
      await tx.sessions.deleteForUser(user.id);
      await tx.passwordResets.retireFor(user.id, now);
      await this.audit.record({ tenantId: user.tenantId, user, accessKeyId: null, ip: input.ip, via: 'session' }, { action: 'user.password.recover', targetType: 'user', targetId: user.id }, tx);
    });
  }
}
