/**
 * Permission strings and their evaluation.
 *
 * A permission is `service:action` style text (`storage:read`, `billing:invoices:list`).
 * A pattern is a permission or one ending in `*`, which matches every permission that starts
 * with the text before it (`billing:*`, `*`). Nothing else is a wildcard.
 */
export const PERMISSION_PATTERN = '^(\\*|[a-z0-9][a-z0-9_.\\-/]*(:[a-z0-9_.\\-/]+)*(:\\*|\\*)?)$';
const PERMISSION_RE = new RegExp(PERMISSION_PATTERN);
export const MAX_PERMISSION_LENGTH = 128;

export function isPermissionPattern(value: string): boolean {
  return value.length > 0 && value.length <= MAX_PERMISSION_LENGTH && PERMISSION_RE.test(value);
}

/** Does `pattern` allow `permission`? (`permission` may itself be a pattern: then it must be covered whole.) */
export function covers(pattern: string, permission: string): boolean {
  if (pattern === permission) return true;
  if (!pattern.endsWith('*')) return false;
  const prefix = pattern.slice(0, -1);
  return permission.startsWith(prefix);
}

export function allows(patterns: readonly string[], permission: string): boolean {
  for (const p of patterns) if (covers(p, permission)) return true;
  return false;
}

/** Sorted, deduplicated, with every pattern that another one covers removed. */
export function normalize(patterns: Iterable<string>): string[] {
  const unique = [...new Set(patterns)];
  const kept = unique.filter((p) => !unique.some((q) => q !== p && covers(q, p)));
  return kept.sort();
}

/**
 * What a key may do: the key's own grants narrowed to its owner's. A key never holds a
 * permission its owner lacks; a key with no grants of its own acts with the owner's.
 */
export function effectivePermissions(owner: readonly string[], key: readonly string[] | null): string[] {
  if (key === null) return normalize(owner);
  const result: string[] = [];
  for (const k of key) if (allows(owner, k)) result.push(k);
  for (const o of owner) if (allows(key, o)) result.push(o);
  return normalize(result);
}
