import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Every value kept sealed under the master key (see src/crypto/envelope.ts), by kind: where it
 * is stored and what names its row. A master-key rotation (src/services/master-key-rotation.ts)
 * counts and re-seals them through this repository only.
 */
export const SEALED_KINDS = ['access_key_secret', 'access_key_previous_secret', 'totp_secret', 'mail_body', 'recovery_code_key'] as const;
export type SealedKind = (typeof SEALED_KINDS)[number];

interface Place {
  table: keyof Database;
  /** The row's key (unique in the table). */
  key: string;
  /** The tenant column, for what the envelope is bound to (null: none). */
  tenant: string | null;
  column: string;
  /** Only rows whose key starts with it (meta facts). */
  prefix?: string;
}

const PLACES: Record<SealedKind, Place> = {
  access_key_secret: { table: 'accessKeys', key: 'id', tenant: 'tenantId', column: 'secretEnvelope' },
  access_key_previous_secret: { table: 'accessKeys', key: 'id', tenant: 'tenantId', column: 'previousSecretEnvelope' },
  totp_secret: { table: 'totpCredentials', key: 'userId', tenant: 'tenantId', column: 'secretEnvelope' },
  mail_body: { table: 'mailOutbox', key: 'id', tenant: null, column: 'bodyEnvelope' },
  recovery_code_key: { table: 'latchkeyMeta', key: 'name', tenant: null, column: 'value', prefix: 'recovery_code_key:' },
};

/** The first characters of an envelope that names master key `keyId`: `v2.<8 characters>.` */
const PREFIX_LENGTH = 12;
const prefixOf = (keyId: string) => `v2.${keyId}.`;

export interface SealedRow {
  key: string;
  tenantId: string | null;
  envelope: string;
}

export class SealedValuesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  private where(place: Place) {
    const col = sql.ref(place.column);
    const onlyPrefix = place.prefix === undefined ? sql`` : sql` and substr(${sql.ref(place.key)}, 1, ${place.prefix.length}) = ${place.prefix}`;
    // An empty envelope seals nothing: a key imported with only a digest of its token has no secret (core/key-import.ts NO_SECRET).
    return sql`${col} is not null and ${col} <> ''${onlyPrefix}`;
  }

  /** How many values of the kind each master key ID seals; null stands for the first format (no key ID). */
  async countByKey(kind: SealedKind): Promise<{ keyId: string | null; count: number }[]> {
    const place = PLACES[kind];
    const col = sql.ref(place.column);
    const result = await sql<{ kid: string; n: string | number }>`
      select case when substr(${col}, 1, 3) = 'v2.' then substr(${col}, 4, 8) else '' end as kid, count(*) as n
      from ${sql.table(place.table)} where ${this.where(place)} group by 1 order by 1`.execute(this.db);
    return result.rows.map((r) => ({ keyId: r.kid === '' ? null : r.kid, count: Number(r.n) }));
  }

  /** Up to `limit` values not sealed under `keyId`, by row key, after `after` (null: from the start). */
  async notUnder(kind: SealedKind, keyId: string, after: string | null, limit: number): Promise<SealedRow[]> {
    const place = PLACES[kind];
    const col = sql.ref(place.column);
    const key = sql.ref(place.key);
    const tenant = place.tenant === null ? sql`null` : sql.ref(place.tenant);
    const from = after === null ? sql`` : sql` and ${key} > ${after}`;
    const result = await sql<{ k: string; t: string | null; env: string }>`
      select ${key} as k, ${tenant} as t, ${col} as env from ${sql.table(place.table)}
      where ${this.where(place)} and substr(${col}, 1, ${PREFIX_LENGTH}) <> ${prefixOf(keyId)}${from}
      order by ${key} limit ${limit}`.execute(this.db);
    return result.rows.map((r) => ({ key: r.k, tenantId: r.t, envelope: r.env }));
  }

  /** Writes the re-sealed value only while the row still holds `expected` (a guarded write); true when it landed. */
  async replace(kind: SealedKind, key: string, expected: string, envelope: string): Promise<boolean> {
    const place = PLACES[kind];
    const result = await sql`update ${sql.table(place.table)} set ${sql.ref(place.column)} = ${envelope}
      where ${sql.ref(place.key)} = ${key} and ${sql.ref(place.column)} = ${expected}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }
}
