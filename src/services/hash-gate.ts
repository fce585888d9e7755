import { AppError } from '../core/errors.js';

export interface HashGateSettings {
  /** Password hashes computed at once; the rest wait in line. */
  concurrency: number;
  /** Attempts that may wait in line; one more is refused at once (503 SIGN_IN_BUSY). */
  queue: number;
  /** Longest wait in line (real time) before the attempt is refused (503 SIGN_IN_BUSY). */
  maxWaitMs: number;
}

/**
 * Bounds the argon2 work sign-in can start. Each hash takes a libuv thread and most of a CPU
 * core for tens of milliseconds; a flood of sign-ins would otherwise fill the thread pool and
 * take the cores from the event loop, slowing every verification. Waiting attempts are
 * answered in arrival order; past the queue or the wait they get 503 with Retry-After.
 */
export class HashGate {
  private readonly settings: HashGateSettings;
  private running = 0;
  private readonly waiting: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];
  /** Attempts refused since start (exposed for /metrics). */
  refused = 0;

  constructor(settings: HashGateSettings) {
    this.settings = settings;
  }

  get inFlight(): number {
    return this.running;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private busy(): AppError {
    this.refused++;
    const retryAfterSeconds = Math.max(1, Math.ceil(this.settings.maxWaitMs / 1000));
    return new AppError('SIGN_IN_BUSY', `Too many sign-ins are being checked right now. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }

  private enter(): Promise<void> {
    if (this.running < this.settings.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.settings.queue) return Promise.reject(this.busy());
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(this.busy());
        }, this.settings.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  private leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next in line, so `running` never exceeds the bound.
    if (next) next.start();
    else this.running--;
  }
}
