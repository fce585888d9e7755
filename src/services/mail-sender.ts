import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { openValue, type SealingKeys } from '../crypto/envelope.js';
import { generateOpaqueToken } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import { mailBinding } from './mail-outbox.js';

export const MAIL_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;
/** Longer than any send can take (the transport's timeouts), so a live claim never lapses. */
const CLAIM_LEASE_MS = 5 * 60_000;
const BATCH = 20;

/** 30 s, 1 min, 2 min … at most an hour between tries. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** What went wrong, for the log and the outbox row: codes and the server's answer, never the mail. */
function failureReason(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown } | null;
  const parts = [e?.code, e?.responseCode, e?.command].filter((p) => p !== undefined && p !== null).map(String);
  const message = String(e?.message ?? error)
    .replace(/\s+/g, ' ')
    .slice(0, 200);
  return [...parts, message].join(' ');
}

/**
 * Every process runs one sender: it claims due mails from the shared outbox (one guarded update
 * each, so no mail goes out twice), sends them over SMTP, retries with backoff, and gives a mail
 * up after `maxAttempts` tries. `stop()` lets the mail in flight finish.
 */
export class MailSender {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly masterKey: SealingKeys;
  private readonly transport: Transporter;
  private readonly from: string;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(options: { store: Store; logger: Logger; clock: Clock; masterKey: SealingKeys; transport: Transporter; from: string; pollMs: number; maxAttempts?: number }) {
    this.store = options.store;
    this.logger = options.logger;
    this.clock = options.clock;
    this.masterKey = options.masterKey;
    this.transport = options.transport;
    this.from = options.from;
    this.pollMs = options.pollMs;
    this.maxAttempts = options.maxAttempts ?? MAIL_MAX_ATTEMPTS;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Look at the outbox now (a mail was just queued); a look already under way looks again after. */
  wake(): void {
    if (this.stopped || !this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not read the mail outbox; will retry'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Sends every mail due now; returns how many went out. */
  async sendDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const ids = await this.store.outbox.dueIds(this.clock.now(), BATCH);
      for (const id of ids) {
        if (this.stopped) return sent;
        if (await this.sendOne(id)) sent++;
      }
      if (ids.length < BATCH) return sent;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.transport.close();
  }

  private async sendOne(id: string): Promise<boolean> {
    const token = generateOpaqueToken();
    const now = this.clock.now();
    const mail = await this.store.outbox.claim(id, token, now, CLAIM_LEASE_MS);
    if (!mail) return false;
    if (mail.bodyEnvelope === null) {
      await this.store.outbox.markFailed(id, token, now, 'no body left to send');
      return false;
    }
    if (mail.discardAfter !== null && mail.discardAfter.getTime() <= now.getTime()) {
      await this.store.outbox.markFailed(id, token, now, 'no longer useful when its turn came');
      this.logger.warn({ mailId: id, purpose: mail.purpose, attempts: mail.attempts }, 'mail dropped: it lapsed before it could be sent');
      return false;
    }
    try {
      const text = openValue(this.masterKey, mail.bodyEnvelope, mailBinding(id));
      await this.transport.sendMail({ from: this.from, to: mail.toAddress, subject: mail.subject, text });
      await this.store.outbox.markSent(id, token, this.clock.now());
      this.logger.info({ mailId: id, purpose: mail.purpose, attempts: mail.attempts }, 'mail sent');
      return true;
    } catch (error) {
      const reason = failureReason(error);
      const after = this.clock.now();
      if (mail.attempts >= this.maxAttempts) {
        await this.store.outbox.markFailed(id, token, after, reason);
        this.logger.error({ mailId: id, purpose: mail.purpose, attempts: mail.attempts, reason }, 'mail could not be sent; gave up');
      } else {
        const next = new Date(after.getTime() + retryDelayMs(mail.attempts));
        await this.store.outbox.retryLater(id, token, next, reason);
        this.logger.warn({ mailId: id, purpose: mail.purpose, attempts: mail.attempts, reason, nextAttemptAt: next.toISOString() }, 'mail not sent; will retry');
      }
      return false;
    }
  }
}
