import { rangeWindow, sourceOf, SUCCESS_CODE, summarise, type UsageRange, type UsageSummary } from '../core/usage.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import type { KeysService } from './keys-service.js';

export const BUSIEST_KEYS = 10;

export interface KeyUsage extends UsageSummary {
  range: UsageRange;
  bucketMs: number;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

interface KeyLabel {
  accessKeyId: string;
  name: string;
  ownerId: string;
}

export interface TenantUsage {
  range: UsageRange;
  totals: { success: number; failure: number };
  failuresByCode: { code: string; count: number }[];
  busiestKeys: (KeyLabel & { success: number; failure: number })[];
  underAttack: (KeyLabel & { failures: number; lastAlertAt: Date })[];
}

/** Charts and totals from the per-key counters (see core/usage.ts). */
export class UsageService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly keys: KeysService;

  constructor(options: { store: Store; clock: Clock; keys: KeysService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.keys = options.keys;
  }

  /** One key's attempts over the range, by bucket and outcome; who may see the key may see this. */
  async forKey(actor: Actor, accessKeyId: string, range: UsageRange): Promise<KeyUsage> {
    const key = await this.keys.get(actor, accessKeyId);
    const window = rangeWindow(range, this.clock.now());
    const source = sourceOf(range);
    const rows = await this.store.usage.keyRows(accessKeyId, source.table, Math.floor(window.from / source.rowMs) * source.rowMs);
    return { range, bucketMs: window.bucketMs, ...summarise(rows, source.slotMs, window), lastUsedAt: key.lastUsedAt, lastUsedIp: key.lastUsedIp ?? null };
  }

  /** The tenant's attempts over the range: totals, failures by code, the busiest keys and the keys under attack (admins). */
  async forTenant(actor: Actor, range: UsageRange): Promise<TenantUsage> {
    requireAdmin(actor, 'latchkey:keys:read');
    const window = rangeWindow(range, this.clock.now());
    const source = sourceOf(range);
    const sums = await this.store.usage.tenantSums(actor.tenantId, source.table, window.from, source.rowMs, source.slotMs);
    const totals = { success: 0, failure: 0 };
    const byCode = new Map<string, number>();
    const byKey = new Map<string, { success: number; failure: number }>();
    for (const s of sums) {
      const key = byKey.get(s.accessKeyId) ?? { success: 0, failure: 0 };
      byKey.set(s.accessKeyId, key);
      if (s.code === SUCCESS_CODE) {
        totals.success += s.count;
        key.success += s.count;
      } else {
        totals.failure += s.count;
        key.failure += s.count;
        byCode.set(s.code, (byCode.get(s.code) ?? 0) + s.count);
      }
    }
    const busiest = [...byKey]
      .sort(([a, x], [b, y]) => y.success + y.failure - (x.success + x.failure) || (a < b ? -1 : 1))
      .slice(0, BUSIEST_KEYS)
      .map(([accessKeyId, n]) => ({ accessKeyId, ...n }));
    const alerts = await this.store.usage.underAttack(actor.tenantId, window.from);
    const labels = await this.labels(actor.tenantId, [...busiest.map((b) => b.accessKeyId), ...alerts.map((a) => a.accessKeyId)]);
    return {
      range,
      totals,
      failuresByCode: [...byCode].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1)),
      busiestKeys: busiest.flatMap((b) => {
        const label = labels.get(b.accessKeyId);
        return label ? [{ ...label, success: b.success, failure: b.failure }] : [];
      }),
      underAttack: alerts.flatMap((a) => {
        const label = labels.get(a.accessKeyId);
        return label ? [{ ...label, failures: byKey.get(a.accessKeyId)?.failure ?? 0, lastAlertAt: new Date(a.lastAlertAt) }] : [];
      }),
    };
  }

  private async labels(tenantId: string, ids: string[]): Promise<Map<string, KeyLabel>> {
    const labels = new Map<string, KeyLabel>();
    for (const accessKeyId of new Set(ids)) {
      const found = await this.store.accessKeys.find(tenantId, accessKeyId);
      if (found) labels.set(accessKeyId, { accessKeyId, name: found.key.name, ownerId: found.key.ownerId });
    }
    return labels;
  }
}
