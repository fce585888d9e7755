import { type Command, Option } from 'commander';
import { AppError } from '../core/errors.js';
import { identityView, pageView, storedCreditsView } from '../views/views.js';
import { adminCommand, pagingOf, signedInt, withPaging, type AdminActions, type AdminOptions, type PagingOptions } from './admin-command.js';
import { details, more, table, when } from './render.js';
import { creditsArg, creditsText, ratelimitsText, usageInputOf, withUsageOptions, type UsageOptions } from './usage-options.js';

type IdentityJson = ReturnType<typeof identityView>;

const describe = (i: IdentityJson) =>
  details([
    ['external id', i.externalId],
    ['rate limits', ratelimitsText(i.ratelimits)],
    ['credits', creditsText(i.credits)],
    ['meta', i.meta === null ? '-' : JSON.stringify(i.meta)],
    ['created', when(i.createdAt)],
    ['updated', when(i.updatedAt)],
  ]);

/** `latchkey identities …`: the tenant's customers whose rate limits and credits their keys share. */
export function identityCommands(program: Command, act: AdminActions): void {
  const identities = program
    .command('identities')
    .description("Identities: the tenant's customers (by externalId), whose rate limits and credits every key with that externalId shares")
    .addHelpText('after', '\nA key joins an identity with `keys create|update --external-id ID`.');

  withPaging(adminCommand(identities, 'list', 'List identities, newest first'))
    .option('--search <text>', 'only identities whose external ID contains this text (any case)')
    .action(
      act.read<AdminOptions & PagingOptions & { search?: string }>(async (cx) => {
        const query = { ...pagingOf(cx.opts), ...(cx.opts.search !== undefined && { q: cx.opts.search }) };
        const { items, nextCursor } = pageView(await cx.services.usageControls.listIdentities(cx.actor, query), identityView);
        cx.print(
          { items, nextCursor },
          () =>
            table(
              ['EXTERNAL ID', 'RATE LIMITS', 'CREDITS', 'UPDATED'],
              items.map((i) => [i.externalId, ratelimitsText(i.ratelimits), creditsText(i.credits), when(i.updatedAt)]),
            ) + more(nextCursor),
        );
      }),
    );

  adminCommand(identities, 'show', 'Show one identity')
    .argument('<externalId>', "the tenant's ID of the customer")
    .action(
      act.read(async (cx, externalId) => {
        const identity = identityView(await cx.services.usageControls.getIdentity(cx.actor, externalId!));
        cx.print(identity, () => describe(identity));
      }),
    );

  withUsageOptions(adminCommand(identities, 'set', 'Create or replace an identity: what is not given is none (no limits, unlimited credits, no metadata)'), false, true)
    .argument('<externalId>', "the tenant's ID of the customer")
    .action(
      act.change<AdminOptions & UsageOptions>(async (cx, externalId) => {
        const input = usageInputOf(cx.opts);
        const { identity, created } = await cx.services.usageControls.putIdentity(cx.actor, externalId!, {
          ...(input.ratelimits !== undefined && { ratelimits: input.ratelimits }),
          ...(input.credits !== undefined && { credits: input.credits }),
          ...(input.meta !== undefined && { meta: input.meta }),
        });
        const view = identityView(identity);
        cx.print(view, () => `${created ? 'Created' : 'Replaced'} identity ${view.externalId}.\n${describe(view)}`);
      }),
    );

  adminCommand(identities, 'delete', 'Delete an identity (its keys keep their externalId and no longer share its limits or credits)')
    .argument('<externalId>', "the tenant's ID of the customer")
    .action(
      act.change(async (cx, externalId) => {
        await cx.services.usageControls.deleteIdentity(cx.actor, externalId!);
        cx.print({ externalId, deleted: true }, () => `Identity ${externalId} is deleted.`);
      }),
    );

  adminCommand(identities, 'credits', "Add to (--add, may be negative: stops at zero) or set (--set) an identity's credits, in one atomic write")
    .argument('<externalId>', "the tenant's ID of the customer")
    .addOption(new Option('--add <n>', 'credits to add (negative: take away)').argParser(signedInt).conflicts('set'))
    .addOption(new Option('--set <n>', 'credits left from now on').argParser(creditsArg))
    .action(
      act.change<AdminOptions & { add?: number; set?: number }>(async (cx, externalId) => {
        const o = cx.opts;
        if (o.add === undefined && o.set === undefined) throw new AppError('BAD_REQUEST', 'Give --add N or --set N.');
        const credits = storedCreditsView(await cx.services.usageControls.changeIdentityCredits(cx.actor, externalId!, o.add !== undefined ? { add: o.add } : { set: o.set }));
        cx.print(credits, () => `Identity ${externalId} has ${credits.remaining} credits left.`);
      }),
    );
}
