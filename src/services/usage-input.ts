import { AppError } from '../core/errors.js';
import { type Checked, checkCredits, checkExternalId, checkIpAllowlist, checkMeta, checkRatelimits } from '../core/usage-controls-input.js';
import type { UsagePatch } from '../store/repos/access-keys-repo.js';

/** Usage controls as a request sends them (each absent: unchanged; null: cleared). */
export interface UsageInput {
  ratelimits?: unknown;
  credits?: unknown;
  ipAllowlist?: unknown;
  meta?: unknown;
  externalId?: unknown;
}

export const USAGE_FIELDS = ['ratelimits', 'credits', 'ipAllowlist', 'meta', 'externalId'] as const;

export function hasUsageInput(input: UsageInput): boolean {
  return USAGE_FIELDS.some((field) => input[field] !== undefined);
}

/** The checked patch, or a 400 naming the first bad field (checked before anything is written). */
export function usagePatchOf(input: UsageInput): UsagePatch {
  return {
    ...(input.ratelimits !== undefined && { ratelimits: input.ratelimits === null ? null : checkedOrThrow(checkRatelimits(input.ratelimits)) }),
    ...(input.ipAllowlist !== undefined && { ipAllowlist: input.ipAllowlist === null ? null : checkedOrThrow(checkIpAllowlist(input.ipAllowlist)) }),
    ...(input.meta !== undefined && { meta: input.meta === null ? null : checkedOrThrow(checkMeta(input.meta)) }),
    ...(input.externalId !== undefined && { externalId: input.externalId === null ? null : checkedOrThrow(checkExternalId(input.externalId)) }),
    ...(input.credits !== undefined && { credits: input.credits === null ? null : checkedOrThrow(checkCredits(input.credits)) }),
  };
}

export function checkedOrThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new AppError('VALIDATION_FAILED', checked.message, { field: checked.field });
  return checked.value;
}
