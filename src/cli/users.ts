import { Argument, type Command } from 'commander';
import { AppError } from '../core/errors.js';
import type { UserRole } from '../core/model.js';
import type { UserUpdate } from '../services/users-service.js';
import { createdUserView, pageView, userView, type UserJson } from '../views/views.js';
import { adminCommand, collect, oneOf, pagingOf, resolveUserId, withPaging, type AdminActions, type AdminOptions, type PagingOptions } from './admin-command.js';
import { readPassword } from './context.js';
import { details, list, more, table, when } from './render.js';

type CreateOptions = AdminOptions & { email: string; name?: string; role?: UserRole; programmaticAccess?: boolean; tenantRole?: string[]; passwordStdin?: boolean };

function describe(u: UserJson): string {
  return details([
    ['id', u.id],
    ['email', u.email],
    ['name', u.name],
    ['role', u.role],
    ['status', u.status],
    ['programmatic access', u.programmaticAccess ? 'granted' : 'not granted'],
    ['must change password', u.mustChangePassword ? 'yes' : 'no'],
    ['roles', list(u.roleIds)],
    ['groups', list(u.groupIds)],
    ['created', when(u.createdAt)],
    ['updated', when(u.updatedAt)],
  ]);
}

/** One PATCH-like change, printed as the changed user. */
function updateAction(act: AdminActions, summary: (u: UserJson) => string, patch: (...args: string[]) => UserUpdate) {
  return act.change(async (cx, ref, ...rest) => {
    const userId = await resolveUserId(cx, ref!);
    const user = userView(await cx.services.users.update(cx.actor, userId, patch(...rest)));
    cx.print(user, () => summary(user));
  });
}

export function userCommands(program: Command, act: AdminActions): void {
  const users = program
    .command('users')
    .description('People of a tenant: list, create, change role, grant programmatic access, disable')
    .addHelpText('after', '\nUsers are named by ID (usr_…) or email. Every command takes --tenant and acts as an administrator of it.');

  withPaging(adminCommand(users, 'list', 'List the users of the tenant, newest first')).action(
    act.read<AdminOptions & PagingOptions>(async (cx) => {
      const page = await cx.services.users.list(cx.actor, pagingOf(cx.opts));
      const { items, nextCursor } = pageView(page, userView);
      cx.print(
        { items, nextCursor },
        () =>
          table(
            ['ID', 'EMAIL', 'ROLE', 'STATUS', 'PROGRAMMATIC', 'CREATED'],
            items.map((u) => [u.id, u.email, u.role, u.status, u.programmaticAccess ? 'yes' : 'no', when(u.createdAt)]),
          ) + more(nextCursor),
      );
    }),
  );

  adminCommand(users, 'create', 'Create a user; without --password-stdin a one-time password is printed once')
    .requiredOption('--email <email>', "the user's email (their sign-in name)")
    .option('--name <name>', 'display name')
    .option('--role <role>', 'admin or member (default member)', oneOf<UserRole>('admin', 'member'))
    .option('--programmatic-access', 'allow the user to hold access keys (admins always may)')
    .option('--tenant-role <roleId>', 'assign a tenant role (repeatable, or comma-separated)', collect)
    .option('--password-stdin', 'read the password from standard input')
    .action(
      act.change<CreateOptions>(async (cx) => {
        const o = cx.opts;
        const password = o.passwordStdin ? await readPassword(cx.io) : undefined;
        const result = await cx.services.users.create(cx.actor, {
          email: o.email,
          ...(o.name !== undefined && { name: o.name }),
          ...(o.role !== undefined && { role: o.role }),
          ...(o.programmaticAccess && { programmaticAccess: true }),
          ...(o.tenantRole !== undefined && { roleIds: o.tenantRole }),
          ...(password !== undefined && { password }),
        });
        const created = createdUserView(result);
        const { user, oneTimePassword } = created;
        cx.print(created, () =>
          [
            `Created ${user.role} ${user.email} (${user.id}).`,
            ...(oneTimePassword === null ? [] : ['', `One-time password: ${oneTimePassword}`, 'It is shown only now; the user must change it at first sign-in.']),
          ].join('\n'),
        );
      }),
    );

  adminCommand(users, 'get <user>', 'Show one user').action(
    act.read(async (cx, ref) => {
      const user = userView(await cx.services.users.get(cx.actor, await resolveUserId(cx, ref!)));
      cx.print(user, () => describe(user));
    }),
  );

  adminCommand(users, 'grant-access <user>', 'Grant programmatic access: the user may then hold access keys').action(
    updateAction(
      act,
      (u) => `${u.email} now has programmatic access.`,
      () => ({ programmaticAccess: true }),
    ),
  );

  adminCommand(users, 'revoke-access <user>', "Revoke programmatic access: a member's keys stop verifying at once and no new ones can be created").action(
    updateAction(
      act,
      (u) => `${u.email} no longer has programmatic access.`,
      () => ({ programmaticAccess: false }),
    ),
  );

  adminCommand(users, 'disable <user>', 'Disable a user: their sessions end and their keys stop verifying at once').action(
    updateAction(
      act,
      (u) => `${u.email} is disabled.`,
      () => ({ status: 'disabled' }),
    ),
  );

  adminCommand(users, 'enable <user>', 'Enable a disabled user').action(
    updateAction(
      act,
      (u) => `${u.email} is active.`,
      () => ({ status: 'active' }),
    ),
  );

  adminCommand(users, 'totp-reset <user>', "Remove a user's authenticator app (a lost phone): their sessions end; they set up a new one after signing in").action(
    act.change(async (cx, ref) => {
      const userId = await resolveUserId(cx, ref!);
      await cx.services.totp.reset(cx.actor, userId);
      const user = userView(await cx.services.users.get(cx.actor, userId));
      cx.print(user, () => `${user.email} has no authenticator app now; their sessions ended.`);
    }),
  );

  adminCommand(users, 'reset-password <user>', "Reset a user's forgotten password: a one-time password is printed once, their sessions end, they must change it at next sign-in").action(
    act.change(async (cx, ref) => {
      const result = await cx.services.users.resetPassword(cx.actor, await resolveUserId(cx, ref!));
      const created = createdUserView(result);
      cx.print(created, () =>
        [
          `The password of ${created.user.email} is reset; their sessions ended.`,
          '',
          `One-time password: ${result.oneTimePassword}`,
          'It is shown only now; the user must change it at next sign-in.',
        ].join('\n'),
      );
    }),
  );

  adminCommand(users, 'set-role <user>', 'Make a user an admin or a member')
    .addArgument(new Argument('<role>', 'admin or member').choices(['admin', 'member']))
    .action(
      updateAction(
        act,
        (u) => `${u.email} is now ${u.role === 'admin' ? 'an admin' : 'a member'}.`,
        (role) => ({ role: role as UserRole }),
      ),
    );

  adminCommand(users, 'update <user>', "Change a user's email, name or tenant roles")
    .option('--email <address>', 'new email address (the one they sign in with)')
    .option('--name <name>', 'new display name')
    .option('--tenant-role <roleId>', 'the tenant roles the user holds, replacing the current ones (repeatable, or comma-separated)', collect)
    .option('--no-tenant-roles', 'remove every tenant role from the user')
    .action(
      act.change<AdminOptions & { email?: string; name?: string; tenantRole?: string[]; tenantRoles?: boolean }>(async (cx, ref) => {
        const o = cx.opts;
        const patch: UserUpdate = {
          ...(o.email !== undefined && { email: o.email }),
          ...(o.name !== undefined && { name: o.name }),
          ...(o.tenantRole !== undefined && { roleIds: o.tenantRole }),
          ...(o.tenantRoles === false && { roleIds: [] }),
        };
        if (Object.keys(patch).length === 0) throw new AppError('BAD_REQUEST', 'Nothing to change: give --email, --name, --tenant-role or --no-tenant-roles.');
        const user = userView(await cx.services.users.update(cx.actor, await resolveUserId(cx, ref!), patch));
        cx.print(user, () => describe(user));
      }),
    );
}
