import { LRUCache } from 'lru-cache';
import type { UsableKeyFacts } from '../core/verification.js';
import type { KeyForVerification } from '../store/repos/access-keys-repo.js';
import type { Change } from '../store/repos/changes-repo.js';
import type { Store } from '../store/store.js';
import { NegativeCache } from './negative-cache.js';
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

/** Unknown key IDs remembered at most (their own bound, apart from the key LRU's). */
export const UNKNOWN_IDS_MAX = 10_000;
/** How long an unknown key ID is trusted to stay unknown (a created key drops it at once through its change row). */
export const UNKNOWN_ID_TTL_MS = 30_000;

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
 * verification writes a row there, and `poll()` (run every few hundred ms) evicts what changed;
 * in the process that made a change, `evict` runs right after its commit (store.onCommit).
 * Unknown key IDs are remembered apart, in a bounded negative cache of their own (see
 * negative-cache.ts), so guessing does not reach the database and cannot push real keys out.
 */
export class KeyCache {
  private readonly store: Store;
  private readonly cache: LRUCache<string, CachedKey>;
  private readonly unknown: NegativeCache;
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  private lastSeq = 0;
  /** Change numbers skipped over by the last polls, and until when they are waited for. */
  private readonly gaps = new Map<number, number>();
  private generation = 0;

  constructor(options: { store: Store; max: number; unknownMax?: number; unknownTtlMs?: number }) {
    this.store = options.store;
    // A time limit as well, as a second line of defence should a change ever be missed.
    this.cache = new LRUCache({ max: options.max, ttl: 5 * 60_000, ttlAutopurge: false, updateAgeOnGet: false });
    this.unknown = new NegativeCache({ max: options.unknownMax ?? UNKNOWN_IDS_MAX, ttlMs: options.unknownTtlMs ?? UNKNOWN_ID_TTL_MS });
  }

  async start(): Promise<void> {
    this.lastSeq = await this.store.changes.latestSeq();
  }

  /** The cached key (null: known not to exist), or undefined when it is in neither cache: the hot path's synchronous look. */
  peek(accessKeyId: string): CachedKey | null | undefined {
    const hit = this.cache.get(accessKeyId);
    if (hit !== undefined) return hit;
    return this.unknown.has(accessKeyId) ? null : undefined;
  }

  /** The key, or null when no key has this ID. Throws when the database cannot be reached. */
  async get(accessKeyId: string): Promise<CachedKey | null> {
    const hit = this.peek(accessKeyId);
    if (hit !== undefined) return hit;
    let pending = this.loading.get(accessKeyId);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(accessKeyId).finally(() => this.loading.delete(accessKeyId));
      this.loading.set(accessKeyId, pending);
      const entry = await pending;
      // An eviction while loading means the row may be stale (or the key just created): do not keep it.
      if (generation === this.generation) this.keep(accessKeyId, entry);
      return entry;
    }
    return pending;
  }

  private keep(accessKeyId: string, entry: CachedKey | null): void {
    if (entry === null) this.unknown.add(accessKeyId);
    else this.cache.set(accessKeyId, entry);
  }

  /**
   * Drops the entries whose answer may depend on what changed: the key itself (and the key ID
   * if it was remembered as unknown: the change may be its creation); a user's keys; the keys
   * resolved through a role or group; every key of a tenant only for the tenant itself (its
   * status or policy).
   */
  evict(change: Change): void {
    // Also a load in flight may have read the old rows: it must not be kept (see get).
    this.generation++;
    if ('accessKeyId' in change) {
      this.cache.delete(change.accessKeyId);
      this.forgetUnknown(change.accessKeyId);
      return;
    }
    const depends = (entry: CachedKey): boolean =>
      entry.key.tenantId === change.tenantId &&
      ('userId' in change
        ? entry.key.ownerId === change.userId
        : 'roleId' in change
          ? entry.dependsOn.roleIds.includes(change.roleId)
          : 'groupId' in change
            ? entry.dependsOn.groupIds.includes(change.groupId)
            : true);
    for (const [id, entry] of this.cache.entries()) {
      if (depends(entry)) this.cache.delete(id);
    }
  }

  /**
   * A change row naming a key ID may be its creation: an ID remembered as unknown must be
   * looked up again. Key creation writes that row, so this runs at once in the creating
   * process (its eviction after commit) and at the next poll in every other one.
   */
  private forgetUnknown(accessKeyId: string): void {
    this.unknown.delete(accessKeyId);
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
        this.evict(row.change);
        this.lastSeq = row.seq;
      }
      applied += rows.length;
      if (rows.length < 1000) break;
    }
    if (this.gaps.size > 0) {
      for (const row of await this.store.changes.bySeqs([...this.gaps.keys()])) {
        this.gaps.delete(row.seq);
        this.evict(row.change);
        applied++;
      }
      for (const [seq, until] of this.gaps) if (until <= now) this.gaps.delete(seq);
    }
    return applied;
  }

  /** Real keys held (unknown IDs are not counted: they live in their own cache). */
  get size(): number {
    return this.cache.size;
  }

  /** Unknown key IDs remembered. */
  get unknownSize(): number {
    return this.unknown.size;
  }

  private async load(accessKeyId: string): Promise<CachedKey | null> {
    const found = await this.store.accessKeys.findForVerification(accessKeyId);
    if (!found) return null;
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
