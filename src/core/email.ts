/**
 * The one rule for email addresses, used wherever Latchkey accepts one (first tenant, users,
 * the CLI): trimmed and lower-cased; a local part of 1–64 characters, an `@`, and a domain with
 * at least one dot (mail for step-up codes and expiry reminders must be deliverable); no spaces;
 * 254 characters at most (RFC 5321). Returns the address as stored, or null when it is not one.
 */
/** What a refused address is told, wherever it was given. */
export const INVALID_EMAIL_MESSAGE = 'The email address is not valid: it needs a name, an @ and a domain with a dot (like dana@example.com).';

export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/.test(email)) return null;
  return email;
}
