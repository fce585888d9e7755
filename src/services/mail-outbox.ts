import { sealValue, type SealingKeys } from '../crypto/envelope.js';
import { generateId } from '../crypto/random.js';
import type { Tx } from '../store/store.js';
import type { Clock } from './actor.js';

export interface OutgoingMail {
  tenantId: string;
  to: string;
  subject: string;
  /** Plain text. May hold a step-up code: it is sealed before it is stored. */
  text: string;
  purpose: string;
  /** When the mail stops being worth sending (a code that has lapsed). */
  discardAfter?: Date;
}

/** The binding a mail body is sealed under: a body copied onto another row does not open. */
export const mailBinding = (mailId: string) => `mail:${mailId}`;

/**
 * Puts mail into the outbox inside the caller's transaction: it is sent only if what caused it
 * committed. Without SMTP configured nothing is queued (the bell still works).
 */
export class MailOutbox {
  private readonly clock: Clock;
  private readonly masterKey: SealingKeys;
  readonly configured: boolean;
  private readonly onQueued: () => void;

  constructor(options: { clock: Clock; masterKey: SealingKeys; configured: boolean; onQueued: () => void }) {
    this.clock = options.clock;
    this.masterKey = options.masterKey;
    this.configured = options.configured;
    this.onQueued = options.onQueued;
  }

  async enqueue(tx: Tx, mails: OutgoingMail[]): Promise<void> {
    if (!this.configured || mails.length === 0) return;
    const now = this.clock.now();
    await tx.outbox.enqueue(
      mails.map((m) => {
        const id = generateId('mail');
        return {
          id,
          tenantId: m.tenantId,
          purpose: m.purpose,
          toAddress: m.to,
          subject: m.subject,
          bodyEnvelope: sealValue(this.masterKey, m.text, mailBinding(id)),
          now,
          discardAfter: m.discardAfter ?? null,
        };
      }),
    );
  }

  /** Tells this process's sender to look now (call after the transaction committed). */
  sendSoon(): void {
    if (this.configured) this.onQueued();
  }
}
