import { createHmac } from 'node:crypto';

const LABEL = 'latchkey csrf v1';

/**
 * The CSRF token of a console session, derived from the session's cookie value: HMAC-SHA256
 * keyed by the cookie, base64url. Nothing of it is stored, so neither a copy of the database
 * (which holds only the cookie's SHA-256) nor a page without the cookie can produce it, and
 * the server recomputes it on every request that carries the cookie (GET /v1/me hands it to a
 * reloaded console).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(LABEL).digest('base64url');
}
