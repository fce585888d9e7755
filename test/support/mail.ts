/**
 * A real SMTP server (the smtp-server package) on a free local port that keeps every mail it
 * accepts, parsed with mailparser: what Latchkey sends is read back as a mail client would.
 * It can be told to refuse mail, to exercise retries and giving up.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The raw message as it arrived (headers and all), to check nothing secret is anywhere in it. */
  raw: string;
}

export interface MailServer {
  /** smtp://127.0.0.1:<port>, for LATCHKEY_SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** Mails that were offered while refusing (the server answered 451). */
  refusedCount(): number;
  /** Answer every mail with a temporary failure (451) until told otherwise. */
  refuse(on: boolean): void;
  /** Keep mails whose data has arrived waiting for the server's answer until release() (a slow server). */
  hold(): void;
  release(): void;
  /** Mails whose data arrived and that wait for the server's answer. */
  held(): number;
  /** Mails to `address`, in the order they arrived. */
  to(address: string): ReceivedMail[];
  /** Waits (polling, up to 10 s) until `address` has received more than `seen` mails, and returns the next one. */
  next(address: string, seen?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const addresses = (field: ParsedMail['to']): string[] => (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));

export async function openMailServer(): Promise<MailServer> {
  const received: ReceivedMail[] = [];
  let refusing = false;
  let refused = 0;
  let holding = false;
  const waiting: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const answer = () => {
        if (refusing) {
          refused++;
          const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            received.push({ from: mail.from?.text ?? '', to: addresses(mail.to), subject: mail.subject ?? '', text: mail.text ?? '', raw });
            callback();
          })
          .catch((error: Error) => callback(error));
      };
      stream.on('end', () => (holding ? waiting.push(answer) : answer()));
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP server has no TCP address');
  const to = (who: string) => received.filter((m) => m.to.includes(who.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    refusedCount: () => refused,
    refuse: (on) => {
      refusing = on;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const go of waiting.splice(0)) go();
    },
    held: () => waiting.length,
    to,
    async next(who, seen = 0) {
      await expect.poll(() => to(who).length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(seen);
      return to(who)[seen]!;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
