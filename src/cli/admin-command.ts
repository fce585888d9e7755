/**
 * The frame every everyday admin command shares: --tenant, --as and --json, one runtime for the
 * command's lifetime, and an actor that is a named administrator (so audit events name a person).
 */
import { Argument, type Command, InvalidArgumentError } from 'commander';
import { MAX_PAGE_SIZE } from '../core/cursor.js';
import { AppError } from '../core/errors.js';
import { isAccessKeyId, objectIdPattern } from '../core/key-format.js';
import type { Runtime } from '../main.js';
import type { Actor } from '../services/actor.js';
import type { Services } from '../services/services.js';
import { cliActor, print, type CliIo, type RuntimeSource } from './context.js';

/** What every command of one program works with. */
export interface Cli {
  runtime: RuntimeSource;
  io: CliIo;
}

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
  io: CliIo;
  /** The command's answer on standard output: `value` as JSON with --json, else the human text. */
  print(value: unknown, human: () => string): void;
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

type AdminBody<O extends AdminOptions> = (cx: AdminContext<O>, ...args: string[]) => Promise<void>;

/**
 * Command bodies, positional arguments first, then the context. `read` is for commands that only
 * look; `change` is for those that change something, and first says on standard error which
 * administrator the change is made (and audited) as. Standard output stays the answer alone.
 */
export function adminActions(cli: Cli) {
  const wrap =
    <O extends AdminOptions>(changes: boolean, run: AdminBody<O>) =>
    async (...all: unknown[]): Promise<void> => {
      const command = all[all.length - 1] as Command;
      const opts = command.opts<O>();
      const args = all.slice(0, -2) as string[];
      const json = opts.json === true;
      await cli.runtime.use(async (runtime) => {
        const actor = await cliActor(runtime, opts.tenant, opts.as);
        if (changes) cli.io.err(actingLine(actor));
        const cx: AdminContext<O> = { runtime, services: runtime.services, actor, opts, json, io: cli.io, print: (value, human) => print(cli.io, json, value, human) };
        await run(cx, ...args);
      });
    };
  return {
    read: <O extends AdminOptions = AdminOptions>(run: AdminBody<O>) => wrap(false, run),
    change: <O extends AdminOptions = AdminOptions>(run: AdminBody<O>) => wrap(true, run),
  };
}

export type AdminActions = ReturnType<typeof adminActions>;

/** The note a changing command leaves on standard error: who the audit log will name. */
export function actingLine(actor: Actor): string {
  return `acting as ${actor.user.email} (${actor.via})\n`;
}

const USER_ID_RE = new RegExp(objectIdPattern('user'));

/** Users are named on the command line by ID or by email. */
export async function resolveUserId(cx: AdminContext<AdminOptions>, ref: string): Promise<string> {
  if (USER_ID_RE.test(ref)) return ref;
  if (!ref.includes('@')) throw new AppError('VALIDATION_FAILED', `"${ref}" is neither a user ID (usr_…) nor an email address.`);
  const found = await cx.services.users.findByEmail(cx.actor.tenantId, ref);
  if (!found) throw new AppError('NOT_FOUND', `No user "${ref}" in this tenant.`);
  return found.id;
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

/** A whole number that may be negative (not zero). */
export function signedInt(value: string): number {
  if (!/^-?\d{1,15}$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('must be a whole number other than 0 (negative takes away).');
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
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

export function withPaging(command: Command): Command {
  return command.option('--limit <n>', `page size, 1–${MAX_PAGE_SIZE} (default 20)`, pageSize).option('--cursor <cursor>', 'continue from the nextCursor of the previous page');
}

export interface PagingOptions {
  limit?: number;
  cursor?: string;
}

export function pagingOf(opts: PagingOptions): { cursor?: string; limit: number } {
  return { ...(opts.cursor !== undefined && { cursor: opts.cursor }), limit: opts.limit ?? 20 };
}
