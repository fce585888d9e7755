/**
 * The console's only way to the server: the public API, same origin, the session cookie and
 * the X-CSRF-Token header. Three answers are handled here for every page at once: a session
 * that ended (back to sign-in), a required password change, and a required step-up
 * verification (the dialog runs, then the request is sent again once).
 */
import type { StepUpMethod } from './wire';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: Record<string, unknown> | null;

  constructor(status: number, code: string, message: string, requestId: string | null = null, details: Record<string, unknown> | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }
}

export interface ApiHooks {
  /** The session is gone (expired, signed out elsewhere, user disabled). */
  sessionEnded(error: ApiError): void;
  passwordChangeRequired(): void;
  /** Runs the step-up dialog; resolves true once the user is verified, false if they gave up. */
  stepUp(method: StepUpMethod, action: string): Promise<boolean>;
}

let hooks: ApiHooks | null = null;
let csrfToken: string | null = null;

export function installApiHooks(next: ApiHooks | null): void {
  hooks = next;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  /** Sign-in and similar calls: a 401 is the answer to show, not a lost session. */
  anonymous?: boolean;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the step-up dialog says the user is about to do. */
function describeAction(method: Method, path: string): string {
  if (method === 'POST' && /^\/v1\/access-keys(\?|$)/.test(path)) return 'create an access key';
  if (path.endsWith('/reveal')) return 'show the secret of this access key';
  if (path.endsWith('/rotate')) return 'generate a new secret for this access key';
  if (path.endsWith('/enable')) return 'enable this access key';
  return 'continue';
}

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The Latchkey server could not be reached. Check your connection and try again.');
  }
}

async function toError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status is all there is.
  }
  const error = (payload as { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(
      response.status,
      error.code,
      error.message,
      typeof error.requestId === 'string' ? error.requestId : null,
      error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : null,
    );
  }
  return new ApiError(response.status, `HTTP_${response.status}`, `The server answered ${response.status} ${response.statusText}.`);
}

export async function api<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  let stepUpDone = false;
  let csrfRefreshed = false;
  for (;;) {
    const response = await send(method, path, body);
    if (response.ok) {
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }
    const error = await toError(response);
    if (error.status === 401 && !options.anonymous && (error.code === 'SESSION_EXPIRED' || error.code === 'UNAUTHENTICATED')) {
      hooks?.sessionEnded(error);
      throw error;
    }
    if (error.code === 'PASSWORD_CHANGE_REQUIRED') {
      hooks?.passwordChangeRequired();
      throw error;
    }
    if (error.code === 'CSRF_TOKEN_INVALID' && !csrfRefreshed) {
      // The token in memory is stale (a new sign-in in another tab): take the session's current one.
      csrfRefreshed = true;
      const me = await api<{ csrfToken: string | null }>('GET', '/v1/me');
      setCsrfToken(me.csrfToken);
      continue;
    }
    if (error.code === 'STEP_UP_REQUIRED' && !stepUpDone && hooks) {
      stepUpDone = true;
      const stepUpMethod = (error.details?.method as StepUpMethod | undefined) ?? 'email';
      if (await hooks.stepUp(stepUpMethod, describeAction(method, path))) continue;
      throw new ApiError(403, 'STEP_UP_CANCELLED', 'The verification was not completed, so nothing was changed.');
    }
    throw error;
  }
}

/** Query strings from optional values (undefined and '' are left out). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
