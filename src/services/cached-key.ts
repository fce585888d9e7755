import type { KeyState } from '../core/key-state.js';
import type { ActiveStatus, KeyType, UserRole } from '../core/model.js';
import { DEFAULT_POLICY, type TenantPolicy } from '../core/policy.js';
import type { UsableKeyFacts } from '../core/verification.js';
import type { KeyLookupRow } from '../store/dialects/key-lookup.js';
import type { Dependencies, ResolvedLinks } from './permission-resolver.js';
import { SigningKeyMemo } from './signing-keys.js';

/*
 * One cached key costs a few hundred bytes, so a cache of a million keys fits in a few hundred MB
 * (README, "Sizing the key cache"). Hence: one object per key with no nested row objects; the
 * key's small facts (type, state, owner and tenant status…) packed into one small integer; the
 * expiry as a number (a Date costs ~110 bytes); permissions, policies and dependency lists
 * shared between every key that has the same; the signing-key memo made on first signed use.
 */

const TYPE_API = 1;
const STATE_SHIFT = 1; // 2 bits: 0 enabled, 1 disabled, 2 deleted
const STATE_MASK = 3 << STATE_SHIFT;
const OWNER_DISABLED = 1 << 3;
const OWNER_ADMIN = 1 << 4;
const OWNER_PROGRAMMATIC = 1 << 5;
const TENANT_DISABLED = 1 << 6;
const NARROWED = 1 << 7;
/** Set on every hit, cleared by the eviction hand (see KeyCache): a key in use is not evicted. */
export const USED = 1 << 8;

const STATES: readonly KeyState[] = ['enabled', 'disabled', 'deleted'];

/** What a previous secret adds during a rotation overlap (rare: one object only then). */
interface PriorSecret {
  readonly digest: Buffer;
  readonly envelope: string | null;
  readonly expiresAt: Date | null;
}

/**
 * Verification's view of one key. Callers read it through the same paths as the row objects it
 * replaces — `key.key.tenantId`, `key.secrets.secretEnvelope`, `key.usable`, `key.digests.current`
 * — which are getters on this one object (they cost no memory per key).
 */
export class CachedKey implements UsableKeyFacts {
  readonly accessKeyId: string;
  readonly tenantId: string;
  readonly ownerId: string;
  /** Packed small facts, see the bit constants above; also the USED bit. */
  bits: number;
  readonly expiresAtMs: number | null;
  readonly secretVersion: number;
  readonly secretEnvelope: string;
  /** SHA-256 of the current secret, compared on every bearer verification. */
  readonly current: Buffer;
  private readonly prior: PriorSecret | null;
  /** Effective permissions, shared with every key that has the same set (frozen: never changed in place). */
  readonly permissions: string[];
  /** The tenant's policy, shared with every key that read the same one. */
  readonly policy: TenantPolicy;
  /** Roles and groups of the key's own (null: none). */
  readonly keyDeps: Dependencies | null;
  /** Roles and groups of its owner (the same, shared object for every key of the owner). */
  readonly ownerDeps: Dependencies;
  /** The owner's other cached keys (see KeyIndex). */
  ownerPrev: CachedKey | null = null;
  ownerNext: CachedKey | null = null;
  private memo: SigningKeyMemo | null = null;

  constructor(row: KeyLookupRow, resolved: ResolvedLinks, shared: Interned) {
    this.accessKeyId = row.id;
    this.tenantId = shared.string(row.tenantId);
    this.ownerId = shared.string(row.ownerId);
    this.bits =
      (row.type === 'api' ? TYPE_API : 0) |
      (STATES.indexOf(row.state) << STATE_SHIFT) |
      (row.ownerStatus === 'active' ? 0 : OWNER_DISABLED) |
      (row.ownerRole === 'admin' ? OWNER_ADMIN : 0) |
      (row.ownerProgrammaticAccess ? OWNER_PROGRAMMATIC : 0) |
      (row.tenantStatus === 'active' ? 0 : TENANT_DISABLED) |
      (resolved.narrowed ? NARROWED : 0);
    this.expiresAtMs = row.expiresAt;
    this.secretVersion = row.secretVersion;
    this.secretEnvelope = row.secretEnvelope;
    this.current = Buffer.from(row.secretDigest, 'hex');
    this.prior =
      row.previousSecretDigest === null
        ? null
        : {
            digest: Buffer.from(row.previousSecretDigest, 'hex'),
            envelope: row.previousSecretEnvelope,
            expiresAt: row.previousSecretExpiresAt === null ? null : new Date(row.previousSecretExpiresAt),
          };
    this.permissions = shared.permissions(resolved.effective);
    this.policy = shared.policy(row.policy);
    const own = resolved.key;
    this.keyDeps = own.roleIds.length === 0 && own.groupIds.length === 0 ? null : shared.dependencies(own);
    this.ownerDeps = shared.dependencies(resolved.owner);
  }

  get type(): KeyType {
    return this.bits & TYPE_API ? 'api' : 'access';
  }
  get state(): KeyState {
    return STATES[(this.bits & STATE_MASK) >> STATE_SHIFT]!;
  }
  get ownerStatus(): ActiveStatus {
    return this.bits & OWNER_DISABLED ? 'disabled' : 'active';
  }
  get ownerRole(): UserRole {
    return this.bits & OWNER_ADMIN ? 'admin' : 'member';
  }
  get ownerProgrammaticAccess(): boolean {
    return (this.bits & OWNER_PROGRAMMATIC) !== 0;
  }
  get tenantStatus(): ActiveStatus {
    return this.bits & TENANT_DISABLED ? 'disabled' : 'active';
  }
  /** Whether the key's own roles narrow it (else it acts with all of its owner's permissions). */
  get narrowed(): boolean {
    return (this.bits & NARROWED) !== 0;
  }
  /** A new Date each time: read once per answer, not kept. */
  get expiresAt(): Date | null {
    return this.expiresAtMs === null ? null : new Date(this.expiresAtMs);
  }
  get previous(): Buffer | null {
    return this.prior?.digest ?? null;
  }
  get previousSecretEnvelope(): string | null {
    return this.prior?.envelope ?? null;
  }
  get previousSecretExpiresAt(): Date | null {
    return this.prior?.expiresAt ?? null;
  }

  /** The key's identity and public facts (accessKeyId, tenantId, ownerId, type, expiresAt). */
  get key(): this {
    return this;
  }
  /** Secret version and envelopes, for signed requests. */
  get secrets(): this {
    return this;
  }
  /** What decideUsable needs. */
  get usable(): UsableKeyFacts {
    return this;
  }
  /** The secret digests as bytes: `current`, and `previous` during a rotation overlap. */
  get digests(): this {
    return this;
  }

  /**
   * Signing keys derived from this key's secrets for signed requests (see signing-keys.ts),
   * made on first use: most keys are only ever used as bearer tokens. They live and die with
   * this entry, so every eviction drops them.
   */
  get signingKeys(): SigningKeyMemo {
    this.memo ??= new SigningKeyMemo();
    return this.memo;
  }

  /** Whether a fresh read says the same as this entry (the background refresh keeps it then). */
  sameAs(other: CachedKey): boolean {
    return (
      (this.bits & ~USED) === (other.bits & ~USED) &&
      this.expiresAtMs === other.expiresAtMs &&
      this.secretVersion === other.secretVersion &&
      this.secretEnvelope === other.secretEnvelope &&
      this.current.equals(other.current) &&
      samePrior(this.prior, other.prior) &&
      sameList(this.permissions, other.permissions) &&
      JSON.stringify(this.policy) === JSON.stringify(other.policy) &&
      sameList(this.keyDeps?.roleIds ?? [], other.keyDeps?.roleIds ?? []) &&
      sameList(this.keyDeps?.groupIds ?? [], other.keyDeps?.groupIds ?? []) &&
      this.sameOwnerAs(other)
    );
  }

  /** Whether two keys of one owner agree on the owner's facts (else one of them is stale). */
  sameOwnerAs(other: CachedKey): boolean {
    const ownerBits = OWNER_DISABLED | OWNER_ADMIN | OWNER_PROGRAMMATIC | TENANT_DISABLED;
    return (this.bits & ownerBits) === (other.bits & ownerBits) && sameList(this.ownerDeps.roleIds, other.ownerDeps.roleIds) && sameList(this.ownerDeps.groupIds, other.ownerDeps.groupIds);
  }
}

function samePrior(a: PriorSecret | null, b: PriorSecret | null): boolean {
  if (a === null || b === null) return a === b;
  return a.digest.equals(b.digest) && a.envelope === b.envelope && a.expiresAt?.getTime() === b.expiresAt?.getTime();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => v === b[i]));
}

/** Tables of shared values, each dropped whole when it grows past its bound (entries keep what they hold). */
const INTERN_MAX = 10_000;

/**
 * Values many keys hold alike, kept once: the permission sets (most keys share a handful), the
 * tenants' policies, the dependency lists of keys with the same roles, and the tenant and owner
 * IDs. Without it each key would carry its own copies: most of the ~3 KB an entry used to cost.
 */
export class Interned {
  private readonly lists = new Map<string, string[]>();
  private readonly policies = new Map<string, TenantPolicy>();
  private readonly deps = new Map<string, Dependencies>();
  private readonly strings = new Map<string, string>();

  permissions(list: readonly string[]): string[] {
    return remember(this.lists, list.join('\n'), () => Object.freeze([...list]) as string[]);
  }

  policy(text: string): TenantPolicy {
    // Rules added in later versions take their default until an admin sets them (as tenantFromRow).
    return remember(this.policies, text, () => Object.freeze({ ...DEFAULT_POLICY, ...(JSON.parse(text) as Partial<TenantPolicy>) }));
  }

  dependencies(deps: Dependencies): Dependencies {
    return remember(this.deps, `${deps.roleIds.join(',')}|${deps.groupIds.join(',')}`, () =>
      Object.freeze({ roleIds: Object.freeze([...deps.roleIds]), groupIds: Object.freeze([...deps.groupIds]) }),
    );
  }

  /** Tenant and owner IDs: thousands of keys name the same few. */
  string(value: string): string {
    return remember(this.strings, value, () => value);
  }
}

function remember<T>(table: Map<string, T>, id: string, make: () => T): T {
  const known = table.get(id);
  if (known !== undefined) return known;
  if (table.size >= INTERN_MAX) table.clear();
  const value = make();
  table.set(id, value);
  return value;
}
