/**
 * Generated from the server's /openapi.json by scripts/console-types.ts (npm run console:types).
 * Do not edit: change the route schemas in src/http instead, then regenerate.
 */
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process can serve: the database answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            database: string;
                            status: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            database: string;
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List access keys, newest first (members: their own; admins: the whole tenant) */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    expiringWithinDays?: string;
                    /** @description The tenant's own ID for the customer (identity) the key belongs to */
                    externalId?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    /** @description Default asc for name, desc otherwise */
                    order?: "asc" | "desc";
                    /** @description An access key ID or its start (a pasted bearer token is read for its ID), or part of the key's name; any case */
                    q?: string;
                    /** @description Order by (default created, newest first). Names ignore case; never used sorts as longest ago, never expires as last */
                    sort?: "created" | "name" | "lastUsed" | "expires";
                    state?: "enabled" | "disabled" | "deleted";
                    type?: "access" | "api";
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AccessKey"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an access key. The only response that ever holds the secret. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        credits?: {
                            refill?: {
                                /** @description remaining is set to this at each refill */
                                amount: number;
                                /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                interval: "daily" | "monthly";
                                /** @description Monthly only (default 1); past the month end means its last day */
                                refillDay?: number;
                            } | null;
                            remaining: number;
                        } | null;
                        /** @description ISO 8601 date-time with zone */
                        expiresAt?: string;
                        expiresInDays?: number;
                        externalId?: string | null;
                        groupIds?: string[];
                        ipAllowlist?: string[] | null;
                        /** @description A leak reporter key: an api key narrowed to the tenant's Leak reporter role (only latchkey:report-leaks, created on first use), for a secret scanner that posts to /v1/leaks. Not with verifier, type access, roleIds or groupIds. */
                        leakReporter?: boolean;
                        meta?: {
                            [key: string]: unknown;
                        } | null;
                        name?: string;
                        neverExpires?: boolean;
                        ratelimits?: {
                            /** @description Window, 1 s to 30 days */
                            durationMs: number;
                            /** @description Units of cost allowed per window */
                            limit: number;
                            /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                            name: string;
                        }[] | null;
                        roleIds?: string[];
                        /** @description Default api */
                        type?: "access" | "api";
                        userId?: string;
                        /** @description A verifier key: an api key narrowed to the tenant's Verifier role (only latchkey:verify, the role is created on first use), for an API or gateway that asks /v1/verify or /v1/authorize. Not with type access, roleIds or groupIds. */
                        verifier?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessKey"] & {
                            /** @description key:<access key>::<secret key>,tenant id: <tenant ID> */
                            copyText: string;
                            /** @description Shown in this response only, never again */
                            secret: string;
                            /** @description Bearer token carrying the key ID and secret */
                            token: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an access key (never its secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an access key (final; by default only a disabled key can be deleted) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, change expiry, change roles and groups; admins also usage controls (ratelimits, credits, ipAllowlist, meta, externalId; null clears) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        credits?: {
                            refill?: {
                                /** @description remaining is set to this at each refill */
                                amount: number;
                                /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                interval: "daily" | "monthly";
                                /** @description Monthly only (default 1); past the month end means its last day */
                                refillDay?: number;
                            } | null;
                            remaining: number;
                        } | null;
                        /** @description ISO 8601 date-time with zone */
                        expiresAt?: string;
                        expiresInDays?: number;
                        externalId?: string | null;
                        groupIds?: string[];
                        ipAllowlist?: string[] | null;
                        meta?: {
                            [key: string]: unknown;
                        } | null;
                        name?: string;
                        neverExpires?: boolean;
                        ratelimits?: {
                            /** @description Window, 1 s to 30 days */
                            durationMs: number;
                            /** @description Units of cost allowed per window */
                            limit: number;
                            /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                            name: string;
                        }[] | null;
                        roleIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/access-records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Verification attempts that named this key, newest first, within the retention period */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    outcome?: "success" | "failure";
                };
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AccessRecord"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/credits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add to ({add: n}, down to zero at most) or set ({set: n}) a key's credits, in one atomic write (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            /** @description Exactly one of add and set */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A non-zero integer; a negative one takes away, and the result stops at zero */
                        add?: number;
                        set?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            lastRefillAt: string | null;
                            refill: {
                                /** @description remaining is set to this at each refill */
                                amount: number;
                                /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                interval: "daily" | "monthly";
                                /** @description Monthly only (default 1); past the month end means its last day */
                                refillDay?: number;
                            } | null;
                            /** @description Units left (as stored: a refill due since is applied by the next spend) */
                            remaining: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable: every request that uses the key fails from now on */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable a disabled key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/end-overlap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End a rotation's overlap now: the old secret stops working at once (409 when there is no overlap) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** Format: date-time */
                            createdAt: string;
                            creatorId: string;
                            /** @description null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            deletedAt: string | null;
                            /** @description True when expiresAt has passed (expiry is not a state) */
                            expired: boolean;
                            expiresAt: string | null;
                            externalId: string | null;
                            groupIds: string[];
                            /** @description CIDR blocks its clients must come from; null: the tenant's default */
                            ipAllowlist: string[] | null;
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            leak: components["schemas"]["KeyLeak"] | null;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            name: string;
                            ownerId: string;
                            previousSecretExpiresAt: string | null;
                            /** @description The key's named rate limits; null: the tenant's default for its type */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            roleIds: string[];
                            state: "enabled" | "disabled" | "deleted";
                            tenantId: string;
                            type: "access" | "api";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
                            verifier: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The key's effective permissions: its roles' grants narrowed to its owner's */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            actsAsOwner: boolean;
                            keyGrants: string[] | null;
                            ownerPermissions: string[];
                            permissions: string[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/replace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Regenerate: a new key (new ID and secret, returned once) with the same owner, name, type, roles, groups, expiry and usage controls; the old key is disabled */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessKey"] & {
                            /** @description key:<access key>::<secret key>,tenant id: <tenant ID> */
                            copyText: string;
                            /** @description The key this one replaces, now disabled */
                            replacedKeyId: string;
                            /** @description Shown in this response only, never again */
                            secret: string;
                            /** @description Bearer token carrying the key ID and secret */
                            token: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Show the secret again, when the tenant policy allows it (after step-up verification; console sessions only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            copyText: string;
                            secret: string;
                            token: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New secret, returned once; the old one stops now or after overlapSeconds (at most 24 h) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        overlapSeconds?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccessKey"] & {
                            /** @description key:<access key>::<secret key>,tenant id: <tenant ID> */
                            copyText: string;
                            /** @description Shown in this response only, never again */
                            secret: string;
                            /** @description Bearer token carrying the key ID and secret */
                            token: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/{accessKeyId}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Verification attempts of this key over time, by outcome, with the failures by code and its last use */
        get: {
            parameters: {
                query?: {
                    /** @description 24h (default): 96 points of 15 minutes; 7d: 168 points of one hour; 90d: 90 points of one UTC day */
                    range?: "24h" | "7d" | "90d";
                };
                header?: never;
                path: {
                    /** @description Access key ID */
                    accessKeyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Oldest first, whole buckets; the last one holds the current time */
                            buckets: {
                                failure: number;
                                /** Format: date-time */
                                start: string;
                                success: number;
                            }[];
                            /** @description Width of one point: 900 for 24h, 3600 for 7d, 86400 for 90d */
                            bucketSeconds: number;
                            /** @description Failed attempts by reason code, most frequent first */
                            failuresByCode: {
                                code: string;
                                count: number;
                            }[];
                            lastUsedAt: string | null;
                            lastUsedIp: string | null;
                            range: "24h" | "7d" | "90d";
                            totals: {
                                failure: number;
                                success: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import keys from another system with their secrets, all or nothing (admins)
         * @description 400 IMPORT_REFUSED with details.refused [{line, field, reason}] when any line is refused: nothing is written then. Owners must be active users allowed to hold keys; the tenant policy key limits and expiry rules apply.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The lines of the import file as objects, line N being keys[N-1]: {owner, name, state, expiresAt, createdAt?, lastUsedAt?, secret, accessKeyId?}. Each is checked here, so a refusal names its line and field. */
                        keys: unknown[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            imported: number;
                            keys: {
                                accessKeyId: string;
                                /** @description Verifies as a bearer token: its secret is in Latchkey's format, or it was imported by its token's digest */
                                bearer: boolean;
                                line: number;
                                name: string;
                                ownerId: string;
                                /** @description Signed requests (SigV4, TC3) can name it: false for a key imported by its token's digest (SECRET_NOT_AVAILABLE) */
                                signed: boolean;
                                state: "enabled" | "disabled";
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-keys/self-revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable the key of the token presented (Authorization: Bearer <token>), no other sign-in needed
         * @description For whoever holds a token that must stop working (as GitHub credential revocation): the key is disabled whatever the policy, its owner and the admins are told. Failed attempts are throttled as failed verifications are.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            state: "enabled" | "disabled" | "deleted";
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Management actions, newest first (admins) */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    actorId?: string;
                    cursor?: string;
                    from?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    targetId?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AuditEvent"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every action the audit log records, with its label (for filters) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                action: string;
                                label: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The events the filters match, all of them, newest first, as CSV (admins)
         * @description Columns: time (UTC, ISO 8601), actor_email, actor_id, actor_key_id, actor_key_name, via, action, action_label, target_type, target_id, target_name, result, ip, details (JSON). Fields a spreadsheet would run as a formula start with an apostrophe.
         */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    actorId?: string;
                    from?: string;
                    targetId?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password; sets the session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                        /** @description Instead of totp: one of the recovery codes shown at authenticator setup (each works once) */
                        recoveryCode?: string;
                        /** @description Tenant ID or name */
                        tenant: string;
                        /** @description The authenticator code, once the user set one up (else 401 TOTP_REQUIRED) */
                        totp?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            csrfToken: string;
                            expiresAt: string;
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the sign-in page may offer on this server */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Whether "forgot password" by email works (the server can send mail) */
                            passwordResetByEmail: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Forgot password: mail a single-use link (30 minutes) to the user; the answer is the same whether or not the account exists */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** @description Tenant ID or name */
                        tenant: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with the mailed link's token; the link is spent and every session of the user ends */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        newPassword: string;
                        /** @description The part of the link after # */
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/step-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Step-up verification of this console session under the tenant policy */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            method: "none" | "email" | "totp";
                            /** @description True when the policy asks for a method and this session is not verified now */
                            required: boolean;
                            verifiedUntil: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/step-up/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start step-up verification: email sends a 6-digit code (valid 10 minutes, one per 30 s); totp sends nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            expiresAt?: string;
                            method: "none" | "email" | "totp";
                            /** @description The address the code went to, masked */
                            sentTo?: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/step-up/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify with the emailed code or the authenticator code; the session stays verified for the policy’s stepUpMinutes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 6 digits */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            verifiedUntil: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        options: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        head?: never;
        /**
         * Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): 200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)
         * @description The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List groups */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Group"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a group of users that carries roles (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name: string;
                        roleIds?: string[];
                        userIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            roleIds: string[];
                            /** Format: date-time */
                            updatedAt: string;
                            userIds: string[];
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{groupId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a group */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            roleIds: string[];
                            /** Format: date-time */
                            updatedAt: string;
                            userIds: string[];
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a group (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a group (admins) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    groupId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name?: string;
                        roleIds?: string[];
                        userIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            roleIds: string[];
                            /** Format: date-time */
                            updatedAt: string;
                            userIds: string[];
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/identities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List identities, newest first (admins); q finds those whose external ID contains it */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    /** @description Only identities whose external ID contains this text (any case). */
                    q?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Identity"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{externalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an identity (admins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The tenant's own ID for the customer (identity) the key belongs to */
                    externalId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            /** @description Shared by every key of the identity; null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            externalId: string;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            /** @description Counted per identity: every key with this externalId shares them */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /** Create or replace an identity: its shared rate limits, credits and metadata (admins); 201 when created */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The tenant's own ID for the customer (identity) the key belongs to */
                    externalId: string;
                };
                cookie?: never;
            };
            /** @description The whole identity: a field left out is none */
            requestBody: {
                content: {
                    "application/json": {
                        credits?: {
                            refill?: {
                                /** @description remaining is set to this at each refill */
                                amount: number;
                                /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                interval: "daily" | "monthly";
                                /** @description Monthly only (default 1); past the month end means its last day */
                                refillDay?: number;
                            } | null;
                            remaining: number;
                        } | null;
                        meta?: {
                            [key: string]: unknown;
                        } | null;
                        ratelimits?: {
                            /** @description Window, 1 s to 30 days */
                            durationMs: number;
                            /** @description Units of cost allowed per window */
                            limit: number;
                            /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                            name: string;
                        }[] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            /** @description Shared by every key of the identity; null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            externalId: string;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            /** @description Counted per identity: every key with this externalId shares them */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            /** @description Shared by every key of the identity; null: unlimited */
                            credits: {
                                lastRefillAt: string | null;
                                refill: {
                                    /** @description remaining is set to this at each refill */
                                    amount: number;
                                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                    interval: "daily" | "monthly";
                                    /** @description Monthly only (default 1); past the month end means its last day */
                                    refillDay?: number;
                                } | null;
                                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                                remaining: number;
                            } | null;
                            externalId: string;
                            meta: {
                                [key: string]: unknown;
                            } | null;
                            /** @description Counted per identity: every key with this externalId shares them */
                            ratelimits: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[] | null;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        /** Delete an identity; its keys keep their externalId and no longer share its limits or credits (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The tenant's own ID for the customer (identity) the key belongs to */
                    externalId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{externalId}/credits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add to ({add: n}, down to zero at most) or set ({set: n}) an identity's credits, in one atomic write (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The tenant's own ID for the customer (identity) the key belongs to */
                    externalId: string;
                };
                cookie?: never;
            };
            /** @description Exactly one of add and set */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A non-zero integer; a negative one takes away, and the result stops at zero */
                        add?: number;
                        set?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            lastRefillAt: string | null;
                            refill: {
                                /** @description remaining is set to this at each refill */
                                amount: number;
                                /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                                interval: "daily" | "monthly";
                                /** @description Monthly only (default 1); past the month end means its last day */
                                refillDay?: number;
                            } | null;
                            /** @description Units left (as stored: a refill due since is applied by the next spend) */
                            remaining: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leaks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report tokens found in the wild (GitHub secret scanning's partner format); answers each in GitHub's expected shape
         * @description Authorization: Bearer <token of a key holding latchkey:report-leaks>. Each reported token that is a key's (its secret matches) disables the key, or only flags it, as that key's tenant policy leakResponse says; the owner and admins get a bell notification and a mail saying where it was found.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description What was scanned: content, commit, pull_request_description, npm … */
                        source?: string;
                        /** @description The token as found */
                        token: string;
                        /** @description The scanner's name for the token type, answered back as token_type */
                        type?: string;
                        /** @description Where it was found */
                        url?: string;
                    }[];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description true_positive: a key of the reporter's tenant, now disabled or flagged; false_positive: anything else (no such key, a wrong secret, a deleted key, or another tenant's key) */
                            label: "true_positive" | "false_positive";
                            /** @description SHA-256 of the token as sent, lower-case hex */
                            token_hash: string;
                            token_type: string;
                        }[];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I: the user, the tenant, its policy, and how the request was authenticated */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string | null;
                            csrfToken: string | null;
                            /** @description Keys the user holds (not deleted) */
                            keyCount: number;
                            keyLimit: number | null;
                            policy: components["schemas"]["Policy"];
                            stepUp: {
                                method: "none" | "email" | "totp";
                                verifiedUntil: string | null;
                            };
                            tenant: {
                                id: string;
                                name: string;
                                slug: string;
                            };
                            totpEnabled: boolean;
                            unreadNotifications: number;
                            user: components["schemas"]["User"];
                            via: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change my password (required after a one-time password) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start setting up an authenticator app (TOTP, SHA-1, 6 digits, 30 s); confirm with a first code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description otpauth://totp/… link holding the same secret (the console shows it as a QR code) */
                            otpauthUrl: string;
                            /** @description 10 single-use codes to sign in with instead of an app code; stored as digests, shown only now */
                            recoveryCodes: string[];
                            /** @description Base32 secret to type into the app; stored sealed, shown only now */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        /** Turn the authenticator app off (needs a current code from it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The 6-digit code the authenticator app shows now */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn the authenticator app on with a first code from it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The 6-digit code the authenticator app shows now */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/totp/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many unused recovery codes I have */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            remaining: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Replace my recovery codes with 10 new ones (needs a current code from the authenticator app); the old ones stop */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The 6-digit code the authenticator app shows now */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My notifications (the bell), newest first, with how many are unread */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    unread?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Notification"][];
                            nextCursor: string | null;
                            unreadCount: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{notificationId}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark one of my notifications read */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    notificationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            body: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description What it is about: accessKeyId, groupId, roleId … */
                            data: {
                                [key: string]: unknown;
                            };
                            id: string;
                            /** @description key.expiring, key.assignments_changed, user.roles_changed, key.changed_by_admin, key.under_attack or key.leaked */
                            kind: string;
                            readAt: string | null;
                            title: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/read-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark all my notifications read */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            updated: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's policy */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessRecordRetentionDays: number;
                            /** @description Detailed attempts kept per key and outcome (successes and failures each); every attempt is counted */
                            accessRecordsPerKey: number;
                            adminKeyLimit: number | null;
                            allowNeverExpires: boolean;
                            /** @description CIDR blocks a key's clients must come from when the key names none of its own (empty: any address); left out of a PUT: unchanged */
                            defaultIpAllowlist?: string[];
                            /** @description Rate limits of keys of each type that name none of their own (empty: none); left out of a PUT: unchanged */
                            defaultRatelimits?: {
                                access: {
                                    /** @description Window, 1 s to 30 days */
                                    durationMs: number;
                                    /** @description Units of cost allowed per window */
                                    limit: number;
                                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                    name: string;
                                }[];
                                api: {
                                    /** @description Window, 1 s to 30 days */
                                    durationMs: number;
                                    /** @description Units of cost allowed per window */
                                    limit: number;
                                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                    name: string;
                                }[];
                            };
                            defaultValidityDays: number | null;
                            deleteRequiresDisabled: boolean;
                            disableUnusedAfterDays?: number | null;
                            /** @description Days before expiry to remind admins, the creator and the owner; 0 = no reminder */
                            expiryReminderDays: number;
                            /** @description A key whose token is reported leaked (POST /v1/leaks): disable it at once, or only flag it; the owner and admins are told either way; left out of a PUT: unchanged */
                            leakResponse?: "disable" | "flag";
                            memberKeyLimit: number | null;
                            /** @description Refuse a signed request (SigV4, TC3) whose signature was already accepted inside its validity window (SIGNATURE_REPLAYED); a presigned URL then works once */
                            replayProtection: boolean;
                            /** @description never: a secret is shown once, at creation; after-step-up: it can be shown again after step-up verification */
                            secretReveal: "never" | "after-step-up";
                            /** @description What a console session must prove before creating, revealing, rotating or re-enabling a key (email needs SMTP on the server) */
                            stepUp: "none" | "email" | "totp";
                            /** @description How long one step-up verification lasts */
                            stepUpMinutes: number;
                        };
                    };
                };
            };
        };
        /** Replace the tenant policy (admins); every field is required but the usage-control defaults (left out: unchanged) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        accessRecordRetentionDays: number;
                        /** @description Detailed attempts kept per key and outcome (successes and failures each); every attempt is counted */
                        accessRecordsPerKey: number;
                        adminKeyLimit: number | null;
                        allowNeverExpires: boolean;
                        /** @description CIDR blocks a key's clients must come from when the key names none of its own (empty: any address); left out of a PUT: unchanged */
                        defaultIpAllowlist?: string[];
                        /** @description Rate limits of keys of each type that name none of their own (empty: none); left out of a PUT: unchanged */
                        defaultRatelimits?: {
                            access: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[];
                            api: {
                                /** @description Window, 1 s to 30 days */
                                durationMs: number;
                                /** @description Units of cost allowed per window */
                                limit: number;
                                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                name: string;
                            }[];
                        };
                        defaultValidityDays: number | null;
                        deleteRequiresDisabled: boolean;
                        disableUnusedAfterDays?: number | null;
                        /** @description Days before expiry to remind admins, the creator and the owner; 0 = no reminder */
                        expiryReminderDays: number;
                        /** @description A key whose token is reported leaked (POST /v1/leaks): disable it at once, or only flag it; the owner and admins are told either way; left out of a PUT: unchanged */
                        leakResponse?: "disable" | "flag";
                        memberKeyLimit: number | null;
                        /** @description Refuse a signed request (SigV4, TC3) whose signature was already accepted inside its validity window (SIGNATURE_REPLAYED); a presigned URL then works once */
                        replayProtection: boolean;
                        /** @description never: a secret is shown once, at creation; after-step-up: it can be shown again after step-up verification */
                        secretReveal: "never" | "after-step-up";
                        /** @description What a console session must prove before creating, revealing, rotating or re-enabling a key (email needs SMTP on the server) */
                        stepUp: "none" | "email" | "totp";
                        /** @description How long one step-up verification lasts */
                        stepUpMinutes: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessRecordRetentionDays: number;
                            /** @description Detailed attempts kept per key and outcome (successes and failures each); every attempt is counted */
                            accessRecordsPerKey: number;
                            adminKeyLimit: number | null;
                            allowNeverExpires: boolean;
                            /** @description CIDR blocks a key's clients must come from when the key names none of its own (empty: any address); left out of a PUT: unchanged */
                            defaultIpAllowlist?: string[];
                            /** @description Rate limits of keys of each type that name none of their own (empty: none); left out of a PUT: unchanged */
                            defaultRatelimits?: {
                                access: {
                                    /** @description Window, 1 s to 30 days */
                                    durationMs: number;
                                    /** @description Units of cost allowed per window */
                                    limit: number;
                                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                    name: string;
                                }[];
                                api: {
                                    /** @description Window, 1 s to 30 days */
                                    durationMs: number;
                                    /** @description Units of cost allowed per window */
                                    limit: number;
                                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                                    name: string;
                                }[];
                            };
                            defaultValidityDays: number | null;
                            deleteRequiresDisabled: boolean;
                            disableUnusedAfterDays?: number | null;
                            /** @description Days before expiry to remind admins, the creator and the owner; 0 = no reminder */
                            expiryReminderDays: number;
                            /** @description A key whose token is reported leaked (POST /v1/leaks): disable it at once, or only flag it; the owner and admins are told either way; left out of a PUT: unchanged */
                            leakResponse?: "disable" | "flag";
                            memberKeyLimit: number | null;
                            /** @description Refuse a signed request (SigV4, TC3) whose signature was already accepted inside its validity window (SIGNATURE_REPLAYED); a presigned URL then works once */
                            replayProtection: boolean;
                            /** @description never: a secret is shown once, at creation; after-step-up: it can be shown again after step-up verification */
                            secretReveal: "never" | "after-step-up";
                            /** @description What a console session must prove before creating, revealing, rotating or re-enabling a key (email needs SMTP on the server) */
                            stepUp: "none" | "email" | "totp";
                            /** @description How long one step-up verification lasts */
                            stepUpMinutes: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policy/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The rules a policy has: for each, its kind, bounds or choices, and secure default (the same for every tenant) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: components["schemas"]["PolicyRule"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List roles */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Role"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a role: a named set of permission strings (admins) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name: string;
                        permissions: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            permissions: string[];
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/roles/{roleId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a role */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    roleId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            permissions: string[];
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a role (admins) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    roleId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a role (admins); keys using it change at once */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    roleId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        name?: string;
                        permissions?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            id: string;
                            name: string;
                            permissions: string[];
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's verification attempts over a range: totals, failures by code, busiest keys, keys under attack (admins) */
        get: {
            parameters: {
                query?: {
                    /** @description 24h (default): 96 points of 15 minutes; 7d: 168 points of one hour; 90d: 90 points of one UTC day */
                    range?: "24h" | "7d" | "90d";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The 10 keys with the most attempts in the range */
                            busiestKeys: {
                                accessKeyId: string;
                                failure: number;
                                name: string;
                                ownerId: string;
                                success: number;
                            }[];
                            /** @description Failed attempts by reason code, most frequent first */
                            failuresByCode: {
                                code: string;
                                count: number;
                            }[];
                            range: "24h" | "7d" | "90d";
                            totals: {
                                failure: number;
                                success: number;
                            };
                            /** @description Keys with a key.under_attack alert in the range, latest alert first; failures: their failed attempts in the range */
                            underAttack: {
                                accessKeyId: string;
                                failures: number;
                                /** Format: date-time */
                                lastAlertAt: string;
                                name: string;
                                ownerId: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the users of the tenant (admins); q finds those whose email or name contains it, in any case */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Page size, 1–100 (default 20) */
                    limit?: string;
                    q?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["User"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a user (admins). Without a password, a one-time password is generated and returned once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        name?: string;
                        password?: string;
                        programmaticAccess?: boolean;
                        role?: "admin" | "member";
                        roleIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            oneTimePassword: string | null;
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            email: string;
                            groupIds: string[];
                            id: string;
                            mustChangePassword: boolean;
                            name: string;
                            programmaticAccess: boolean;
                            role: "admin" | "member";
                            roleIds: string[];
                            status: "active" | "disabled";
                            tenantId: string;
                            /** @description An authenticator app is set up: sign-in asks for its code */
                            totpEnabled: boolean;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a user: email, name, role, programmatic access, status (disabling stops their keys at once), roles */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email?: string;
                        name?: string;
                        programmaticAccess?: boolean;
                        role?: "admin" | "member";
                        roleIds?: string[];
                        status?: "active" | "disabled";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            email: string;
                            groupIds: string[];
                            id: string;
                            mustChangePassword: boolean;
                            name: string;
                            programmaticAccess: boolean;
                            role: "admin" | "member";
                            roleIds: string[];
                            status: "active" | "disabled";
                            tenantId: string;
                            /** @description An authenticator app is set up: sign-in asks for its code */
                            totpEnabled: boolean;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/users/{userId}/key-quota": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many keys a user holds (not deleted) and the policy's limit for them (members: themselves only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            keyCount: number;
                            /** @description null = any number */
                            keyLimit: number | null;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reset another user's password (admins): a one-time password is answered once, the user must change it at next sign-in, and their sessions end */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            oneTimePassword: string;
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Reset another user's authenticator app (admins): they sign in with their password again, and their sessions end */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify a bearer token or a signed request (AWS SigV4, Tencent TC3). Expected failures are 200 with valid=false and a code.
         * @description Callers are verifiers: Authorization: Bearer <token of an access key of your tenant holding latchkey:verify> (unless the server runs with LATCHKEY_VERIFY_AUTH=open). A verifier sees only its tenant's keys: any other key answers as an unknown one. context (the end client's address and agent) is taken from verifiers only.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Exactly one of token and request */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The end client's address and agent, for the access record (and the key's IP allowlist) */
                        context?: {
                            sourceIp?: string;
                            userAgent?: string;
                        };
                        /** @description Units of the key's rate limits and credits this request spends (default 1; 0 checks without spending) */
                        cost?: number;
                        /** @description A permission the key must hold (not empty or blank) */
                        permission?: string;
                        request?: {
                            /** @description The request body, as text (bodyEncoding utf8, the default) or base64 */
                            body?: string;
                            bodyEncoding?: "utf8" | "base64";
                            /** @description Instead of the body: its SHA-256 in hex. With neither, the client's signed x-amz-content-sha256 is trusted */
                            bodySha256?: string;
                            /** @description The headers as received, Host included */
                            headers: string[][] | {
                                [key: string]: string | string[];
                            };
                            /** @description The HTTP method as received */
                            method: string;
                            /** @description The request target exactly as received: path and query still percent-encoded (or an absolute URL) */
                            url: string;
                        };
                        /** @description Bearer token (lk_…); or give request */
                        token?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessKeyId: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            expiresAt: string | null;
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            permissions: string[];
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            tenantId: string;
                            type: string;
                            userId: string;
                            /** @enum {boolean} */
                            valid: true;
                        } | {
                            /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                            code: string;
                            /** @description Credits left after this request (keys with credits only) */
                            credits?: {
                                remaining: number;
                            };
                            /** @description The identity (the tenant's own customer ID) the key belongs to */
                            externalId?: string;
                            message: string;
                            /** @description The key's metadata, as set */
                            meta?: {
                                [key: string]: unknown;
                            };
                            /** @description The key's (and its identity's) rate limits after this request */
                            ratelimits?: {
                                limit: number;
                                name: string;
                                /** @description Whole units left in the sliding window after this request */
                                remaining: number;
                                /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                resetAt: number;
                            }[];
                            /** @enum {boolean} */
                            valid: false;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify up to 100 credentials in one call: each item is answered exactly as POST /v1/verify would answer it (access records, rate limits, credits per item), in order.
         * @description The caller is a verifier as for /v1/verify (one Authorization for the whole batch). More than 100 items answer 400 naming the field items.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1 to 100 verifications, each as the body of POST /v1/verify */
                        items: {
                            /** @description The end client's address and agent, for the access record (and the key's IP allowlist) */
                            context?: {
                                sourceIp?: string;
                                userAgent?: string;
                            };
                            /** @description Units of the key's rate limits and credits this request spends (default 1; 0 checks without spending) */
                            cost?: number;
                            /** @description A permission the key must hold (not empty or blank) */
                            permission?: string;
                            request?: {
                                /** @description The request body, as text (bodyEncoding utf8, the default) or base64 */
                                body?: string;
                                bodyEncoding?: "utf8" | "base64";
                                /** @description Instead of the body: its SHA-256 in hex. With neither, the client's signed x-amz-content-sha256 is trusted */
                                bodySha256?: string;
                                /** @description The headers as received, Host included */
                                headers: string[][] | {
                                    [key: string]: string | string[];
                                };
                                /** @description The HTTP method as received */
                                method: string;
                                /** @description The request target exactly as received: path and query still percent-encoded (or an absolute URL) */
                                url: string;
                            };
                            /** @description Bearer token (lk_…); or give request */
                            token?: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description One answer per item, in order */
                            items: ({
                                accessKeyId: string;
                                /** @description Credits left after this request (keys with credits only) */
                                credits?: {
                                    remaining: number;
                                };
                                expiresAt: string | null;
                                /** @description The identity (the tenant's own customer ID) the key belongs to */
                                externalId?: string;
                                /** @description The key's metadata, as set */
                                meta?: {
                                    [key: string]: unknown;
                                };
                                permissions: string[];
                                /** @description The key's (and its identity's) rate limits after this request */
                                ratelimits?: {
                                    limit: number;
                                    name: string;
                                    /** @description Whole units left in the sliding window after this request */
                                    remaining: number;
                                    /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                    resetAt: number;
                                }[];
                                tenantId: string;
                                type: string;
                                userId: string;
                                /** @enum {boolean} */
                                valid: true;
                            } | {
                                /** @description One of MALFORMED, KEY_NOT_FOUND, SECRET_MISMATCH, SIGNATURE_MISMATCH, REQUEST_TIME_SKEWED, KEY_DISABLED, KEY_DELETED, KEY_EXPIRED, USER_DISABLED, PROGRAMMATIC_ACCESS_REVOKED, TENANT_DISABLED, PERMISSION_DENIED, SIGNATURE_REPLAYED, RATE_LIMITED, IP_NOT_ALLOWED, USAGE_EXCEEDED, SECRET_NOT_AVAILABLE */
                                code: string;
                                /** @description Credits left after this request (keys with credits only) */
                                credits?: {
                                    remaining: number;
                                };
                                /** @description The identity (the tenant's own customer ID) the key belongs to */
                                externalId?: string;
                                message: string;
                                /** @description The key's metadata, as set */
                                meta?: {
                                    [key: string]: unknown;
                                };
                                /** @description The key's (and its identity's) rate limits after this request */
                                ratelimits?: {
                                    limit: number;
                                    name: string;
                                    /** @description Whole units left in the sliding window after this request */
                                    remaining: number;
                                    /** @description Epoch milliseconds when everything spent so far has left the sliding window */
                                    resetAt: number;
                                }[];
                                /** @enum {boolean} */
                                valid: false;
                            })[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: string;
                                details?: unknown;
                                message: string;
                                requestId: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccessKey: {
            accessKeyId: string;
            /** Format: date-time */
            createdAt: string;
            creatorId: string;
            /** @description null: unlimited */
            credits: {
                lastRefillAt: string | null;
                refill: {
                    /** @description remaining is set to this at each refill */
                    amount: number;
                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                    interval: "daily" | "monthly";
                    /** @description Monthly only (default 1); past the month end means its last day */
                    refillDay?: number;
                } | null;
                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                remaining: number;
            } | null;
            deletedAt: string | null;
            /** @description True when expiresAt has passed (expiry is not a state) */
            expired: boolean;
            expiresAt: string | null;
            externalId: string | null;
            groupIds: string[];
            /** @description CIDR blocks its clients must come from; null: the tenant's default */
            ipAllowlist: string[] | null;
            lastUsedAt: string | null;
            lastUsedIp: string | null;
            leak: components["schemas"]["KeyLeak"] | null;
            meta: {
                [key: string]: unknown;
            } | null;
            name: string;
            ownerId: string;
            previousSecretExpiresAt: string | null;
            /** @description The key's named rate limits; null: the tenant's default for its type */
            ratelimits: {
                /** @description Window, 1 s to 30 days */
                durationMs: number;
                /** @description Units of cost allowed per window */
                limit: number;
                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                name: string;
            }[] | null;
            roleIds: string[];
            state: "enabled" | "disabled" | "deleted";
            tenantId: string;
            type: "access" | "api";
            /** Format: date-time */
            updatedAt: string;
            /** @description A verifier key: narrowed to the tenant's Verifier role (latchkey:verify only), for the APIs and gateways that call /v1/verify and /v1/authorize */
            verifier: boolean;
        };
        AccessRecord: {
            accessKeyId: string;
            /** Format: date-time */
            at: string;
            code: string | null;
            detail: {
                [key: string]: string;
            } | null;
            id: string;
            outcome: "success" | "failure";
            permission: string | null;
            scheme: string;
            sourceIp: string | null;
            userAgent: string | null;
        };
        AuditEvent: {
            action: string;
            /** @description The action in words, as the console shows it (GET /v1/audit-events/actions lists them all) */
            actionLabel: string;
            actorEmail: string | null;
            actorId: string | null;
            actorKeyId: string | null;
            actorKeyName: string | null;
            /** Format: date-time */
            at: string;
            details: {
                [key: string]: unknown;
            } | null;
            id: string;
            ip: string | null;
            result: "success" | "failure";
            targetId: string | null;
            targetName: string | null;
            targetType: string;
            via: ("console" | "api" | "cli") | null;
        };
        Group: {
            /** Format: date-time */
            createdAt: string;
            description: string;
            id: string;
            name: string;
            roleIds: string[];
            /** Format: date-time */
            updatedAt: string;
            userIds: string[];
        };
        Identity: {
            /** Format: date-time */
            createdAt: string;
            /** @description Shared by every key of the identity; null: unlimited */
            credits: {
                lastRefillAt: string | null;
                refill: {
                    /** @description remaining is set to this at each refill */
                    amount: number;
                    /** @description daily: at 00:00 UTC; monthly: on refillDay at 00:00 UTC */
                    interval: "daily" | "monthly";
                    /** @description Monthly only (default 1); past the month end means its last day */
                    refillDay?: number;
                } | null;
                /** @description Units left (as stored: a refill due since is applied by the next spend) */
                remaining: number;
            } | null;
            externalId: string;
            meta: {
                [key: string]: unknown;
            } | null;
            /** @description Counted per identity: every key with this externalId shares them */
            ratelimits: {
                /** @description Window, 1 s to 30 days */
                durationMs: number;
                /** @description Units of cost allowed per window */
                limit: number;
                /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                name: string;
            }[] | null;
            /** Format: date-time */
            updatedAt: string;
        };
        /** @description The latest report that the key leaked; null when none */
        KeyLeak: {
            /** @description disabled: the report disabled the key; flagged: it was only flagged (policy leakResponse flag, or already disabled) */
            action: "disabled" | "flagged";
            /** Format: date-time */
            reportedAt: string;
            /** @description scanner: POST /v1/leaks; holder: POST /v1/access-keys/self-revoke */
            reportedBy: "scanner" | "holder";
            source: string | null;
            tokenType: string | null;
            url: string | null;
        };
        Notification: {
            body: string;
            /** Format: date-time */
            createdAt: string;
            /** @description What it is about: accessKeyId, groupId, roleId … */
            data: {
                [key: string]: unknown;
            };
            id: string;
            /** @description key.expiring, key.assignments_changed, user.roles_changed, key.changed_by_admin, key.under_attack or key.leaked */
            kind: string;
            readAt: string | null;
            title: string;
        };
        Policy: {
            accessRecordRetentionDays: number;
            /** @description Detailed attempts kept per key and outcome (successes and failures each); every attempt is counted */
            accessRecordsPerKey: number;
            adminKeyLimit: number | null;
            allowNeverExpires: boolean;
            /** @description CIDR blocks a key's clients must come from when the key names none of its own (empty: any address); left out of a PUT: unchanged */
            defaultIpAllowlist?: string[];
            /** @description Rate limits of keys of each type that name none of their own (empty: none); left out of a PUT: unchanged */
            defaultRatelimits?: {
                access: {
                    /** @description Window, 1 s to 30 days */
                    durationMs: number;
                    /** @description Units of cost allowed per window */
                    limit: number;
                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                    name: string;
                }[];
                api: {
                    /** @description Window, 1 s to 30 days */
                    durationMs: number;
                    /** @description Units of cost allowed per window */
                    limit: number;
                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                    name: string;
                }[];
            };
            defaultValidityDays: number | null;
            deleteRequiresDisabled: boolean;
            disableUnusedAfterDays?: number | null;
            /** @description Days before expiry to remind admins, the creator and the owner; 0 = no reminder */
            expiryReminderDays: number;
            /** @description A key whose token is reported leaked (POST /v1/leaks): disable it at once, or only flag it; the owner and admins are told either way; left out of a PUT: unchanged */
            leakResponse?: "disable" | "flag";
            memberKeyLimit: number | null;
            /** @description Refuse a signed request (SigV4, TC3) whose signature was already accepted inside its validity window (SIGNATURE_REPLAYED); a presigned URL then works once */
            replayProtection: boolean;
            /** @description never: a secret is shown once, at creation; after-step-up: it can be shown again after step-up verification */
            secretReveal: "never" | "after-step-up";
            /** @description What a console session must prove before creating, revealing, rotating or re-enabling a key (email needs SMTP on the server) */
            stepUp: "none" | "email" | "totp";
            /** @description How long one step-up verification lasts */
            stepUpMinutes: number;
        };
        PolicyRule: {
            default: number | null;
            /** @enum {string} */
            kind: "integer";
            maximum: number;
            minimum: number;
            name: "memberKeyLimit" | "adminKeyLimit" | "defaultValidityDays" | "allowNeverExpires" | "deleteRequiresDisabled" | "accessRecordRetentionDays" | "accessRecordsPerKey" | "secretReveal" | "stepUp" | "stepUpMinutes" | "expiryReminderDays" | "replayProtection" | "disableUnusedAfterDays" | "defaultRatelimits" | "defaultIpAllowlist" | "leakResponse";
            nullable: boolean;
        } | {
            default: boolean;
            /** @enum {string} */
            kind: "boolean";
            name: "memberKeyLimit" | "adminKeyLimit" | "defaultValidityDays" | "allowNeverExpires" | "deleteRequiresDisabled" | "accessRecordRetentionDays" | "accessRecordsPerKey" | "secretReveal" | "stepUp" | "stepUpMinutes" | "expiryReminderDays" | "replayProtection" | "disableUnusedAfterDays" | "defaultRatelimits" | "defaultIpAllowlist" | "leakResponse";
        } | {
            choices: string[];
            default: string;
            /** @enum {string} */
            kind: "choice";
            name: "memberKeyLimit" | "adminKeyLimit" | "defaultValidityDays" | "allowNeverExpires" | "deleteRequiresDisabled" | "accessRecordRetentionDays" | "accessRecordsPerKey" | "secretReveal" | "stepUp" | "stepUpMinutes" | "expiryReminderDays" | "replayProtection" | "disableUnusedAfterDays" | "defaultRatelimits" | "defaultIpAllowlist" | "leakResponse";
        } | {
            default: {
                access: {
                    /** @description Window, 1 s to 30 days */
                    durationMs: number;
                    /** @description Units of cost allowed per window */
                    limit: number;
                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                    name: string;
                }[];
                api: {
                    /** @description Window, 1 s to 30 days */
                    durationMs: number;
                    /** @description Units of cost allowed per window */
                    limit: number;
                    /** @description Unique per key: 1–64 of a-z 0-9 _ . - */
                    name: string;
                }[];
            };
            /** @enum {string} */
            kind: "ratelimits";
            maximum: number;
            name: "memberKeyLimit" | "adminKeyLimit" | "defaultValidityDays" | "allowNeverExpires" | "deleteRequiresDisabled" | "accessRecordRetentionDays" | "accessRecordsPerKey" | "secretReveal" | "stepUp" | "stepUpMinutes" | "expiryReminderDays" | "replayProtection" | "disableUnusedAfterDays" | "defaultRatelimits" | "defaultIpAllowlist" | "leakResponse";
        } | {
            default: string[];
            /** @enum {string} */
            kind: "cidrs";
            maximum: number;
            name: "memberKeyLimit" | "adminKeyLimit" | "defaultValidityDays" | "allowNeverExpires" | "deleteRequiresDisabled" | "accessRecordRetentionDays" | "accessRecordsPerKey" | "secretReveal" | "stepUp" | "stepUpMinutes" | "expiryReminderDays" | "replayProtection" | "disableUnusedAfterDays" | "defaultRatelimits" | "defaultIpAllowlist" | "leakResponse";
        };
        Role: {
            /** Format: date-time */
            createdAt: string;
            description: string;
            id: string;
            name: string;
            permissions: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        User: {
            /** Format: date-time */
            createdAt: string;
            email: string;
            groupIds: string[];
            id: string;
            mustChangePassword: boolean;
            name: string;
            programmaticAccess: boolean;
            role: "admin" | "member";
            roleIds: string[];
            status: "active" | "disabled";
            tenantId: string;
            /** @description An authenticator app is set up: sign-in asks for its code */
            totpEnabled: boolean;
            /** Format: date-time */
            updatedAt: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
