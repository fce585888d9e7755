import type { CreditSpend, CreditSpender } from './usage-gate.js';

type Result = { ok: boolean; remaining: number | null };

interface Waiting {
  spend: CreditSpend;
  done: (result: Result) => void;
  fail: (error: unknown) => void;
}

/**
 * Spends of one key's (or identity's) credits, one statement at a time per process: while a
 * spend is in flight, the next ones wait here and then go together as one guarded UPDATE of
 * their total. Without it a burst on one key queues every request on that row's lock, each
 * holding a pooled connection, and the pool runs dry (503) long before the credits do.
 *
 * The store's guard keeps it exact: a batch whose total does not fit is spent again one by one
 * (in arrival order), so a request is refused only when its own cost did not fit.
 */
export class CreditBatcher {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(private readonly spendInStore: CreditSpender) {}

  readonly spend: CreditSpender = (spend) =>
    new Promise<Result>((done, fail) => {
      const owner = `${spend.tenantId}\u0000${spend.accessKeyId ?? ''}\u0000${spend.externalId ?? ''}`;
      const queue = this.queues.get(owner);
      if (queue !== undefined) {
        queue.push({ spend, done, fail });
        return;
      }
      this.queues.set(owner, []);
      void this.run(owner, [{ spend, done, fail }]);
    });

  private async run(owner: string, batch: Waiting[]): Promise<void> {
    for (;;) {
      try {
        await this.spendBatch(batch);
      } catch (error) {
        for (const w of batch) w.fail(error);
      }
      const next = this.queues.get(owner)!;
      if (next.length === 0) {
        this.queues.delete(owner);
        return;
      }
      this.queues.set(owner, []);
      batch = next;
    }
  }

  private async spendBatch(batch: Waiting[]): Promise<void> {
    const last = batch[batch.length - 1]!.spend;
    if (batch.length > 1) {
      const total = batch.reduce((sum, w) => sum + w.spend.cost, 0);
      const together = await this.spendInStore({ ...last, cost: total });
      if (together.ok) {
        // Each request learns the credits as they were after its own spend, in arrival order.
        let left = together.remaining === null ? null : together.remaining + total;
        for (const w of batch) {
          if (left !== null) left -= w.spend.cost;
          w.done({ ok: true, remaining: left });
        }
        return;
      }
    }
    // One by one: a request whose cost does not fit what the last statement left is refused without another.
    let known: number | null = null;
    for (const w of batch) {
      if (known !== null && w.spend.cost > known) {
        w.done({ ok: false, remaining: known });
        continue;
      }
      const result = await this.spendInStore({ ...w.spend, now: last.now, dueRefillAt: last.dueRefillAt });
      known = result.remaining;
      w.done(result);
    }
  }
}
