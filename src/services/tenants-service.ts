import { INVALID_EMAIL_MESSAGE, normalizeEmail } from '../core/email.js';
import { AppError } from '../core/errors.js';
import { checkedName } from '../core/names.js';
import type { Tenant, User } from '../core/model.js';
import { DEFAULT_POLICY, normalisePolicy, validatePolicy, type PolicyInput, type TenantPolicy } from '../core/policy.js';
import { hashPassword, isAcceptablePassword } from '../crypto/password.js';
import { generateId, generatePassword } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import { requireAdmin, requireKeyScope, type Actor, type Clock } from './actor.js';
import type { AuditService } from './audit-service.js';

/** A policy as PUT sends it: every rule, the usage-control defaults optional (left out: unchanged). */

export const TENANT_SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
const SLUG_RE = new RegExp(TENANT_SLUG_PATTERN);

export interface CreatedTenant {
  tenant: Tenant;
  admin: User;
  /** Set when the password was generated here: shown once, must be changed at first sign-in. */
  oneTimePassword: string | null;
}

/** Tenants and their policy. New tenants come from `latchkey init` or the first start. */
export class TenantsService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly mailConfigured: boolean;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; mailConfigured: boolean }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.mailConfigured = options.mailConfigured;
  }

  async create(input: { slug: string; name?: string; email: string; password?: string; adminName?: string }): Promise<CreatedTenant> {
    const slug = input.slug.trim().toLowerCase();
    if (!SLUG_RE.test(slug)) throw new AppError('VALIDATION_FAILED', 'The tenant name must be 2–63 characters: lower-case letters, digits and dashes.');
    const email = normalizeEmail(input.email);
    if (email === null) throw new AppError('VALIDATION_FAILED', INVALID_EMAIL_MESSAGE, { field: 'email' });
    if (input.password !== undefined && !isAcceptablePassword(input.password)) throw new AppError('WEAK_PASSWORD');
    if (await this.store.tenants.findByIdOrSlug(slug)) throw new AppError('TENANT_EXISTS');
    const oneTimePassword = input.password === undefined ? generatePassword() : null;
    const now = this.clock.now();
    const tenant: Tenant = {
      id: generateId('tenant'),
      slug,
      name: input.name !== undefined && input.name.trim() !== '' ? checkedName(input.name, 'A tenant display name') : slug,
      status: 'active',
      policy: { ...DEFAULT_POLICY },
      createdAt: now,
    };
    const admin: User = {
      id: generateId('user'),
      tenantId: tenant.id,
      email,
      name: input.adminName !== undefined && input.adminName.trim() !== '' ? checkedName(input.adminName, "The administrator's name", 'adminName') : email.split('@')[0]!,
      role: 'admin',
      programmaticAccess: true,
      status: 'active',
      mustChangePassword: oneTimePassword !== null,
      createdAt: now,
      updatedAt: now,
    };
    const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
    try {
      await this.store.transaction(async (tx) => {
        await tx.tenants.insert(tenant);
        await tx.users.insert(admin, passwordHash);
        // Tenants are made by `latchkey init` or the server's first start, both the CLI.
        await this.audit.record(
          { tenantId: tenant.id, user: null, accessKeyId: null, ip: null, via: 'cli' },
          { action: 'tenant.create', targetType: 'tenant', targetId: tenant.id, details: { slug } },
          tx,
        );
      });
    } catch (error) {
      if (this.store.dialect.isUniqueViolation(error)) throw new AppError('TENANT_EXISTS');
      throw error;
    }
    return { tenant, admin, oneTimePassword };
  }

  /** How many tenants there are (none: the first start creates one). */
  count(): Promise<number> {
    return this.store.tenants.count();
  }

  /** A tenant named by its ID or its slug, as sign-in and the CLI's --tenant name one. */
  findByIdOrSlug(value: string): Promise<Tenant | null> {
    return this.store.tenants.findByIdOrSlug(value);
  }

  async get(tenantId: string): Promise<Tenant> {
    const tenant = await this.store.tenants.findById(tenantId);
    if (!tenant) throw new AppError('NOT_FOUND');
    return tenant;
  }

  async getPolicy(actor: Actor): Promise<TenantPolicy> {
    requireKeyScope(actor, 'latchkey:policy:read');
    return (await this.get(actor.tenantId)).policy;
  }

  /** Replaces the policy; rules newer than the client (LATER_RULES: unused keys, usage-control defaults, leak response) left out keep their values. */
  putPolicy(actor: Actor, policy: PolicyInput): Promise<TenantPolicy> {
    return this.audit.refusable(actor, { action: 'policy.update', targetType: 'policy', targetId: null }, () => this.replacePolicy(actor, policy));
  }

  private async replacePolicy(actor: Actor, input: PolicyInput): Promise<TenantPolicy> {
    requireAdmin(actor, 'latchkey:policy:write');
    const before = (await this.get(actor.tenantId)).policy;
    const whole: TenantPolicy = {
      ...input,
      disableUnusedAfterDays: input.disableUnusedAfterDays === undefined ? before.disableUnusedAfterDays : input.disableUnusedAfterDays,
      defaultRatelimits: input.defaultRatelimits ?? before.defaultRatelimits,
      defaultIpAllowlist: input.defaultIpAllowlist ?? before.defaultIpAllowlist,
      leakResponse: input.leakResponse ?? before.leakResponse,
    };
    const problems = validatePolicy(whole);
    if (problems.length > 0) throw new AppError('INVALID_POLICY', problems.map((p) => p.message).join('; '), { problems, field: problems[0]!.field });
    const policy = normalisePolicy(whole);
    // Email codes need a way to send them; a policy nobody could satisfy would lock every console user out of key changes.
    if (policy.stepUp === 'email' && !this.mailConfigured) {
      throw new AppError(
        'SMTP_NOT_CONFIGURED',
        'stepUp "email" needs mail: set LATCHKEY_SMTP_URL (smtp://user:pass@host:port) and LATCHKEY_MAIL_FROM on every Latchkey process and restart them, or choose "totp".',
      );
    }
    // The whole tenant's cached keys go: this process applies the new rules (e.g. replay
    // protection) at once, others on their next poll.
    await this.store.transaction(async (tx) => {
      await tx.tenants.updatePolicy(actor.tenantId, policy);
      await this.audit.record(actor, { action: 'policy.update', targetType: 'policy', targetId: actor.tenantId, details: { before, after: policy } }, tx);
    });
    return policy;
  }
}
