/**
 * Refusals at a fixed time. A known key with a wrong secret and a key ID that does not exist get
 * the same answer, but not for the same work: a cached key is refused from memory, an unknown ID
 * after a database lookup (and a known key's failure is recorded and counted). Measured over
 * HTTP that told them apart (issue 10: 1,216 µs against 678 µs, p = 5e-71). So every refusal of
 * the verification routes is sent no sooner than `floorMs` after its request arrived: whatever
 * work it took, if less than the floor, no longer shows.
 *
 * The wait must end at the same moment for both kinds, to well under the millisecond a timer can
 * resolve: a timer wakes the answer about 2 ms before its time, and from there it is checked on
 * each turn of the event loop (setImmediate) until the time has come. A refusal costs a timer
 * and a few loop turns; successes are never held.
 */
const EARLY_MS = 2;

/** The error statuses that are refusals of a credential (or of the verifier asking): held like a valid:false answer. */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

export class RefusalFloor {
  constructor(readonly floorMs: number) {}

  /** Calls `send` once `floorMs` have passed since `startedAt` (a performance.now() reading); at once if they have. */
  hold(startedAt: number, send: () => void): void {
    const due = startedAt + this.floorMs;
    const wait = due - performance.now();
    if (wait <= 0) {
      send();
      return;
    }
    const check = (): void => {
      if (performance.now() >= due) send();
      else setImmediate(check);
    };
    if (wait > EARLY_MS) setTimeout(check, wait - EARLY_MS);
    else setImmediate(check);
  }

  /** The same as a promise (for the error handlers). */
  wait(startedAt: number): Promise<void> {
    return new Promise((resolve) => this.hold(startedAt, resolve));
  }
}
