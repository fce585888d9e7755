import type { TenantPolicy } from './policy.js';
import type { CreditRefill, CreditsSpec, KeyControls, RateLimitSpec } from './usage-controls.js';

/** A key's usage controls as stored (JSON text columns parsed), with its identity's when it has one. */
export interface StoredKeyControls {
  type: 'access' | 'api';
  /** Null: the tenant's default for the key type applies; [] : no limits, whatever the default. */
  ratelimits: RateLimitSpec[] | null;
  /** Null: the tenant's default applies; []: any address, whatever the default. */
  ipAllowlist: string[] | null;
  meta: Record<string, unknown> | null;
  externalId: string | null;
  hasCredits: boolean;
  creditsRefill: CreditRefill | null;
  identity: { ratelimits: RateLimitSpec[] | null; hasCredits: boolean; creditsRefill: CreditRefill | null } | null;
}

/**
 * What verification checks for a key: its own limits (else the tenant's default for its type),
 * its identity's limits and credits, its own allowlist (else the tenant's), its metadata.
 * Null when there is nothing at all to check, so such a key costs nothing on the hot path.
 */
export function keyControlsOf(stored: StoredKeyControls, policy: Pick<TenantPolicy, 'defaultRatelimits' | 'defaultIpAllowlist'>): KeyControls | null {
  const ratelimits = stored.ratelimits ?? policy.defaultRatelimits[stored.type];
  const ipAllowlist = stored.ipAllowlist ?? policy.defaultIpAllowlist;
  const identityRatelimits = stored.identity?.ratelimits ?? [];
  const identityHasCredits = stored.identity?.hasCredits ?? false;
  if (ratelimits.length === 0 && ipAllowlist.length === 0 && identityRatelimits.length === 0 && !stored.hasCredits && !identityHasCredits && stored.meta === null && stored.externalId === null) {
    return null;
  }
  return {
    ratelimits,
    identityRatelimits,
    hasCredits: stored.hasCredits,
    creditsRefill: stored.hasCredits ? stored.creditsRefill : null,
    identityHasCredits,
    identityCreditsRefill: identityHasCredits ? (stored.identity?.creditsRefill ?? null) : null,
    ipAllowlist,
    meta: stored.meta,
    externalId: stored.externalId,
  };
}

/**
 * A key's usage controls as the management API shows and changes them. Null fields: none
 * (ratelimits and ipAllowlist null: the tenant's default applies; credits null: unlimited).
 */
export interface KeyUsageFields {
  ratelimits: RateLimitSpec[] | null;
  ipAllowlist: string[] | null;
  meta: Record<string, unknown> | null;
  externalId: string | null;
  credits: CreditsSpec | null;
}

export const NO_USAGE_FIELDS: Readonly<KeyUsageFields> = Object.freeze({ ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits: null });

/** An identity: the tenant's own customer, whose limits and credits all keys with its externalId share. */
export interface Identity {
  tenantId: string;
  externalId: string;
  ratelimits: RateLimitSpec[] | null;
  meta: Record<string, unknown> | null;
  credits: CreditsSpec | null;
  createdAt: Date;
  updatedAt: Date;
}
