import { LRUCache } from 'lru-cache';
import type { UsableKeyFacts } from '../core/verification.js';
import type { KeyForVerification } from '../store/repos/access-keys-repo.js';
import type { Store } from '../store/store.js';
import { resolvePermissions } from './permission-resolver.js';
import { SigningKeyMemo } from './signing-keys.js';

export interface CachedKey extends KeyForVerification {
  /** The secret digests as bytes, compared on every bearer verification. */
  digests: { current: Buffer; previous: Buffer | null };
  permissions: string[];
  /** Whether the key's own roles narrow it (else it acts with all of its owner's permissions). */
  narrowed: boolean;
  /** What decideUsable needs, gathered once per load rather than once per verification. */
  usable: UsableKeyFacts;
  /**
   * Signing keys derived from this key's secrets for signed requests (see signing-keys.ts). They
   * live and die with this entry: every eviction (a key, user, role or policy change, the time
   * limit, the LRU bound) drops them with it, and a reload starts empty.
   */
  signingKeys: SigningKeyMemo;
}

const ABSENT = Symbol('absent');
type Entry = CachedKey | typeof ABSENT;

/**
 * How long a missing change number is waited for. Numbers are taken when a transaction writes
 * its change row but become visible when it commits, so on PostgreSQL a later number can be
 * seen first; a rolled-back transaction leaves its number missing for good.
 */
const GAP_WAIT_MS = 60_000;
/** Gaps wider than this are not tracked one by one (they come from sequence jumps, not from writers in flight). */
const MAX_TRACKED_GAP = 1_000;

/**
 * Verification's view of keys, kept in process memory so the hot path touches no database.
 * Correctness across processes comes from the `changes` log: every change that affects
 * verification writes a row there, and `poll()` (run every few hundred ms) evicts what changed.
 * Unknown key IDs are cached too (as absent), so guessing does not reach the database.
 */
export class KeyCache {
  private readonly store: Store;
  private readonly cache: LRUCache<string, { entry: Entry }>;
  private readonly loading = new Map<string, Promise<Entry>>();
  private lastSeq = 0;
  /** Change numbers skipped over by the last polls, and until when they are waited for. */
  private readonly gaps = new Map<number, number>();
  private generation = 0;

  constructor(options: { store: Store; max: number }) {
    this.store = options.store;
    // A time limit as well, as a second line of defence should a change ever be missed.
    this.cache = new LRUCache({ max: options.max, ttl: 5 * 60_000, ttlAutopurge: false, updateAgeOnGet: false });
  }

  async start(): Promise<void> {
    this.lastSeq = await this.store.changes.latestSeq();
  }

  /** The cached key (null: cached as absent), or undefined when it is not in the cache: the hot path's synchronous look. */
  peek(accessKeyId: string): CachedKey | null | undefined {
    const hit = this.cache.get(accessKeyId);
    if (hit === undefined) return undefined;
    return hit.entry === ABSENT ? null : hit.entry;
  }

  /** The key, or null when no key has this ID. Throws when the database cannot be reached. */
  async get(accessKeyId: string): Promise<CachedKey | null> {
    const hit = this.cache.get(accessKeyId);
    if (hit) return hit.entry === ABSENT ? null : hit.entry;
    let pending = this.loading.get(accessKeyId);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(accessKeyId).finally(() => this.loading.delete(accessKeyId));
      this.loading.set(accessKeyId, pending);
      const entry = await pending;
      // An eviction while loading means the row may be stale: do not keep it.
      if (generation === this.generation) this.cache.set(accessKeyId, { entry });
      return entry === ABSENT ? null : entry;
    }
    const entry = await pending;
    return entry === ABSENT ? null : entry;
  }

  evictKey(accessKeyId: string): void {
    this.generation++;
    this.cache.delete(accessKeyId);
  }

  evictTenant(tenantId: string): void {
    this.generation++;
    for (const [id, { entry }] of this.cache.entries()) {
      if (entry !== ABSENT && entry.key.tenantId === tenantId) this.cache.delete(id);
    }
  }

  /**
   * Applies the changes other processes (or the CLI) made since the last poll, including those
   * whose number was skipped over before because their transaction had not committed yet.
   */
  async poll(now = Date.now()): Promise<number> {
    let applied = 0;
    for (;;) {
      const rows = await this.store.changes.since(this.lastSeq, 1000);
      for (const row of rows) {
        const skipped = row.seq - this.lastSeq - 1;
        if (skipped > 0 && skipped <= MAX_TRACKED_GAP) for (let seq = this.lastSeq + 1; seq < row.seq; seq++) this.gaps.set(seq, now + GAP_WAIT_MS);
        this.apply(row);
        this.lastSeq = row.seq;
      }
      applied += rows.length;
      if (rows.length < 1000) break;
    }
    if (this.gaps.size > 0) {
      for (const row of await this.store.changes.bySeqs([...this.gaps.keys()])) {
        this.gaps.delete(row.seq);
        this.apply(row);
        applied++;
      }
      for (const [seq, until] of this.gaps) if (until <= now) this.gaps.delete(seq);
    }
    return applied;
  }

  private apply(row: { tenantId: string; accessKeyId: string | null }): void {
    if (row.accessKeyId === null) this.evictTenant(row.tenantId);
    else this.evictKey(row.accessKeyId);
  }

  get size(): number {
    return this.cache.size;
  }

  private async load(accessKeyId: string): Promise<Entry> {
    const found = await this.store.accessKeys.findForVerification(accessKeyId);
    if (!found) return ABSENT;
    const resolved = await resolvePermissions(this.store, found.key, found.ownerRole);
    const usable: UsableKeyFacts = {
      state: found.key.state,
      expiresAt: found.key.expiresAt,
      ownerStatus: found.ownerStatus,
      ownerRole: found.ownerRole,
      ownerProgrammaticAccess: found.ownerProgrammaticAccess,
      tenantStatus: found.tenantStatus,
    };
    const digests = {
      current: Buffer.from(found.secrets.secretDigest, 'hex'),
      previous: found.secrets.previousSecretDigest === null ? null : Buffer.from(found.secrets.previousSecretDigest, 'hex'),
    };
    return { ...found, digests, permissions: resolved.effective, narrowed: resolved.key !== null, usable, signingKeys: new SigningKeyMemo() };
  }
}
