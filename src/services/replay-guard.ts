/**
 * Replay protection for signed requests (tenant policy `replayProtection`): a signature is
 * accepted once while its request could still pass the time checks. The database decides, with
 * one guarded insert, so the rule holds across every process sharing it.
 */
import { SeenSignaturesRepo } from '../store/repos/seen-signatures-repo.js';
import type { Store } from '../store/store.js';

const PURGE_EVERY_MS = 60_000;

export class ReplayGuard {
  private readonly seen: SeenSignaturesRepo;
  private nextPurgeAt = 0;

  constructor(options: { store: Store }) {
    this.seen = new SeenSignaturesRepo(options.store.db);
  }

  /** True the first time; false for a signature of this key already accepted and still live. Throws when the database cannot be reached. */
  async claim(entry: { tenantId: string; accessKeyId: string; signature: string; expiresAt: Date }, now: Date): Promise<boolean> {
    const fresh = await this.seen.claim(entry, now);
    this.purgeNowAndThen(now);
    return fresh;
  }

  /**
   * Rows past their window only take space (claim takes an expired row over), so the purge runs
   * in the background at most once a minute, and a failed one is simply tried again later.
   */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() < this.nextPurgeAt) return;
    this.nextPurgeAt = now.getTime() + PURGE_EVERY_MS;
    this.seen.purgeExpired(now).catch(() => {
      this.nextPurgeAt = 0;
    });
  }
}
