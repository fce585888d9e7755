import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { parseIsoDate } from '../core/policy.js';
import { auditEventView, pageView } from '../views/views.js';
import { adminCommand, pagingOf, resolveUserId, withPaging, type AdminActions, type AdminOptions, type PagingOptions } from './admin-command.js';
import { more, table, when } from './render.js';

function dateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseIsoDate(value);
  if (!at) throw new AppError('VALIDATION_FAILED', `--${name} must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T00:00:00Z.`);
  return at;
}

type ListOptions = AdminOptions & PagingOptions & { actor?: string; action?: string; target?: string; from?: string; to?: string };

export function auditCommands(program: Command, act: AdminActions): void {
  const audit = program.command('audit').description('Audit events: every management action, who did it and when');

  withPaging(adminCommand(audit, 'list', 'List audit events, newest first'))
    .option('--actor <user>', 'only actions by this user (ID or email)')
    .option('--action <action>', 'only this action, e.g. access_key.disable')
    .option('--target <id>', 'only actions on this object (key ID, user ID, …)')
    .option('--from <date-time>', 'only events at or after this ISO 8601 date-time')
    .option('--to <date-time>', 'only events before this ISO 8601 date-time')
    .action(
      act.read<ListOptions>(async (cx) => {
        const o = cx.opts;
        const from = dateOption('from', o.from);
        const to = dateOption('to', o.to);
        const page = await cx.services.audit.list(cx.actor, {
          ...(o.actor !== undefined && { actorId: await resolveUserId(cx, o.actor) }),
          ...(o.action !== undefined && { action: o.action }),
          ...(o.target !== undefined && { targetId: o.target }),
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
          ...pagingOf(o),
        });
        const { items, nextCursor } = pageView(page, auditEventView);
        cx.print(
          { items, nextCursor },
          () =>
            table(
              ['AT', 'ACTOR', 'ACTION', 'TARGET', 'RESULT'],
              items.map((e) => [when(e.at), e.actorKeyId ? `${e.actorId ?? '-'} (key ${e.actorKeyId})` : (e.actorId ?? '-'), e.action, e.targetId ?? '-', e.result]),
            ) + more(nextCursor),
        );
      }),
    );
}
