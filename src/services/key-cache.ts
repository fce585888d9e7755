import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Change } from '../store/repos/changes-repo.js';
import type { Store } from '../store/store.js';
import { keyControlsOf } from '../core/key-controls.js';
import { CachedKey, Interned, TenantFacts, USED } from './cached-key.js';
import { KeyIndex } from './key-index.js';
import { NegativeCache } from './negative-cache.js';
import { resolveLinks } from './permission-resolver.js';

export { CachedKey } from './cached-key.js';

/** Unknown key IDs remembered at most (their own bound, apart from the key cache's). */
export const UNKNOWN_IDS_MAX = 10_000;
/** How long an unknown key ID is trusted to stay unknown (a created key drops it at once through its change row). */
export const UNKNOWN_ID_TTL_MS = 30_000;

/**
 * The background refresh: every entry is read again about once per period, a few per tick,
 * as a backstop should a change ever be missed. The change log is what keeps entries right;
 * this only bounds how long a missed change could last, without ever reloading many at once.
 */
export const REFRESH_PERIOD_MS = 60 * 60_000;
export const REFRESH_TICK_MS = 1_000;
/** At most this many reads per tick, whatever the cache size (a million keys take ~3 h a round). */
export const REFRESH_MAX_PER_TICK = 100;

/**
 * How long a missing change number is waited for. Numbers are taken when a transaction writes
 * its change row but become visible when it commits, so on PostgreSQL a later number can be
 * seen first; a rolled-back transaction leaves its number missing for good.
 */
const GAP_WAIT_MS = 60_000;
/** Gaps wider than this are not tracked one by one (they come from sequence jumps, not from writers in flight). */
const MAX_TRACKED_GAP = 1_000;
/** Change numbers committed here and not yet passed by a poll, kept at most (see evictedOnCommit). */
const EVICTED_HERE_MAX = 10_000;

/**
 * Verification's view of keys, kept in process memory so the hot path touches no database.
 * Correctness across processes comes from the `changes` log: every change that affects
 * verification writes a row there, and `poll()` (run every few hundred ms) evicts what changed;
 * in the process that made a change, `evict` runs right after its commit (store.onCommit).
 * A change never scans the cache: a key change evicts that key; a user, role, group or tenant
 * change retires the owner or tenant facts the affected keys share (found through KeyIndex), and
 * those keys are read again on their next use. Unknown key IDs are
 * remembered apart, in a bounded negative cache of their own (see negative-cache.ts), so
 * guessing does not reach the database and cannot push real keys out.
 *
 * Entries have no time limit (all of them would reload together); a slow background refresh
 * (`refresh`) reads each one again about once an hour instead. When full, the cache drops a key
 * not used since the eviction hand last passed (CLOCK, a cheap approximation of least recently
 * used: a hit only sets a bit, it moves nothing).
 */
export class KeyCache {
  private readonly store: Store;
  private readonly max: number;
  /** Insertion order is the order both hands (eviction, refresh) walk in. */
  private readonly entries = new Map<string, CachedKey>();
  private readonly index = new KeyIndex();
  private readonly shared = new Interned();
  /** Each tenant's current facts, shared by its cached keys; a tenant-wide change retires them. */
  private readonly tenants = new Map<string, TenantFacts>();
  private readonly unknown: NegativeCache;
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  private evictionHand: Iterator<CachedKey> | null = null;
  private refreshHand: Iterator<CachedKey> | null = null;
  private refreshing = false;
  private lastSeq = 0;
  /** Change numbers skipped over by the last polls, and until when they are waited for. */
  private readonly gaps = new Map<number, number>();
  /** Change rows this process committed and evicted for at once: the poll passes over them (see evictedOnCommit). */
  private readonly evictedHere = new Set<number>();
  private generation = 0;

  constructor(options: { store: Store; max: number; unknownMax?: number; unknownTtlMs?: number }) {
    if (!(options.max >= 1)) throw new Error('KeyCache: max must be at least 1');
    this.store = options.store;
    this.max = options.max;
    this.unknown = new NegativeCache({ max: options.unknownMax ?? UNKNOWN_IDS_MAX, ttlMs: options.unknownTtlMs ?? UNKNOWN_ID_TTL_MS });
  }

  async start(): Promise<void> {
    this.lastSeq = await this.store.changes.latestSeq();
  }

  /** The cached key (null: known not to exist), or undefined when it is in neither cache: the hot path's synchronous look. */
  peek(accessKeyId: string): CachedKey | null | undefined {
    const hit = this.entries.get(accessKeyId);
    if (hit !== undefined) {
      if (!hit.tenant.retired && !hit.owner.retired) {
        hit.bits |= USED;
        return hit;
      }
      // Its tenant, owner or one of their roles changed since it was read: it goes now, on first use, not all at once.
      this.remove(hit);
    }
    return this.unknown.has(accessKeyId) ? null : undefined;
  }

  /** The key, or null when no key has this ID. Throws when the database cannot be reached. */
  async get(accessKeyId: string): Promise<CachedKey | null> {
    const hit = this.peek(accessKeyId);
    if (hit !== undefined) return hit;
    // Misses for one key share one read.
    let pending = this.loading.get(accessKeyId);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(accessKeyId).then((loaded) => {
        // An eviction while loading means the row may be stale (or the key just created): do not keep it.
        if (generation === this.generation) this.keep(accessKeyId, loaded);
        return loaded;
      });
      const settled = pending.finally(() => this.loading.delete(accessKeyId));
      this.loading.set(accessKeyId, settled);
      return settled;
    }
    return pending;
  }

  private keep(accessKeyId: string, entry: CachedKey | null): void {
    if (entry === null) {
      this.unknown.add(accessKeyId);
      return;
    }
    const old = this.entries.get(entry.accessKeyId);
    if (old !== undefined) this.remove(old);
    // Keys read in parallel share the tenant's facts when they read the same; different facts are
    // fresher than those the tenant's cached keys hold: those keys go on their next use.
    const current = this.tenants.get(entry.tenantId);
    if (current?.sameFactsAs(entry.tenant)) entry.tenant = current;
    else {
      if (current !== undefined) current.retired = true;
      this.tenants.set(entry.tenantId, entry.tenant);
    }
    while (this.entries.size >= this.max) this.evictOne();
    this.entries.set(entry.accessKeyId, entry);
    this.index.add(entry);
  }

  private remove(entry: CachedKey): void {
    if (this.entries.get(entry.accessKeyId) !== entry) return;
    this.entries.delete(entry.accessKeyId);
    this.index.remove(entry);
  }

  /** CLOCK: walk on from where the hand stopped, giving each used key a second chance. */
  private evictOne(): void {
    for (;;) {
      this.evictionHand ??= this.entries.values();
      const next = this.evictionHand.next();
      if (next.done) {
        this.evictionHand = null;
        continue;
      }
      const entry = next.value;
      if (entry.bits & USED) entry.bits &= ~USED;
      else {
        this.remove(entry);
        return;
      }
    }
  }

  /**
   * Drops the entries whose answer may depend on what changed: the key itself (and the key ID if
   * it was remembered as unknown: the change may be its creation) at once; for a user, a role or
   * group, or the tenant, it retires the owner or tenant facts the affected keys share (found
   * through KeyIndex, never by walking the cache), and each of those keys is read again on its
   * next use: a change costs one step per owner, not per key, ten keys or a million.
   */
  evict(change: Change): void {
    // Also a load in flight may have read the old rows: it must not be kept (see get).
    this.generation++;
    if ('accessKeyId' in change) {
      const entry = this.entries.get(change.accessKeyId);
      if (entry !== undefined) this.remove(entry);
      this.forgetUnknown(change.accessKeyId);
      return;
    }
    if ('tenant' in change) {
      const facts = this.tenants.get(change.tenantId);
      if (facts !== undefined) facts.retired = true;
      this.tenants.delete(change.tenantId);
      return;
    }
    if ('userId' in change) {
      this.index.retireUser(change.userId);
      return;
    }
    if ('externalId' in change) {
      for (const entry of this.index.identityKeysOf(change.tenantId, change.externalId)) this.remove(entry);
      return;
    }
    const ownKeys = 'roleId' in change ? this.index.retireRole(change.roleId) : this.index.retireGroup(change.groupId);
    for (const entry of ownKeys) this.remove(entry);
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
   * The numbers of change rows this process committed, each already evicted for right after its
   * commit (store.onCommit): the poll passes over them instead of evicting again what may have
   * been loaded fresh since. Bounded: past EVICTED_HERE_MAX unread numbers (a process that does
   * not poll) they are forgotten, and the poll evicts for them as for any other row.
   */
  evictedOnCommit(seqs: readonly number[]): void {
    if (this.evictedHere.size + seqs.length > EVICTED_HERE_MAX) this.evictedHere.clear();
    for (const seq of seqs) this.evictedHere.add(seq);
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
        if (!this.evictedHere.delete(row.seq)) this.evict(row.change);
        this.lastSeq = row.seq;
      }
      applied += rows.length;
      if (rows.length < 1000) break;
    }
    if (this.gaps.size > 0) {
      for (const row of await this.store.changes.bySeqs([...this.gaps.keys()])) {
        this.gaps.delete(row.seq);
        if (!this.evictedHere.delete(row.seq)) this.evict(row.change);
        applied++;
      }
      for (const [seq, until] of this.gaps) if (until <= now) this.gaps.delete(seq);
    }
    return applied;
  }

  /** How many entries one refresh tick reads: the whole cache once per period, never more than the bound. */
  refreshBudget(): number {
    return Math.min(REFRESH_MAX_PER_TICK, Math.ceil((this.entries.size * REFRESH_TICK_MS) / REFRESH_PERIOD_MS));
  }

  /**
   * One tick of the background refresh: reads the next `count` entries again, one at a time
   * (yielding to I/O in between, so a tick never holds the event loop for more than one
   * read), keeps those that still say the same and drops those that do not (the next request
   * loads them). Where an entry falls in the round is where the hand happened to be when it was
   * loaded, so entries are spread over the period and never come due together.
   */
  async refresh(count = this.refreshBudget()): Promise<{ checked: number; dropped: number }> {
    if (this.refreshing) return { checked: 0, dropped: 0 };
    this.refreshing = true;
    let checked = 0;
    let dropped = 0;
    try {
      const size = this.entries.size;
      for (let visited = 0; checked < count && visited < size; visited++) {
        this.refreshHand ??= this.entries.values();
        const next = this.refreshHand.next();
        if (next.done) {
          this.refreshHand = null;
          continue;
        }
        const entry = next.value;
        const generation = this.generation;
        const fresh = await this.load(entry.accessKeyId);
        checked++;
        // A change meanwhile has done (or will do) the work; an entry replaced meanwhile is not ours to judge.
        if (generation === this.generation && this.entries.get(entry.accessKeyId) === entry && (fresh === null || !entry.sameAs(fresh))) {
          this.remove(entry);
          dropped++;
        }
        if (checked < count) await yieldToIo();
      }
    } finally {
      this.refreshing = false;
    }
    return { checked, dropped };
  }

  /** Real keys held (unknown IDs are not counted: they live in their own cache). */
  get size(): number {
    return this.entries.size;
  }

  /** Unknown key IDs remembered. */
  get unknownSize(): number {
    return this.unknown.size;
  }

  /** What the indexes hold (tests check they empty with the cache). */
  get indexSizes(): KeyIndex['sizes'] {
    return this.index.sizes;
  }

  private async load(accessKeyId: string): Promise<CachedKey | null> {
    const row = await this.store.accessKeys.findForVerification(accessKeyId);
    if (row === null) return null;
    const known = this.tenants.get(row.tenantId);
    const tenant = known?.sameAsRow(row) ? known : new TenantFacts(known?.id ?? row.tenantId, row.tenantStatus, row.policy, this.shared.policy(row.policy));
    return new CachedKey(row, resolveLinks(row.ownerRole, row.links), this.shared, tenant, keyControlsOf({ type: row.type, ...row.controls }, tenant.policy));
  }
}
