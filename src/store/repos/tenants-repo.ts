import type { Kysely } from 'kysely';
import type { Tenant } from '../../core/model.js';
import type { TenantPolicy } from '../../core/policy.js';
import type { Database } from '../schema.js';
import { tenantFromRow } from '../rows.js';
import type { ChangeRecorder } from './changes-repo.js';

export class TenantsRepo {
  private readonly db: Kysely<Database>;
  private readonly changes: ChangeRecorder;

  constructor(options: { db: Kysely<Database>; changes: ChangeRecorder }) {
    this.db = options.db;
    this.changes = options.changes;
  }

  async insert(tenant: Tenant): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        status: tenant.status,
        policy: JSON.stringify(tenant.policy),
        createdAt: tenant.createdAt.getTime(),
      })
      .execute();
  }

  async findById(id: string): Promise<Tenant | null> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? tenantFromRow(row) : null;
  }

  /** Sign-in names a tenant by its ID or its slug. */
  async findByIdOrSlug(value: string): Promise<Tenant | null> {
    const row = await this.db
      .selectFrom('tenants')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', value), eb('slug', '=', value.toLowerCase())]))
      .executeTakeFirst();
    return row ? tenantFromRow(row) : null;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every tenant with its policy, in one query (the periodic passes read each tenant's rules). */
  async listAll(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return rows.map(tenantFromRow);
  }

  async updatePolicy(id: string, policy: TenantPolicy): Promise<void> {
    await this.changes.record({ tenantId: id, tenant: true });
    await this.db
      .updateTable('tenants')
      .set({ policy: JSON.stringify(policy) })
      .where('id', '=', id)
      .execute();
  }
}
