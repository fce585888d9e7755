/** Wire shapes (TypeBox → JSON Schema → OpenAPI); the values they describe are made in views/views.ts. */
import { Type, type SchemaOptions, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { ACCESS_KEY_ID_PATTERN, objectIdPattern } from '../core/key-format.js';
import { MAX_PAGE_SIZE } from '../core/cursor.js';
import { MAX_VALIDITY_DAYS, POLICY_RULE_SPECS, POLICY_RULES, LEAK_RESPONSES, SECRET_REVEAL_OPTIONS, STEP_UP_METHODS } from '../core/policy.js';
import { VERIFY_CODES } from '../core/verification.js';
import { EXTERNAL_ID_PATTERN, RATE_LIMIT_NAME_PATTERN } from '../core/usage-controls-input.js';
import { IP_ALLOWLIST_MAX, META_MAX_BYTES, RATE_LIMIT_MAX_DURATION_MS, RATE_LIMIT_MIN_DURATION_MS, RATELIMITS_MAX_PER_KEY } from '../core/usage-controls.js';
import { MAX_OVERLAP_SECONDS } from '../services/keys-service.js';

const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) => Type.Union([schema, Type.Null()], options);
const DateTime = Type.String({ format: 'date-time' });
const strict = { additionalProperties: false } as const;
/** A string with something in it besides white space (the error envelope says "must not be blank"). */
export const NOT_BLANK = '\\S';
/**
 * One of the strings of a list kept in core, typed as their union. TypeBox infers a union's type
 * from a tuple only; a list built at run time is typed here as one literal of the whole union.
 */
const OneOf = <T extends string>(values: readonly T[], options: SchemaOptions = {}) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<[TLiteral<T>]>;

export const AccessKeyIdParam = Type.String({ pattern: ACCESS_KEY_ID_PATTERN, description: 'Access key ID' });
export const UserIdParam = Type.String({ pattern: objectIdPattern('user') });
export const RoleIdParam = Type.String({ pattern: objectIdPattern('role') });
export const GroupIdParam = Type.String({ pattern: objectIdPattern('group') });
export const NotificationIdParam = Type.String({ pattern: objectIdPattern('notification') });
const RoleIds = Type.Array(Type.String({ pattern: objectIdPattern('role') }), { maxItems: 50 });
const GroupIds = Type.Array(Type.String({ pattern: objectIdPattern('group') }), { maxItems: 50 });

export const ErrorResponse = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String(), details: Type.Optional(Type.Unknown()) }) },
  { $id: 'Error' },
);

export const Paging = {
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String({ pattern: `^(?:[1-9]|[1-9][0-9]|100)$`, description: `Page size, 1–${MAX_PAGE_SIZE} (default 20)` })),
};

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

/*
 * Usage controls (issue 11). The schemas give the shapes and bounds; core (usage-controls-input.ts)
 * checks the rest (unique names, CIDR syntax, metadata size and secrets) and names the field too.
 */
export const RateLimitSchema = Type.Object(
  {
    name: Type.String({ pattern: RATE_LIMIT_NAME_PATTERN, description: 'Unique per key: 1–64 of a-z 0-9 _ . -' }),
    limit: Type.Integer({ minimum: 1, description: 'Units of cost allowed per window' }),
    durationMs: Type.Integer({ minimum: RATE_LIMIT_MIN_DURATION_MS, maximum: RATE_LIMIT_MAX_DURATION_MS, description: 'Window, 1 s to 30 days' }),
  },
  // No $id: the policy holds two lists of them, and one schema may not name an $id twice.
  strict,
);
export const Ratelimits = Type.Array(RateLimitSchema, { maxItems: RATELIMITS_MAX_PER_KEY });
export const IpAllowlist = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: IP_ALLOWLIST_MAX,
  description: 'CIDR blocks (IPv4 or IPv6; a bare address is that address alone), stored canonical',
});
export const MetaSchema = Type.Record(Type.String(), Type.Unknown(), { description: `A JSON object, at most ${META_MAX_BYTES} bytes serialised, returned by verification; never a secret` });
export const ExternalId = Type.String({ pattern: EXTERNAL_ID_PATTERN, description: "The tenant's own ID for the customer (identity) the key belongs to" });
export const CreditRefillSchema = Type.Object(
  {
    interval: Type.Union([Type.Literal('daily'), Type.Literal('monthly')], { description: 'daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC' }),
    amount: Type.Integer({ minimum: 1, description: 'remaining is set to this at each refill' }),
    refillDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, description: 'Monthly only (default 1); past the month end means its last day' })),
  },
  strict,
);
export const CreditsInputSchema = Type.Object({ remaining: Type.Integer({ minimum: 0 }), refill: Type.Optional(Nullable(CreditRefillSchema)) }, strict);
export const CreditsSchema = Type.Object(
  {
    remaining: Type.Integer({ description: 'Units left (as stored: a refill due since is applied by the next spend)' }),
    refill: Nullable(CreditRefillSchema),
    lastRefillAt: Nullable(DateTime),
  },
  {},
);
export const DefaultRatelimitsSchema = Type.Object({ access: Ratelimits, api: Ratelimits }, strict);

/** What POST and PATCH /v1/access-keys take as usage controls (admins; null clears, left out: unchanged). */
const UsageFields = {
  ratelimits: Type.Optional(Nullable(Ratelimits)),
  credits: Type.Optional(Nullable(CreditsInputSchema)),
  ipAllowlist: Type.Optional(Nullable(IpAllowlist)),
  meta: Type.Optional(Nullable(MetaSchema)),
  externalId: Type.Optional(Nullable(ExternalId)),
};
/** The latest report that a key's token was found in the wild (POST /v1/leaks, self-revoke). */
export const KeyLeakSchema = Type.Object(
  {
    reportedAt: DateTime,
    reportedBy: Type.Union([Type.Literal('scanner'), Type.Literal('holder')], { description: 'scanner: POST /v1/leaks; holder: POST /v1/access-keys/self-revoke' }),
    tokenType: Nullable(Type.String({ description: "The scanner's name for the token type" })),
    url: Nullable(Type.String({ description: 'Where the token was found, as the scanner said' })),
    source: Nullable(Type.String({ description: 'What the scanner looked at (content, commit, npm …)' })),
    action: Type.Union([Type.Literal('disabled'), Type.Literal('flagged')], {
      description: 'disabled: the report disabled the key; flagged: it was only flagged (policy leakResponse flag, or already disabled)',
    }),
  },
  { $id: 'KeyLeak', description: 'The latest report that the key leaked; null when none' },
);

export const AccessKeySchema = Type.Object(
  {
    accessKeyId: Type.String(),
    name: Type.String(),
    type: Type.Union([Type.Literal('access'), Type.Literal('api')]),
    state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('deleted')]),
    expired: Type.Boolean({ description: 'True when expiresAt has passed (expiry is not a state)' }),
    tenantId: Type.String(),
    ownerId: Type.String(),
    creatorId: Type.String(),
    createdAt: DateTime,
    updatedAt: DateTime,
    expiresAt: Nullable(DateTime),
    lastUsedAt: Nullable(DateTime),
    lastUsedIp: Nullable(Type.String({ description: 'Source address of the verification that last used the key' })),
    deletedAt: Nullable(DateTime),
    previousSecretExpiresAt: Nullable(DateTime),
    roleIds: Type.Array(Type.String()),
    groupIds: Type.Array(Type.String()),
    verifier: Type.Boolean({ description: "A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize" }),
    ratelimits: Nullable(Ratelimits, { description: "The key's named rate limits; null: the tenant's default for its type" }),
    ipAllowlist: Nullable(IpAllowlist, { description: "CIDR blocks its clients must come from; null: the tenant's default" }),
    meta: Nullable(MetaSchema),
    externalId: Nullable(Type.String({ description: 'The identity (customer) whose limits and credits the key shares' })),
    credits: Nullable(CreditsSchema, { description: 'null: unlimited' }),
    leak: Nullable(KeyLeakSchema),
  },
  { $id: 'AccessKey' },
);

export const IssuedKeySchema = Type.Intersect(
  [
    AccessKeySchema,
    Type.Object({
      secret: Type.String({ description: 'Shown in this response only, never again' }),
      token: Type.String({ description: 'Bearer token carrying the key ID and secret' }),
      copyText: Type.String({ description: 'key:<access key>::<secret key>,tenant id: <tenant ID>' }),
    }),
  ],
  { $id: 'IssuedAccessKey' },
);

/** Regenerate's answer: the new key as creation answers it, and the ID of the key it replaced (now disabled). */
export const ReplacedKeySchema = Type.Intersect(
  [
    AccessKeySchema,
    Type.Object({
      secret: Type.String({ description: 'Shown in this response only, never again' }),
      token: Type.String({ description: 'Bearer token carrying the key ID and secret' }),
      copyText: Type.String({ description: 'key:<access key>::<secret key>,tenant id: <tenant ID>' }),
      replacedKeyId: Type.String({ description: 'The key this one replaces, now disabled' }),
    }),
  ],
  { $id: 'ReplacedAccessKey' },
);

export const ExpiryFields = {
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_VALIDITY_DAYS })),
  expiresAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date-time with zone' })),
  neverExpires: Type.Optional(Type.Boolean()),
};

export const CreateKeyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.Optional(Type.Union([Type.Literal('access'), Type.Literal('api')], { description: 'Default api' })),
    userId: Type.Optional(UserIdParam),
    roleIds: Type.Optional(RoleIds),
    groupIds: Type.Optional(GroupIds),
    verifier: Type.Optional(
      Type.Boolean({
        description:
          "A verifier key: an api key narrowed to the tenant's Verifier role (only latchkey:verify, the role is created on first use), for an API or gateway that asks /v1/verify or /v1/authorize. Not with type access, roleIds or groupIds.",
      }),
    ),
    leakReporter: Type.Optional(
      Type.Boolean({
        description:
          "A leak reporter key: an api key narrowed to the tenant's Leak reporter role (only latchkey:report-leaks, created on first use), for a secret scanner that posts to /v1/leaks. Not with verifier, type access, roleIds or groupIds.",
      }),
    ),
    ...ExpiryFields,
    ...UsageFields,
  },
  strict,
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const UpdateKeyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    roleIds: Type.Optional(RoleIds),
    groupIds: Type.Optional(GroupIds),
    ...ExpiryFields,
    ...UsageFields,
  },
  // An empty change would still be written and audited as one.
  { ...strict, minProperties: 1 },
);

export const RotateBody = Type.Object({ overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OVERLAP_SECONDS })) }, strict);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    programmaticAccess: Type.Boolean(),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    mustChangePassword: Type.Boolean(),
    totpEnabled: Type.Boolean({ description: 'An authenticator app is set up: sign-in asks for its code' }),
    roleIds: Type.Array(Type.String()),
    groupIds: Type.Array(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'User' },
);

export const RoleSchema = Type.Object(
  { id: Type.String(), name: Type.String(), description: Type.String(), permissions: Type.Array(Type.String()), createdAt: DateTime, updatedAt: DateTime },
  { $id: 'Role' },
);

export const GroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    roleIds: Type.Array(Type.String()),
    userIds: Type.Array(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Group' },
);

/** A policy integer with the bounds core gives it (POLICY_RULE_SPECS). */
function policyInteger(
  rule: 'memberKeyLimit' | 'adminKeyLimit' | 'defaultValidityDays' | 'accessRecordRetentionDays' | 'accessRecordsPerKey' | 'stepUpMinutes' | 'expiryReminderDays' | 'disableUnusedAfterDays',
  description?: string,
) {
  const { minimum, maximum } = POLICY_RULE_SPECS[rule];
  return Type.Integer({ minimum, maximum, ...(description !== undefined && { description }) });
}

export const PolicySchema = Type.Object(
  {
    memberKeyLimit: Nullable(policyInteger('memberKeyLimit', 'null = any number')),
    adminKeyLimit: Nullable(policyInteger('adminKeyLimit', 'null = any number')),
    defaultValidityDays: Nullable(policyInteger('defaultValidityDays', 'null = never expires')),
    allowNeverExpires: Type.Boolean(),
    deleteRequiresDisabled: Type.Boolean(),
    accessRecordRetentionDays: policyInteger('accessRecordRetentionDays'),
    accessRecordsPerKey: policyInteger('accessRecordsPerKey', 'Detailed attempts kept per key and outcome (successes and failures each); every attempt is counted'),
    secretReveal: OneOf(SECRET_REVEAL_OPTIONS, {
      description: 'never: a secret is shown once, at creation; after-step-up: it can be shown again after step-up verification',
    }),
    stepUp: OneOf(STEP_UP_METHODS, {
      description: 'What a console session must prove before creating, revealing, rotating or re-enabling a key (email needs SMTP on the server)',
    }),
    stepUpMinutes: policyInteger('stepUpMinutes', 'How long one step-up verification lasts'),
    expiryReminderDays: policyInteger('expiryReminderDays', 'Days before expiry to remind admins, the creator and the owner; 0 = no reminder'),
    replayProtection: Type.Boolean({
      description: 'Refuse a signed request (SigV4, TC3) whose signature was already accepted inside its validity window (SIGNATURE_REPLAYED); a presigned URL then works once',
    }),
    // Optional in a PUT (left out: unchanged), so clients written before the rule existed keep working; always in answers.
    disableUnusedAfterDays: Type.Optional(
      Nullable(
        policyInteger(
          'disableUnusedAfterDays',
          'Disable a key unused this many days (last used, else created or re-enabled), after a reminder by bell and mail 7 days before; null = never; left out of a PUT: unchanged',
        ),
      ),
    ),
    defaultRatelimits: Type.Optional(
      Type.Object({ access: Ratelimits, api: Ratelimits }, { ...strict, description: 'Rate limits of keys of each type that name none of their own (empty: none); left out of a PUT: unchanged' }),
    ),
    defaultIpAllowlist: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: IP_ALLOWLIST_MAX,
        description: "CIDR blocks a key's clients must come from when the key names none of its own (empty: any address); left out of a PUT: unchanged",
      }),
    ),
    leakResponse: Type.Optional(
      OneOf(LEAK_RESPONSES, {
        description: 'A key whose token is reported leaked (POST /v1/leaks): disable it at once, or only flag it; the owner and admins are told either way; left out of a PUT: unchanged',
      }),
    ),
  },
  { additionalProperties: false, $id: 'Policy' },
);

const PolicyRuleName = OneOf(POLICY_RULES);

/** One entry of GET /v1/policy/rules: POLICY_RULE_CATALOGUE as JSON. */
export const PolicyRuleSchema = Type.Union(
  [
    Type.Object(
      { name: PolicyRuleName, kind: Type.Literal('integer'), nullable: Type.Boolean(), minimum: Type.Integer(), maximum: Type.Integer(), default: Nullable(Type.Integer()) },
      { description: 'A whole number from minimum to maximum; nullable: null is allowed too (any number, never)' },
    ),
    Type.Object({ name: PolicyRuleName, kind: Type.Literal('boolean'), default: Type.Boolean() }),
    Type.Object({ name: PolicyRuleName, kind: Type.Literal('choice'), choices: Type.Array(Type.String()), default: Type.String() }, { description: 'One of choices' }),
    Type.Object(
      { name: PolicyRuleName, kind: Type.Literal('ratelimits'), maximum: Type.Integer(), default: DefaultRatelimitsSchema },
      { description: '{access: [...], api: [...]}: named rate limits per key type, at most maximum each' },
    ),
    Type.Object(
      { name: PolicyRuleName, kind: Type.Literal('cidrs'), maximum: Type.Integer(), default: Type.Array(Type.String()) },
      { description: 'CIDR blocks (IPv4 or IPv6), at most maximum' },
    ),
  ],
  { $id: 'PolicyRule' },
);

export const AccessRecordSchema = Type.Object(
  {
    id: Type.String(),
    accessKeyId: Type.String(),
    at: DateTime,
    outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    code: Nullable(Type.String()),
    sourceIp: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    scheme: Type.String(),
    permission: Nullable(Type.String()),
    detail: Nullable(Type.Record(Type.String(), Type.String())),
  },
  { $id: 'AccessRecord' },
);

export const AuditEventSchema = Type.Object(
  {
    id: Type.String(),
    actorId: Nullable(Type.String()),
    actorKeyId: Nullable(Type.String()),
    action: Type.String(),
    actionLabel: Type.String({ description: 'The action in words, as the console shows it (GET /v1/audit-events/actions lists them all)' }),
    actorEmail: Nullable(Type.String({ description: "The acting user's email now (null: the system acted, or the user is gone)" })),
    actorKeyName: Nullable(Type.String({ description: 'The name of the access key the actor used, when one was used' })),
    targetType: Type.String(),
    targetId: Nullable(Type.String()),
    targetName: Nullable(Type.String({ description: "The target's name now: a user's email, a key's, role's or group's name (null when it has none or is gone)" })),
    result: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    ip: Nullable(Type.String()),
    at: DateTime,
    details: Nullable(Type.Record(Type.String(), Type.Unknown())),
    via: Nullable(
      Type.Union([Type.Literal('console'), Type.Literal('api'), Type.Literal('cli')], {
        description:
          'How the action came: console (a signed-in session), api (an access key) or cli (the latchkey command acting as the named admin); null for events recorded before this was kept',
      }),
    ),
  },
  { $id: 'AuditEvent' },
);

export const NotificationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'key.expiring, key.assignments_changed, user.roles_changed, key.changed_by_admin, key.under_attack or key.leaked' }),
    title: Type.String(),
    body: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'What it is about: accessKeyId, groupId, roleId …' }),
    createdAt: DateTime,
    readAt: Nullable(DateTime),
  },
  { $id: 'Notification' },
);

const HeaderValue = Type.String({ maxLength: 16_384 });

/** A signed request as the caller's server received it (AWS SigV4 header or presigned URL, Tencent TC3). */
export const SignedRequestSchema = Type.Object(
  {
    method: Type.String({ minLength: 1, maxLength: 32, description: 'The HTTP method as received' }),
    url: Type.String({
      minLength: 1,
      maxLength: 16_384,
      description: 'The request target exactly as received: path and query still percent-encoded (or an absolute URL)',
    }),
    headers: Type.Union(
      [
        // Not Type.Tuple: its draft-07 array form of `items` is not valid JSON Schema 2020-12 (OpenAPI 3.1).
        Type.Array(Type.Array(HeaderValue, { minItems: 2, maxItems: 2 }), { maxItems: 200, description: '[name, value] pairs in arrival order (keeps repeated headers)' }),
        Type.Record(Type.String(), Type.Union([HeaderValue, Type.Array(HeaderValue, { maxItems: 50 })]), { maxProperties: 200 }),
      ],
      { description: 'The headers as received, Host included' },
    ),
    body: Type.Optional(Type.String({ description: 'The request body, as text (bodyEncoding utf8, the default) or base64' })),
    bodyEncoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')])),
    bodySha256: Type.Optional(
      Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: "Instead of the body: its SHA-256 in hex. With neither, the client's signed x-amz-content-sha256 is trusted" }),
    ),
  },
  strict,
);

export const VerifyBody = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Bearer token (lk_…); or give request' })),
    request: Type.Optional(SignedRequestSchema),
    permission: Type.Optional(Type.String({ maxLength: 128, pattern: NOT_BLANK, description: 'A permission the key must hold (not empty or blank)' })),
    context: Type.Optional(
      Type.Object(
        {
          sourceIp: Type.Optional(Type.String({ maxLength: 64 })),
          userAgent: Type.Optional(Type.String({ maxLength: 512 })),
        },
        { additionalProperties: false, description: "The end client's address and agent, for the access record (and the key's IP allowlist)" },
      ),
    ),
    cost: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: "Units of the key's rate limits and credits this request spends (default 1; 0 checks without spending)" })),
  },
  { additionalProperties: false, description: 'Exactly one of token and request' },
);

/** What usage control adds to a verification answer (each only when it applies). */
const UsageAnswerFields = {
  externalId: Type.Optional(Type.String({ description: "The identity (the tenant's own customer ID) the key belongs to" })),
  meta: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The key's metadata, as set" })),
  ratelimits: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        limit: Type.Integer(),
        remaining: Type.Integer({ description: 'Whole units left in the sliding window after this request' }),
        resetAt: Type.Integer({ description: 'Epoch milliseconds when everything spent so far has left the sliding window' }),
      }),
      { description: "The key's (and its identity's) rate limits after this request" },
    ),
  ),
  credits: Type.Optional(Type.Object({ remaining: Type.Integer() }, { description: 'Credits left after this request (keys with credits only)' })),
};

export const VERIFY_BATCH_MAX = 100;

export const VerifyBatchBody = Type.Object(
  { items: Type.Array(VerifyBody, { minItems: 1, maxItems: VERIFY_BATCH_MAX, description: `1 to ${VERIFY_BATCH_MAX} verifications, each as the body of POST /v1/verify` }) },
  { additionalProperties: false },
);

export const VerifyResponse = Type.Union([
  Type.Object({
    valid: Type.Literal(true),
    accessKeyId: Type.String(),
    tenantId: Type.String(),
    userId: Type.String(),
    type: Type.String(),
    permissions: Type.Array(Type.String()),
    expiresAt: Nullable(DateTime),
    ...UsageAnswerFields,
  }),
  Type.Object({ valid: Type.Literal(false), code: Type.String({ description: `One of ${VERIFY_CODES.join(', ')}` }), message: Type.String(), ...UsageAnswerFields }),
]);

export const VerifyBatchResponse = Type.Object({ items: Type.Array(VerifyResponse, { description: 'One answer per item, in order' }) });

export const IdentitySchema = Type.Object(
  {
    externalId: Type.String(),
    ratelimits: Nullable(Ratelimits, { description: 'Counted per identity: every key with this externalId shares them' }),
    meta: Nullable(MetaSchema),
    credits: Nullable(CreditsSchema, { description: 'Shared by every key of the identity; null: unlimited' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Identity' },
);

export const PutIdentityBody = Type.Object(
  { ratelimits: Type.Optional(Nullable(Ratelimits)), credits: Type.Optional(Nullable(CreditsInputSchema)), meta: Type.Optional(Nullable(MetaSchema)) },
  { ...strict, description: 'The whole identity: a field left out is none' },
);

export const CreditsChangeBody = Type.Object(
  {
    add: Type.Optional(Type.Integer({ description: 'A non-zero integer; a negative one takes away, and the result stops at zero' })),
    set: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { ...strict, minProperties: 1, maxProperties: 1, description: 'Exactly one of add and set' },
);
