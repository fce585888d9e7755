/**
 * Names for the wire shapes the console uses, all read from the generated ./openapi.ts (the
 * server's /openapi.json): nothing here is written by hand, so a change to a route schema
 * changes these types, and `npx tsc -p console/tsconfig.json` shows every page it affects.
 */
import type { components, paths } from './openapi';

type Schemas = components['schemas'];
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The JSON answer of `method path` with `status` (200 unless told). */
export type ResponseOf<P extends keyof paths, M extends Method, S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** The JSON body `method path` takes. */
export type BodyOf<P extends keyof paths, M extends Method> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

/** The query parameters `GET path` takes. */
export type QueryOf<P extends keyof paths> = paths[P]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type AccessKey = Schemas['AccessKey'];
export type KeyState = AccessKey['state'];
export type KeyType = AccessKey['type'];
/** The answer to create and rotate: the key with its secret, shown this once. */
export type IssuedAccessKey = ResponseOf<'/v1/access-keys', 'post', 201>;
/** The answer to reveal: the secret of a key again, after step-up. */
export type IssuedKey = ResponseOf<'/v1/access-keys/{accessKeyId}/reveal', 'post'>;
export type KeyPermissions = ResponseOf<'/v1/access-keys/{accessKeyId}/permissions', 'get'>;
export type AccessRecord = Schemas['AccessRecord'];
/** An identity (issue 11): the tenant's own customer, whose limits and credits its keys share. */
export type Identity = Schemas['Identity'];

/** One page of a list: its items and the cursor of the next page. */
export type Page<T> = Omit<ResponseOf<'/v1/access-keys', 'get'>, 'items'> & { items: T[] };

export type Policy = Schemas['Policy'];
export type PolicyRule = Schemas['PolicyRule'];
export type StepUpMethod = Policy['stepUp'];

export type User = Schemas['User'];
export type Me = ResponseOf<'/v1/me', 'get'>;
export type KeyQuota = ResponseOf<'/v1/users/{userId}/key-quota', 'get'>;
export type LoginAnswer = ResponseOf<'/v1/auth/login', 'post'>;
export type AuthOptions = ResponseOf<'/v1/auth/options', 'get'>;
export type Role = Schemas['Role'];
export type Group = Schemas['Group'];
export type AuditEvent = Schemas['AuditEvent'];
export type Notification = Schemas['Notification'];
export type NotificationPage = ResponseOf<'/v1/notifications', 'get'>;
export type StepUpStart = ResponseOf<'/v1/auth/step-up/start', 'post'>;
export type TotpEnrollment = ResponseOf<'/v1/me/totp', 'post'>;

/** A key's verifications over a range, counted per time bucket and outcome. */
export type KeyUsage = ResponseOf<'/v1/access-keys/{accessKeyId}/usage', 'get'>;
/** The tenant's verifications over a range: totals, failures by code, busiest keys, keys under attack. */
export type TenantUsage = ResponseOf<'/v1/usage', 'get'>;
/** The periods the usage views cover. */
export type UsageRange = NonNullable<QueryOf<'/v1/usage'>['range']>;
