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

  /** Sets `name` to `value`, whatever it held. */
  async put(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('latchkeyMeta')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }

  /** Every fact whose name starts with `prefix`, by name. */
  async list(prefix: string): Promise<{ name: string; value: string }[]> {
    const rows = await this.db.selectFrom('latchkeyMeta').select(['name', 'value']).orderBy('name').execute();
    return rows.filter((r) => r.name.startsWith(prefix));
  }

  /** Replaces the value of `name` only while it is still `expected` (a guarded write); true when it landed. */
  async replace(name: string, expected: string, value: string): Promise<boolean> {
    const result = await this.db.updateTable('latchkeyMeta').set({ value }).where('name', '=', name).where('value', '=', expected).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
