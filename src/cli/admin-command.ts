/**
 * The frame every everyday admin command shares: --tenant, --as and --json, one runtime for the
 * command's lifetime, and an actor that is a named administrator (so audit events name a person).
 */
import { Argument, Command, InvalidArgumentError } from 'commander';
import { MAX_PAGE_SIZE } from '../core/cursor.js';
import { AppError } from '../core/errors.js';
import { isAccessKeyId, objectIdPattern } from '../core/key-format.js';
import type { Runtime } from '../main.js';
import type { Actor } from '../services/actor.js';
import type { Services } from '../services/services.js';
import { cliActor, withRuntime } from './context.js';

export interface AdminOptions {
  tenant: string;
  as?: string;
  json?: boolean;
}

export interface AdminContext<O extends AdminOptions> {
  runtime: Runtime;
  services: Services;
  actor: Actor;
  opts: O;
  json: boolean;
}

/** A subcommand that acts as an administrator of one tenant. */
export function adminCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .requiredOption('--tenant <tenant>', 'tenant ID or name')
    .option('--as <email>', 'act as this administrator (default: the oldest active administrator)')
    .option('--json', 'print machine-readable JSON');
}

/** Wraps a command body: positional arguments first, then the context. */
export function adminAction<O extends AdminOptions>(run: (cx: AdminContext<O>, ...args: string[]) => Promise<void>) {
  return async (...all: unknown[]): Promise<void> => {
    const command = all[all.length - 1] as Command;
    const opts = command.opts<O>();
    const args = all.slice(0, -2) as string[];
    await withRuntime(async (runtime) => {
      const actor = await cliActor(runtime, opts.tenant, opts.as);
      await run({ runtime, services: runtime.services, actor, opts, json: opts.json === true }, ...args);
    });
  };
}

const USER_ID_RE = new RegExp(objectIdPattern('user'));

/** Users are named on the command line by ID or by email. */
export async function resolveUserId(cx: AdminContext<AdminOptions>, ref: string): Promise<string> {
  if (USER_ID_RE.test(ref)) return ref;
  if (!ref.includes('@')) throw new AppError('VALIDATION_FAILED', `"${ref}" is neither a user ID (usr_…) nor an email address.`);
  const found = await cx.runtime.store.users.findByEmailWithHash(cx.actor.tenantId, ref.trim());
  if (!found) throw new AppError('NOT_FOUND', `No user "${ref}" in this tenant.`);
  return found.user.id;
}

/** The positional access key ID, checked before anything touches the database. */
export function accessKeyIdArgument(): Argument {
  return new Argument('<accessKeyId>', 'the access key ID (LK…)').argParser((value: string) => {
    if (!isAccessKeyId(value)) throw new InvalidArgumentError('not an access key ID (LK followed by 18 letters and digits).');
    return value;
  });
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return Number(value);
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number (0 or more).');
  return Number(value);
}

export function pageSize(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_PAGE_SIZE) throw new InvalidArgumentError(`must be from 1 to ${MAX_PAGE_SIZE}.`);
  return n;
}

export function oneOf<T extends string>(...allowed: T[]) {
  return (value: string): T => {
    if (!(allowed as string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}.`);
    return value as T;
  };
}

/** For repeatable options: `--role a --role b` and `--role a,b` both give [a, b]. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
}

export function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', `page size, 1–${MAX_PAGE_SIZE} (default 20)`, pageSize)
    .option('--cursor <cursor>', 'continue from the nextCursor of the previous page');
}

export interface PagingOptions {
  limit?: number;
  cursor?: string;
}

export function pagingOf(opts: PagingOptions): { cursor?: string; limit: number } {
  return { ...(opts.cursor !== undefined && { cursor: opts.cursor }), limit: opts.limit ?? 20 };
}
