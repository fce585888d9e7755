/**
 * Free-text names people give things (users, tenants' display names; keys, roles and groups have
 * their own check with the same bound): 1 to 100 characters once trimmed. The HTTP schemas say
 * the same (maxLength 100), so the API answers 400 VALIDATION_FAILED naming the field; this keeps
 * the bound for callers that are not HTTP (the CLI).
 */
import { AppError } from './errors.js';

export const MAX_NAME_LENGTH = 100;

/** The trimmed name, or VALIDATION_FAILED with `details.field` = `field`. */
export function checkedName(name: string, what: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) throw new AppError('VALIDATION_FAILED', `${what} must be 1 to ${MAX_NAME_LENGTH} characters.`, { field });
  return trimmed;
}
