import { AppError } from '../core/errors.js';

/**
 * IDs a request refers to (roles, groups, users), each once and sorted, after checking that
 * every one exists in the tenant: `existing` answers which of them do, in one look-up.
 */
export async function requireKnown(kind: 'role' | 'group' | 'user', ids: string[], existing: (unique: string[]) => Promise<string[]>): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = new Set(await existing(unique));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('VALIDATION_FAILED', `Unknown ${kind}: ${missing.join(', ')}.`);
  return unique.sort();
}
