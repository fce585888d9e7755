import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { AppError } from '../core/errors.js';
import type { KeyState } from '../core/key-state.js';
import type { KeyType } from '../core/model.js';
import type { ExpiryInput } from '../core/policy.js';
import type { ImportRefusal } from '../core/key-import.js';
import type { ImportItem, ImportResult } from '../services/key-import-service.js';
import { MAX_OVERLAP_SECONDS, type IssuedKey } from '../services/keys-service.js';
import { accessKeyView, accessRecordView, issuedKeyView, keyPermissionsView, pageView, storedCreditsView, type AccessKeyJson } from '../views/views.js';
import {
  accessKeyIdArgument,
  adminCommand,
  collect,
  oneOf,
  pagingOf,
  positiveInt,
  resolveUserId,
  signedInt,
  wholeNumber,
  withPaging,
  type AdminActions,
  type AdminContext,
  type AdminOptions,
  type PagingOptions,
} from './admin-command.js';
import { details, list, more, table, when } from './render.js';
import { creditsArg, usageInputOf, usageLines, withUsageOptions, type UsageOptions } from './usage-options.js';

/** The lines of an import file (blank lines skipped, numbered as in the file); a file that cannot be read is one clear error. */
async function importItems(file: string): Promise<ImportItem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError('BAD_REQUEST', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Nothing was imported.`);
  }
  return text.split(/\r?\n/).flatMap((line, i): ImportItem[] => {
    if (line.trim() === '') return [];
    try {
      return [{ line: i + 1, value: JSON.parse(line) as unknown }];
    } catch (error) {
      return [{ line: i + 1, notJson: (error as Error).message }];
    }
  });
}

interface ExpiryOptions {
  days?: number;
  expiresAt?: string;
  never?: boolean;
}

/** --days, --expires-at and --never: at most one, as the API's expiresInDays, expiresAt, neverExpires. */
function withExpiry(command: Command, what: string): Command {
  return command
    .addOption(new Option('--days <n>', `${what} expires this many days from now`).argParser(positiveInt).conflicts(['expiresAt', 'never']))
    .addOption(new Option('--expires-at <date-time>', `${what} expires at this ISO 8601 date-time with zone, e.g. 2027-01-31T00:00:00Z`).conflicts('never'))
    .addOption(new Option('--never', `${what} never expires (if the tenant policy allows it)`));
}

function expiryOf(o: ExpiryOptions): ExpiryInput {
  return {
    ...(o.days !== undefined && { expiresInDays: o.days }),
    ...(o.expiresAt !== undefined && { expiresAt: o.expiresAt }),
    ...(o.never && { neverExpires: true }),
  };
}

function expiry(k: AccessKeyJson): string {
  if (k.expiresAt === null) return 'never';
  return k.expired ? `${when(k.expiresAt)} (expired)` : when(k.expiresAt);
}

function describe(k: AccessKeyJson): string {
  return details([
    ['access key id', k.accessKeyId],
    ['name', k.name],
    ['type', k.verifier ? `${k.type} (verifier)` : k.type],
    ['state', k.state],
    ['owner', k.ownerId],
    ['creator', k.creatorId],
    ['created', when(k.createdAt)],
    ['expires', expiry(k)],
    ['last used', when(k.lastUsedAt, 'never')],
    ...(k.lastUsedIp !== null ? [['last used from', k.lastUsedIp] as [string, string]] : []),
    ...(k.previousSecretExpiresAt !== null ? [['previous secret works until', when(k.previousSecretExpiresAt)] as [string, string]] : []),
    ...(k.deletedAt !== null ? [['deleted', when(k.deletedAt)] as [string, string]] : []),
    ['roles', list(k.roleIds)],
    ['groups', list(k.groupIds)],
    ...usageLines(k),
  ]);
}

/** The create and rotate answer: the same fields as the HTTP API's, secret included, this once. */
function issuedJson(cx: AdminContext<AdminOptions>, issued: IssuedKey) {
  return issuedKeyView(issued, cx.services.clock.now());
}

function secretBlock(issued: ReturnType<typeof issuedJson>): string {
  return [
    'The secret is shown only now and can never be shown again: store it somewhere safe.',
    details([
      ['access key id', issued.accessKeyId],
      ['secret', issued.secret],
      ['bearer token', issued.token],
      ['copy text', issued.copyText],
    ]),
  ].join('\n');
}

/** Emails for the owners of a page of keys, so a person reading the table knows who holds what. */
async function ownerEmails(cx: AdminContext<AdminOptions>, keys: AccessKeyJson[]): Promise<Map<string, string>> {
  const ids = [...new Set(keys.map((k) => k.ownerId))];
  const users = await Promise.all(ids.map((id) => cx.services.users.findById(cx.actor.tenantId, id)));
  return new Map(users.flatMap((u) => (u ? [[u.id, u.email] as [string, string]] : [])));
}

function stateAction(act: AdminActions, action: 'enable' | 'disable' | 'delete', said: string) {
  return act.change(async (cx, accessKeyId) => {
    const key = accessKeyView(await cx.services.keys[action](cx.actor, accessKeyId!), cx.services.clock.now());
    cx.print(key, () => `Access key ${key.accessKeyId} ${said} (state: ${key.state}).`);
  });
}

type ListOptions = AdminOptions & PagingOptions & { user?: string; state?: KeyState; type?: KeyType; expiringWithinDays?: number; externalId?: string };
type CreateOptions = AdminOptions & ExpiryOptions & UsageOptions & { name?: string; type?: KeyType; user?: string; role?: string[]; group?: string[]; verifier?: boolean; leakReporter?: boolean };
type UpdateOptions = AdminOptions & ExpiryOptions & UsageOptions & { name?: string; role?: string[]; group?: string[]; roles?: boolean; groups?: boolean };

export function keyCommands(program: Command, act: AdminActions): void {
  const keys = program
    .command('keys')
    .description('Access keys: list, create, rotate, replace, end an overlap, disable, enable, delete, see permissions and access records')
    .addHelpText(
      'after',
      '\nKeys are named by their access key ID (LK…). Every command takes --tenant and acts as an administrator of it.\nOnly `keys create`, `keys rotate` and `keys replace` ever print a secret.',
    );

  withPaging(adminCommand(keys, 'list', 'List access keys, newest first'))
    .option('--user <user>', "only this user's keys (ID or email)")
    .option('--state <state>', 'only keys in this state: enabled, disabled or deleted', oneOf<KeyState>('enabled', 'disabled', 'deleted'))
    .option('--type <type>', 'only keys of this type: access or api', oneOf<KeyType>('access', 'api'))
    .option('--expiring-within-days <n>', 'only keys that expire within this many days', positiveInt)
    .option('--external-id <id>', 'only the keys of this identity')
    .action(
      act.read<ListOptions>(async (cx) => {
        const o = cx.opts;
        const page = await cx.services.keys.list(cx.actor, {
          ...(o.user !== undefined && { userId: await resolveUserId(cx, o.user) }),
          ...(o.state !== undefined && { state: o.state }),
          ...(o.type !== undefined && { type: o.type }),
          ...(o.expiringWithinDays !== undefined && { expiringWithinDays: o.expiringWithinDays }),
          ...(o.externalId !== undefined && { externalId: o.externalId }),
          ...pagingOf(o),
        });
        const now = cx.services.clock.now();
        const { items, nextCursor } = pageView(page, (k) => accessKeyView(k, now));
        const emails = cx.json ? new Map<string, string>() : await ownerEmails(cx, items);
        cx.print(
          { items, nextCursor },
          () =>
            table(
              ['ACCESS KEY ID', 'NAME', 'TYPE', 'STATE', 'OWNER', 'EXPIRES', 'LAST USED'],
              items.map((k) => [k.accessKeyId, k.name, k.verifier ? 'verifier' : k.type, k.state, emails.get(k.ownerId) ?? k.ownerId, expiry(k), when(k.lastUsedAt, 'never')]),
            ) + more(nextCursor),
        );
      }),
    );

  withUsageOptions(withExpiry(adminCommand(keys, 'create', 'Create an access key; prints its secret, bearer token and copy text once'), 'the key'), false)
    .option('--name <name>', 'a label for the key (default: key-<date>-<time>)')
    .option('--type <type>', 'api (for your own APIs, default) or access (may call the Latchkey API as its owner)', oneOf<KeyType>('access', 'api'))
    .option('--user <user>', 'create the key for this user (ID or email) instead of the acting administrator')
    .option('--role <roleId>', 'narrow the key to this tenant role (repeatable, or comma-separated)', collect)
    .option('--group <groupId>', "narrow the key to this group's roles (repeatable, or comma-separated)", collect)
    .addOption(
      new Option('--verifier', "a verifier key: may only ask /v1/verify and /v1/authorize about this tenant's keys (the tenant's Verifier role, made on first use)").conflicts([
        'type',
        'role',
        'group',
      ]),
    )
    .addOption(
      new Option('--leak-reporter', "a leak reporter key: may only report found tokens to POST /v1/leaks (the tenant's Leak reporter role, made on first use)").conflicts([
        'verifier',
        'type',
        'role',
        'group',
      ]),
    )
    .action(
      act.change<CreateOptions>(async (cx) => {
        const o = cx.opts;
        const issued = issuedJson(
          cx,
          await cx.services.keys.create(cx.actor, {
            ...(o.name !== undefined && { name: o.name }),
            ...(o.type !== undefined && { type: o.type }),
            ...(o.user !== undefined && { userId: await resolveUserId(cx, o.user) }),
            ...(o.role !== undefined && { roleIds: o.role }),
            ...(o.group !== undefined && { groupIds: o.group }),
            ...(o.verifier === true && { verifier: true }),
            ...(o.leakReporter === true && { leakReporter: true }),
            ...expiryOf(o),
            ...usageInputOf(o),
          }),
        );
        const owner = cx.json ? undefined : (await ownerEmails(cx, [issued])).get(issued.ownerId);
        cx.print(issued, () =>
          [`Created ${issued.verifier ? 'verifier' : issued.type} key "${issued.name}" for ${owner ?? issued.ownerId}; it expires ${expiry(issued)}.`, '', secretBlock(issued)].join('\n'),
        );
      }),
    );

  adminCommand(keys, 'get', 'Show one access key (never its secret)')
    .addArgument(accessKeyIdArgument())
    .action(
      act.read(async (cx, accessKeyId) => {
        const key = accessKeyView(await cx.services.keys.get(cx.actor, accessKeyId!), cx.services.clock.now());
        cx.print(key, () => describe(key));
      }),
    );

  withUsageOptions(withExpiry(adminCommand(keys, 'update', 'Rename a key, change its expiry, its roles and groups, or its usage controls').addArgument(accessKeyIdArgument()), 'the key'), true)
    .option('--name <name>', 'new name')
    .option('--role <roleId>', 'the roles that narrow the key, replacing the current ones (repeatable, or comma-separated)', collect)
    .option('--no-roles', 'remove every role from the key')
    .option('--group <groupId>', 'the groups that narrow the key, replacing the current ones (repeatable, or comma-separated)', collect)
    .option('--no-groups', 'remove every group from the key')
    .action(
      act.change<UpdateOptions>(async (cx, accessKeyId) => {
        const o = cx.opts;
        const input = {
          ...(o.name !== undefined && { name: o.name }),
          ...(o.role !== undefined && { roleIds: o.role }),
          ...(o.roles === false && { roleIds: [] }),
          ...(o.group !== undefined && { groupIds: o.group }),
          ...(o.groups === false && { groupIds: [] }),
          ...expiryOf(o),
          ...usageInputOf(o),
        };
        if (Object.keys(input).length === 0) {
          throw new AppError(
            'BAD_REQUEST',
            'Nothing to change: give --name, --days, --expires-at, --never, --role, --no-roles, --group, --no-groups, or a usage control (--ratelimit, --credits, --ip-allow, --meta, --external-id, or their --no- forms).',
          );
        }
        const key = accessKeyView(await cx.services.keys.update(cx.actor, accessKeyId!, input), cx.services.clock.now());
        cx.print(key, () => describe(key));
      }),
    );

  adminCommand(keys, 'rename', 'Give a key a new name (a label only)')
    .addArgument(accessKeyIdArgument())
    .argument('<name>', 'the new name')
    .action(
      act.change(async (cx, accessKeyId, name) => {
        const key = accessKeyView(await cx.services.keys.update(cx.actor, accessKeyId!, { name: name! }), cx.services.clock.now());
        cx.print(key, () => `Access key ${key.accessKeyId} is now named "${key.name}".`);
      }),
    );

  adminCommand(keys, 'disable', 'Disable a key: every request that uses it fails from now on')
    .addArgument(accessKeyIdArgument())
    .action(stateAction(act, 'disable', 'is disabled'));
  adminCommand(keys, 'enable', 'Enable a disabled key')
    .addArgument(accessKeyIdArgument())
    .action(stateAction(act, 'enable', 'is enabled'));
  adminCommand(keys, 'delete', 'Delete a key for good (by default the key must be disabled first)')
    .addArgument(accessKeyIdArgument())
    .action(stateAction(act, 'delete', 'is deleted'));

  adminCommand(keys, 'rotate', 'Give a key a new secret, printed once; the old one stops now or after the overlap')
    .addArgument(accessKeyIdArgument())
    .option('--overlap-seconds <n>', `keep the old secret working this long (0–${MAX_OVERLAP_SECONDS}, default 0)`, wholeNumber)
    .action(
      act.change<AdminOptions & { overlapSeconds?: number }>(async (cx, accessKeyId) => {
        const issued = issuedJson(cx, await cx.services.keys.rotate(cx.actor, accessKeyId!, cx.opts.overlapSeconds ?? 0));
        cx.print(issued, () =>
          [
            `Rotated access key ${issued.accessKeyId}. ${issued.previousSecretExpiresAt === null ? 'The old secret has stopped working.' : `The old secret works until ${when(issued.previousSecretExpiresAt)}.`}`,
            '',
            secretBlock(issued),
          ].join('\n'),
        );
      }),
    );

  adminCommand(keys, 'replace', 'Regenerate: a new key (new ID, secret printed once) with the same owner, name, roles, expiry and controls; the old key is disabled')
    .addArgument(accessKeyIdArgument())
    .action(
      act.change(async (cx, accessKeyId) => {
        const replaced = await cx.services.keys.replace(cx.actor, accessKeyId!);
        const issued = { ...issuedJson(cx, replaced), replacedKeyId: replaced.replacedKeyId };
        cx.print(issued, () => [`Replaced access key ${replaced.replacedKeyId} with ${issued.accessKeyId}; ${replaced.replacedKeyId} is now disabled.`, '', secretBlock(issued)].join('\n'));
      }),
    );

  adminCommand(keys, 'end-overlap', "End a rotation's overlap now: the old secret stops working at once")
    .addArgument(accessKeyIdArgument())
    .action(
      act.change(async (cx, accessKeyId) => {
        const key = accessKeyView(await cx.services.keys.endOverlap(cx.actor, accessKeyId!), cx.services.clock.now());
        cx.print(key, () => `Ended the overlap of access key ${key.accessKeyId}: its old secret has stopped working.`);
      }),
    );

  adminCommand(keys, 'credits', "Add to (--add, may be negative: stops at zero) or set (--set) a key's credits, in one atomic write")
    .addArgument(accessKeyIdArgument())
    .addOption(new Option('--add <n>', 'credits to add (negative: take away)').argParser(signedInt).conflicts('set'))
    .addOption(new Option('--set <n>', 'credits left from now on').argParser(creditsArg))
    .action(
      act.change<AdminOptions & { add?: number; set?: number }>(async (cx, accessKeyId) => {
        const o = cx.opts;
        if (o.add === undefined && o.set === undefined) throw new AppError('BAD_REQUEST', 'Give --add N or --set N.');
        const credits = storedCreditsView(await cx.services.usageControls.changeKeyCredits(cx.actor, accessKeyId!, o.add !== undefined ? { add: o.add } : { set: o.set }));
        cx.print(credits, () => `Access key ${accessKeyId} has ${credits.remaining} credits left.`);
      }),
    );

  adminCommand(keys, 'import', 'Import keys from another system, all or nothing: a JSON-lines file, one key per line (see the README)')
    .argument('<file>', 'the .jsonl file: {owner, name, state, expiresAt, createdAt?, lastUsedAt?, secret, accessKeyId?} per line')
    .action(
      act.change(async (cx, file) => {
        const items = await importItems(file!);
        let result: ImportResult;
        try {
          result = await cx.services.keyImport.importKeys(cx.actor, items);
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'IMPORT_REFUSED') throw error;
          const refused = (error.details?.refused ?? []) as ImportRefusal[];
          const lines = refused.map((r) => `line ${r.line}${r.field === null ? '' : ` (${r.field})`}: ${r.reason}`).join('; ');
          throw new AppError('IMPORT_REFUSED', `${error.message} ${lines}`, error.details);
        }
        cx.print(result, () =>
          [
            `Imported ${result.imported} access key${result.imported === 1 ? '' : 's'} from ${file}.`,
            table(
              ['line', 'access key id', 'name', 'owner', 'state', 'verifies'],
              result.keys.map((k) => [String(k.line), k.accessKeyId, k.name, k.ownerId, k.state, [k.bearer && 'bearer', k.signed && 'signed'].filter(Boolean).join(', ')]),
            ),
          ].join('\n'),
        );
      }),
    );

  adminCommand(keys, 'permissions', "Show a key's effective permissions (never more than its owner holds)")
    .addArgument(accessKeyIdArgument())
    .action(
      act.read(async (cx, accessKeyId) => {
        const view = keyPermissionsView(await cx.services.keys.permissions(cx.actor, accessKeyId!));
        cx.print(view, () =>
          details([
            ['effective', list(view.permissions)],
            ['owner holds', list(view.ownerPermissions)],
            ['key grants', view.keyGrants === null ? "(no roles of its own: acts with its owner's permissions)" : list(view.keyGrants)],
          ]),
        );
      }),
    );

  withPaging(adminCommand(keys, 'access-records', 'Verification attempts that named this key, newest first').addArgument(accessKeyIdArgument()))
    .option('--outcome <outcome>', 'only success or failure', oneOf('success', 'failure'))
    .action(
      act.read<AdminOptions & PagingOptions & { outcome?: 'success' | 'failure' }>(async (cx, accessKeyId) => {
        const page = await cx.services.keys.accessRecords(cx.actor, accessKeyId!, {
          ...pagingOf(cx.opts),
          ...(cx.opts.outcome !== undefined && { outcome: cx.opts.outcome }),
        });
        const { items, nextCursor } = pageView(page, accessRecordView);
        cx.print(
          { items, nextCursor },
          () =>
            table(
              ['AT', 'OUTCOME', 'CODE', 'SCHEME', 'SOURCE IP', 'PERMISSION', 'USER AGENT'],
              items.map((r) => [when(r.at), r.outcome, r.code ?? '-', r.scheme, r.sourceIp ?? '-', r.permission ?? '-', r.userAgent ?? '-']),
            ) + more(nextCursor),
        );
      }),
    );
}
