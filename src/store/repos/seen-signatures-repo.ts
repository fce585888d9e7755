import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface SeenSignature {
  accessKeyId: string;
  /** 64 lower-case hex digits. */
  signature: string;
  tenantId: string;
  /** After this the request is refused by its own time checks, so the row may go. */
  expiresAt: Date;
}

/** Signatures already accepted (tenant policy replayProtection), shared by every process. */
export class SeenSignaturesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records the signature unless it was seen before and is still live: true when this call
   * claimed it. A row whose window has passed is taken over (the purge may not have run yet).
   */
  async claim(seen: SeenSignature, now: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('seenSignatures')
      .values({ accessKeyId: seen.accessKeyId, signature: seen.signature, tenantId: seen.tenantId, expiresAt: seen.expiresAt.getTime() })
      .onConflict((oc) =>
        oc.columns(['accessKeyId', 'signature']).doUpdateSet({ tenantId: seen.tenantId, expiresAt: seen.expiresAt.getTime() }).where('seenSignatures.expiresAt', '<=', now.getTime()),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('seenSignatures').where('expiresAt', '<=', now.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async count(accessKeyId: string): Promise<number> {
    const row = await this.db
      .selectFrom('seenSignatures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('accessKeyId', '=', accessKeyId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
