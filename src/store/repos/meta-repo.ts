import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Installation-wide name → value facts, shared by every process on the database. */
export class MetaRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<string | null> {
    const row = await this.db.selectFrom('latchkeyMeta').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value ?? null;
  }

  /** Stores `value` unless the name already has one; returns the value that stands (first writer wins). */
  async putIfAbsent(name: string, value: string): Promise<string> {
    await this.db
      .insertInto('latchkeyMeta')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.get(name)) ?? value;
  }
}
