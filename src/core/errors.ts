/**
 * The one error catalog: every failure a client can see has an UPPER_SNAKE code, an HTTP
 * status and a default message here. Routes never invent codes; they throw AppError.
 */
export const ERROR_CATALOG = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the expected shape.' },
  UNKNOWN_FIELD: { status: 400, message: 'The request has a field that is not allowed.' },
  MALFORMED_ID: { status: 400, message: 'The identifier in the path is not well formed.' },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is not valid.' },
  INVALID_EXPIRY: { status: 400, message: 'The expiry is not valid.' },
  INVALID_PERMISSION: { status: 400, message: 'A permission string is not valid.' },
  INVALID_POLICY: { status: 400, message: 'The policy is not valid.' },
  IMPORT_REFUSED: { status: 400, message: 'Some lines of the import were refused (see details.refused); nothing was imported.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in or send a valid access key.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The tenant, email or password is not correct.' },
  TOTP_REQUIRED: { status: 401, message: 'Enter the code from your authenticator app.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has ended. Sign in again.' },
  VERIFIER_REQUIRED: {
    status: 401,
    message: 'Only verifiers may ask: send the token of an access key of your tenant holding latchkey:verify (Authorization: Bearer on /v1/verify, X-Latchkey-Verifier on /v1/authorize).',
  },
  VERIFIER_INVALID: { status: 401, message: 'The verifier credential is not a valid, enabled access key.' },
  VERIFIER_FORBIDDEN: { status: 403, message: 'The verifier key does not hold the permission latchkey:verify.' },
  REPORTER_REQUIRED: {
    status: 401,
    message: 'Only leak reporters may report found tokens: send the token of an access key holding latchkey:report-leaks as Authorization: Bearer.',
  },
  REPORTER_INVALID: { status: 401, message: 'The reporter credential is not a valid, enabled access key.' },
  REPORTER_FORBIDDEN: { status: 403, message: 'The reporter key does not hold the permission latchkey:report-leaks.' },
  TOKEN_NOT_VALID: { status: 401, message: 'The token is not a valid access key token (malformed, unknown or wrong secret): nothing was revoked.' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'The X-CSRF-Token header is missing or wrong.' },
  CROSS_SITE_REQUEST: {
    status: 403,
    message: 'The browser says this request comes from another site (Sec-Fetch-Site: cross-site): a console session cannot change anything from there.',
  },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'Change your one-time password before continuing.' },
  PROGRAMMATIC_ACCESS_REQUIRED: {
    status: 403,
    message: 'This user does not have programmatic access; an administrator must grant it first.',
  },
  PERMISSION_BLANK: {
    status: 403,
    message: 'X-Latchkey-Permission is present but blank: the gateway names no permission to check. Set one for this location, or leave the header out to check none.',
  },
  USER_DISABLED: { status: 403, message: 'This user is disabled.' },
  STEP_UP_REQUIRED: { status: 403, message: 'Verify your identity first (step-up verification), then try again.' },
  REVEAL_NOT_ALLOWED: {
    status: 403,
    message: 'The tenant policy does not allow showing a secret again: it was shown once at creation. Rotate the key to get a new one.',
  },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no such route.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  KEY_LIMIT_REACHED: { status: 409, message: 'The owner already holds as many access keys as the tenant policy allows.' },
  KEY_NOT_DISABLED: { status: 409, message: 'Disable the access key before deleting it (tenant policy).' },
  KEY_ALREADY_DELETED: { status: 409, message: 'The access key is deleted and cannot be changed.' },
  NEVER_EXPIRES_NOT_ALLOWED: { status: 409, message: 'The tenant policy does not allow keys that never expire.' },
  SECRET_NOT_AVAILABLE: {
    status: 409,
    message: 'This key was imported with only a digest of its token: Latchkey never had its secret, so it cannot be shown or sign requests. Rotate it for a Latchkey secret.',
  },
  SECRET_UNREADABLE: {
    status: 409,
    message: "This key's stored secret cannot be opened: its record was altered or given another key's secret. Rotate the key to get a new secret.",
  },
  EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists in the tenant.' },
  NAME_TAKEN: { status: 409, message: 'The name is already used in the tenant.' },
  TENANT_EXISTS: { status: 409, message: 'A tenant with this name already exists.' },
  LAST_ADMIN: { status: 409, message: 'The tenant must keep at least one active administrator.' },
  STEP_UP_NOT_REQUIRED: { status: 409, message: 'The tenant policy asks for no step-up verification.' },
  TOTP_NOT_ENROLLED: { status: 409, message: 'No authenticator app is set up: enroll one under Personal Settings → Security.' },
  TOTP_ALREADY_ENROLLED: { status: 409, message: 'An authenticator app is already set up; turn it off first to set up another.' },
  SMTP_NOT_CONFIGURED: {
    status: 409,
    message: 'This server cannot send mail: set LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM on every Latchkey process and restart them.',
  },
  WRONG_PASSWORD: { status: 400, message: 'The current password is not correct.' },
  WEAK_PASSWORD: { status: 400, message: 'The password must be 12 to 256 characters long.' },
  STEP_UP_CODE_INVALID: { status: 400, message: 'The verification code is not correct.' },
  STEP_UP_CODE_EXPIRED: { status: 400, message: 'There is no valid verification code: request a new one.' },
  TOTP_CODE_INVALID: { status: 400, message: 'The code from the authenticator app is not correct.' },
  RESET_LINK_INVALID: { status: 400, message: 'This password reset link is not valid: it expired, was already used, or a newer password was set. Ask for a new one.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed sign-in attempts. Wait and try again.' },
  SIGN_IN_BUSY: { status: 503, message: 'Too many sign-ins are being checked right now. Try again in a moment.' },
  RATE_LIMITED: { status: 429, message: 'Too many failed attempts; try again later.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The database is unreachable.' },
  STORE_BUSY: {
    status: 503,
    message: 'The database is locked by another process writing to it (a Latchkey server or CLI command) and stayed locked too long; try again in a moment.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CATALOG[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
  }
}

/**
 * The database stayed locked by another writer past the time a request may wait for it (SQLite
 * with another process writing). Thrown by the store; the HTTP layer answers 503 STORE_BUSY.
 */
export class StoreBusyError extends Error {
  constructor(waitedMs: number, options?: { cause?: unknown }) {
    super(`The database stayed locked by another writer for ${Math.round(waitedMs)} ms.`, options);
    this.name = 'StoreBusyError';
  }
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}
