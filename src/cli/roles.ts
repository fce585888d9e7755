import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { groupView, pageView, roleView, type GroupJson, type RoleJson } from '../views/views.js';
import { adminCommand, collect, pagingOf, resolveUserId, withPaging, type AdminActions, type AdminContext, type AdminOptions, type PagingOptions } from './admin-command.js';
import { details, list, more, table, when } from './render.js';

const describeRole = (r: RoleJson) =>
  details([
    ['id', r.id],
    ['name', r.name],
    ['description', r.description || '-'],
    ['permissions', list(r.permissions)],
    ['created', when(r.createdAt)],
    ['updated', when(r.updatedAt)],
  ]);

const describeGroup = (g: GroupJson) =>
  details([
    ['id', g.id],
    ['name', g.name],
    ['description', g.description || '-'],
    ['roles', list(g.roleIds)],
    ['users', list(g.userIds)],
    ['created', when(g.createdAt)],
    ['updated', when(g.updatedAt)],
  ]);

function nothingToChange(patch: object, flags: string): void {
  if (Object.keys(patch).length === 0) throw new AppError('BAD_REQUEST', `Nothing to change: give ${flags}.`);
}

async function userIds(cx: AdminContext<AdminOptions>, refs: string[]): Promise<string[]> {
  return Promise.all(refs.map((ref) => resolveUserId(cx, ref)));
}

type RoleOptions = AdminOptions & { name?: string; description?: string; permission?: string[] };
type GroupOptions = AdminOptions & { name?: string; description?: string; role?: string[]; user?: string[] };

export function roleCommands(program: Command, act: AdminActions): void {
  const roles = program.command('roles').description('Roles: named sets of permission strings (storage:read, billing:*) given to users, groups and keys');

  withPaging(adminCommand(roles, 'list', 'List the roles of the tenant')).action(
    act.read<AdminOptions & PagingOptions>(async (cx) => {
      const page = await cx.services.roles.listRoles(cx.actor, pagingOf(cx.opts));
      const { items, nextCursor } = pageView(page, roleView);
      cx.print(
        { items, nextCursor },
        () =>
          table(
            ['ID', 'NAME', 'PERMISSIONS'],
            items.map((r) => [r.id, r.name, list(r.permissions)]),
          ) + more(nextCursor),
      );
    }),
  );

  adminCommand(roles, 'create', 'Create a role')
    .requiredOption('--name <name>', 'role name, unique in the tenant')
    .requiredOption('--permission <permission>', 'a permission such as storage:read or billing:* (repeatable, or comma-separated)', collect)
    .option('--description <text>', 'what the role is for')
    .action(
      act.change<RoleOptions>(async (cx) => {
        const o = cx.opts;
        const role = roleView(
          await cx.services.roles.createRole(cx.actor, { name: o.name!, permissions: o.permission ?? [], ...(o.description !== undefined && { description: o.description }) }),
        );
        cx.print(role, () => `Created role ${role.name} (${role.id}).\n${describeRole(role)}`);
      }),
    );

  adminCommand(roles, 'get <roleId>', 'Show one role').action(
    act.read(async (cx, roleId) => {
      const role = roleView(await cx.services.roles.getRole(cx.actor, roleId!));
      cx.print(role, () => describeRole(role));
    }),
  );

  adminCommand(roles, 'update <roleId>', 'Change a role; keys and users holding it change at once')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .option('--permission <permission>', 'the permissions, replacing the current ones (repeatable, or comma-separated)', collect)
    .action(
      act.change<RoleOptions>(async (cx, roleId) => {
        const o = cx.opts;
        const patch = {
          ...(o.name !== undefined && { name: o.name }),
          ...(o.description !== undefined && { description: o.description }),
          ...(o.permission !== undefined && { permissions: o.permission }),
        };
        nothingToChange(patch, '--name, --description or --permission');
        const role = roleView(await cx.services.roles.updateRole(cx.actor, roleId!, patch));
        cx.print(role, () => describeRole(role));
      }),
    );

  adminCommand(roles, 'delete <roleId>', 'Delete a role (users, groups and keys lose it)').action(
    act.change(async (cx, roleId) => {
      await cx.services.roles.deleteRole(cx.actor, roleId!);
      cx.print({ id: roleId, deleted: true }, () => `Deleted role ${roleId}.`);
    }),
  );

  const groups = program.command('groups').description('Groups: sets of users that carry roles');

  withPaging(adminCommand(groups, 'list', 'List the groups of the tenant')).action(
    act.read<AdminOptions & PagingOptions>(async (cx) => {
      const page = await cx.services.roles.listGroups(cx.actor, pagingOf(cx.opts));
      const { items, nextCursor } = pageView(page, groupView);
      cx.print(
        { items, nextCursor },
        () =>
          table(
            ['ID', 'NAME', 'ROLES', 'USERS'],
            items.map((g) => [g.id, g.name, list(g.roleIds), String(g.userIds.length)]),
          ) + more(nextCursor),
      );
    }),
  );

  adminCommand(groups, 'create', 'Create a group')
    .requiredOption('--name <name>', 'group name, unique in the tenant')
    .option('--description <text>', 'what the group is for')
    .option('--role <roleId>', 'a role the group carries (repeatable, or comma-separated)', collect)
    .option('--user <user>', 'a member of the group, by ID or email (repeatable, or comma-separated)', collect)
    .action(
      act.change<GroupOptions>(async (cx) => {
        const o = cx.opts;
        const group = groupView(
          await cx.services.roles.createGroup(cx.actor, {
            name: o.name!,
            ...(o.description !== undefined && { description: o.description }),
            ...(o.role !== undefined && { roleIds: o.role }),
            ...(o.user !== undefined && { userIds: await userIds(cx, o.user) }),
          }),
        );
        cx.print(group, () => `Created group ${group.name} (${group.id}).\n${describeGroup(group)}`);
      }),
    );

  adminCommand(groups, 'get <groupId>', 'Show one group').action(
    act.read(async (cx, groupId) => {
      const group = groupView(await cx.services.roles.getGroup(cx.actor, groupId!));
      cx.print(group, () => describeGroup(group));
    }),
  );

  adminCommand(groups, 'update <groupId>', 'Change a group; its members and keys change at once')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .option('--role <roleId>', 'the roles, replacing the current ones (repeatable, or comma-separated)', collect)
    .option('--user <user>', 'the members, replacing the current ones (repeatable, or comma-separated)', collect)
    .action(
      act.change<GroupOptions>(async (cx, groupId) => {
        const o = cx.opts;
        const patch = {
          ...(o.name !== undefined && { name: o.name }),
          ...(o.description !== undefined && { description: o.description }),
          ...(o.role !== undefined && { roleIds: o.role }),
          ...(o.user !== undefined && { userIds: await userIds(cx, o.user) }),
        };
        nothingToChange(patch, '--name, --description, --role or --user');
        const group = groupView(await cx.services.roles.updateGroup(cx.actor, groupId!, patch));
        cx.print(group, () => describeGroup(group));
      }),
    );

  adminCommand(groups, 'delete <groupId>', 'Delete a group (its members and keys lose its roles)').action(
    act.change(async (cx, groupId) => {
      await cx.services.roles.deleteGroup(cx.actor, groupId!);
      cx.print({ id: groupId, deleted: true }, () => `Deleted group ${groupId}.`);
    }),
  );
}
