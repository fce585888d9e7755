import { INVALID_EMAIL_MESSAGE, normalizeEmail } from '../core/email.js';
import { AppError } from '../core/errors.js';
import { checkedName } from '../core/names.js';
import type { Page, User, UserRole } from '../core/model.js';
import { sameSet, userRolesChanged } from '../core/notifications.js';
import { hashPassword, isAcceptablePassword } from '../crypto/password.js';
import { generateId, generatePassword } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import type { NotificationsService } from './notifications-service.js';
import { parseCursor } from './paging.js';
import { requireKnown } from './require-known.js';
import type { TotpService } from './totp-service.js';

export interface UserView extends User {
  roleIds: string[];
  groupIds: string[];
  totpEnabled: boolean;
}

export interface UserUpdate {
  /** The address the user signs in with (same rule as at creation; unique in the tenant). */
  email?: string;
  name?: string;
  role?: UserRole;
  programmaticAccess?: boolean;
  status?: User['status'];
  roleIds?: string[];
}

export interface NewUser {
  email: string;
  name?: string;
  role?: UserRole;
  password?: string;
  programmaticAccess?: boolean;
  roleIds?: string[];
}

/** People of a tenant, managed by its admins. */
export class UsersService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly notifications: NotificationsService;
  private readonly totp: TotpService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; notifications: NotificationsService; totp: TotpService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.notifications = options.notifications;
    this.totp = options.totp;
  }

  create(actor: Actor, input: NewUser): Promise<{ user: UserView; oneTimePassword: string | null }> {
    return this.audit.refusable(actor, { action: 'user.create', targetType: 'user', targetId: null }, () => this.createUser(actor, input));
  }

  private async createUser(actor: Actor, input: NewUser): Promise<{ user: UserView; oneTimePassword: string | null }> {
    requireAdmin(actor, 'latchkey:users:write');
    const email = normalizeEmail(input.email);
    if (email === null) throw new AppError('VALIDATION_FAILED', INVALID_EMAIL_MESSAGE, { field: 'email' });
    if (input.password !== undefined && !isAcceptablePassword(input.password)) throw new AppError('WEAK_PASSWORD');
    const roleIds = await this.checkRoles(actor.tenantId, input.roleIds ?? []);
    const oneTimePassword = input.password === undefined ? generatePassword() : null;
    const now = this.clock.now();
    const role = input.role ?? 'member';
    const user: User = {
      id: generateId('user'),
      tenantId: actor.tenantId,
      email,
      name: input.name !== undefined && input.name.trim() !== '' ? checkedName(input.name, 'A user name') : email.split('@')[0]!,
      role,
      programmaticAccess: input.programmaticAccess ?? role === 'admin',
      status: 'active',
      mustChangePassword: oneTimePassword !== null,
      createdAt: now,
      updatedAt: now,
    };
    const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
    try {
      await this.store.transaction(async (tx) => {
        await tx.users.insert(user, passwordHash);
        await tx.users.setRoles(actor.tenantId, user.id, roleIds);
        await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: user.id, details: { email, role, programmaticAccess: user.programmaticAccess } }, tx);
      });
    } catch (error) {
      if (this.store.dialect.isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN');
      throw error;
    }
    return { user: { ...user, roleIds, groupIds: [], totpEnabled: false }, oneTimePassword };
  }

  /** `q` narrows the list to users whose email or name contains it (any case). */
  async list(actor: Actor, query: { cursor?: string; limit: number; q?: string }): Promise<Page<UserView>> {
    requireAdmin(actor, 'latchkey:users:read');
    const cursor = parseCursor(query.cursor);
    const page = await this.store.users.list(actor.tenantId, { cursor, limit: query.limit, q: query.q?.trim() });
    return { items: await this.views(page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, userId: string): Promise<UserView> {
    if (actor.user.id !== userId) requireAdmin(actor, 'latchkey:users:read');
    const user = await this.store.users.find(actor.tenantId, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    return (await this.views([user]))[0]!;
  }

  update(actor: Actor, userId: string, patch: UserUpdate): Promise<UserView> {
    return this.audit.refusable(actor, { action: 'user.update', targetType: 'user', targetId: userId }, () => this.updateUser(actor, userId, patch));
  }

  private async updateUser(actor: Actor, userId: string, patch: UserUpdate): Promise<UserView> {
    requireAdmin(actor, 'latchkey:users:write');
    const user = await this.store.users.find(actor.tenantId, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    if (patch.email !== undefined) {
      const email = normalizeEmail(patch.email);
      if (email === null) throw new AppError('VALIDATION_FAILED', INVALID_EMAIL_MESSAGE, { field: 'email' });
      patch = { ...patch, email };
    }
    if (patch.name !== undefined) patch = { ...patch, name: checkedName(patch.name, 'A user name') };
    const losesAdmin = user.role === 'admin' && user.status === 'active' && (patch.role === 'member' || patch.status === 'disabled');
    const roleIds = patch.roleIds === undefined ? undefined : await this.checkRoles(actor.tenantId, patch.roleIds);
    const rolesChanged = roleIds !== undefined && !sameSet(roleIds, await this.store.users.roleIds(userId));
    const now = this.clock.now();
    try {
      await this.store.transaction(async (tx) => {
        if (losesAdmin) {
          await tx.users.lockActiveAdmins(actor.tenantId);
          if ((await tx.users.countActiveAdmins(actor.tenantId)) <= 1) throw new AppError('LAST_ADMIN');
        }
        // The user's keys fail from the next request after a change that matters to them (the
        // repository records it, and only then: a new name or email leaves cached keys alone).
        await tx.users.update(actor.tenantId, userId, patch, now);
        if (roleIds !== undefined) await tx.users.setRoles(actor.tenantId, userId, roleIds);
        // A disabled user's sessions end now.
        if (patch.status === 'disabled') await tx.sessions.deleteForUser(userId);
        if (rolesChanged) await this.notifications.notify(tx, actor.tenantId, [userId], userRolesChanged({ kind: 'roles' }, actor.user), { skip: actor.user.id });
        const emailChange = patch.email !== undefined && patch.email !== user.email ? { previousEmail: user.email } : {};
        await this.audit.record(actor, { action: 'user.update', targetType: 'user', targetId: userId, details: { ...patch, ...emailChange } }, tx);
      });
    } catch (error) {
      if (patch.email !== undefined && this.store.dialect.isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN');
      throw error;
    }
    return this.get(actor, userId);
  }

  /**
   * An admin resets a member's password (a forgotten one): a fresh one-time password, answered
   * once and stored only as its hash; the user must change it at next sign-in, and every session
   * of theirs ends now. Admins change their own password with the current one instead.
   */
  resetPassword(actor: Actor, userId: string): Promise<{ user: UserView; oneTimePassword: string }> {
    return this.audit.refusable(actor, { action: 'user.password.reset', targetType: 'user', targetId: userId }, () => this.resetPasswordOf(actor, userId));
  }

  private async resetPasswordOf(actor: Actor, userId: string): Promise<{ user: UserView; oneTimePassword: string }> {
    requireAdmin(actor, 'latchkey:users:write');
    const user = await this.store.users.find(actor.tenantId, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user.');
    if (user.id === actor.user.id) throw new AppError('FORBIDDEN', 'Change your own password under Personal Settings → Security, with the current one.');
    const oneTimePassword = generatePassword();
    const passwordHash = await hashPassword(oneTimePassword);
    await this.store.transaction(async (tx) => {
      await tx.users.update(actor.tenantId, userId, { passwordHash, mustChangePassword: true }, this.clock.now());
      await tx.sessions.deleteForUser(userId);
      await this.audit.record(actor, { action: 'user.password.reset', targetType: 'user', targetId: userId }, tx);
    });
    return { user: await this.get(actor, userId), oneTimePassword };
  }

  /** A user of the tenant by ID, any status (null when there is none): for whoever authenticates a session or key. */
  findById(tenantId: string, userId: string): Promise<User | null> {
    return this.store.users.find(tenantId, userId);
  }

  /** A user of the tenant by sign-in email, any status; for the CLI, which acts as a named admin. */
  async findByEmail(tenantId: string, email: string): Promise<User | null> {
    return (await this.store.users.findByEmailWithHash(tenantId, email.trim()))?.user ?? null;
  }

  /** The tenant's longest-standing active admin: who the CLI acts as when not told. */
  oldestActiveAdmin(tenantId: string): Promise<User | null> {
    return this.store.users.oldestActiveAdmin(tenantId);
  }

  private checkRoles(tenantId: string, roleIds: string[]): Promise<string[]> {
    return requireKnown('role', roleIds, (unique) => this.store.roles.existing(tenantId, unique));
  }

  /** Roles, groups and authenticator of each user, a fixed number of queries however long the page. */
  private async views(users: User[]): Promise<UserView[]> {
    const ids = users.map((u) => u.id);
    const [roleIds, groupIds, withTotp] = await Promise.all([this.store.users.roleIdsOf(ids), this.store.users.groupIdsOf(ids), this.totp.enabledAmong(ids)]);
    return users.map((user) => ({ ...user, roleIds: roleIds.get(user.id)!, groupIds: groupIds.get(user.id)!, totpEnabled: withTotp.has(user.id) }));
  }
}
