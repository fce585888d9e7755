import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../core/errors.js';
import { POLICY_RULES, type TenantPolicy } from '../core/policy.js';
import { adminCommand, positiveInt, type AdminActions, type AdminOptions } from './admin-command.js';
import { details } from './render.js';

/** The word stands for null ("any number", "never"); commander would turn a null into '' itself. */
function numberOr(word: 'any' | 'never') {
  return (value: string): number | typeof word => (value === word ? word : positiveInt(value));
}

function yesNo(value: string): boolean {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw new InvalidArgumentError('must be true or false.');
}

function oneOf<T extends string>(...values: T[]) {
  return (value: string): T => {
    if ((values as string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
  };
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}

function describe(p: TenantPolicy): string {
  return details([
    ['keys a member may hold', p.memberKeyLimit === null ? 'any number' : String(p.memberKeyLimit)],
    ['keys an admin may hold', p.adminKeyLimit === null ? 'any number' : String(p.adminKeyLimit)],
    ['default validity', p.defaultValidityDays === null ? 'never expires' : `${p.defaultValidityDays} days`],
    ['never-expiring keys allowed', p.allowNeverExpires ? 'yes' : 'no'],
    ['delete only disabled keys', p.deleteRequiresDisabled ? 'yes' : 'no'],
    ['access records kept', `${p.accessRecordRetentionDays} days`],
    ['detailed attempts kept per key', `latest ${p.accessRecordsPerKey} successes and ${p.accessRecordsPerKey} failures`],
    ['secret shown again', p.secretReveal === 'never' ? 'never (only at creation)' : 'after step-up verification'],
    ['step-up verification', p.stepUp === 'none' ? 'none' : p.stepUp === 'email' ? 'email code' : 'authenticator app (TOTP)'],
    ['a verification lasts', `${p.stepUpMinutes} minutes`],
    ['expiry reminder', p.expiryReminderDays === 0 ? 'off' : `${p.expiryReminderDays} days before`],
    ['signed requests replayed', p.replayProtection ? 'refused (each signature accepted once)' : 'not checked'],
    ['unused keys', p.disableUnusedAfterDays === null ? 'kept' : `disabled after ${p.disableUnusedAfterDays} days unused (reminder 7 days before)`],
    ['a key reported leaked', p.leakResponse === 'disable' ? 'disabled at once' : 'flagged only'],
  ]);
}

type Nullable = 'memberKeyLimit' | 'adminKeyLimit' | 'defaultValidityDays' | 'disableUnusedAfterDays';
type SetOptions = AdminOptions & Partial<Omit<TenantPolicy, Nullable>> & Partial<Record<Nullable, number | 'any' | 'never'>>;

export function policyCommands(program: Command, act: AdminActions): void {
  const policy = program.command('policy').description("The tenant's policy: key limits, validity, deletion, retention, reveal, step-up, reminder, replay and unused-key rules");

  adminCommand(policy, 'get', "Show the tenant's policy").action(
    act.read(async (cx) => {
      const current = await cx.services.tenants.getPolicy(cx.actor);
      cx.print(current, () => describe(current));
    }),
  );

  adminCommand(policy, 'set', 'Change some rules of the policy; the others keep their values')
    .option('--member-key-limit <n|any>', 'keys a member may hold', numberOr('any'))
    .option('--admin-key-limit <n|any>', 'keys an admin may hold', numberOr('any'))
    .option('--default-validity-days <n|never>', 'validity of a new key that names none', numberOr('never'))
    .option('--allow-never-expires <true|false>', 'whether keys may never expire', yesNo)
    .option('--delete-requires-disabled <true|false>', 'whether only a disabled key can be deleted', yesNo)
    .option('--access-record-retention-days <n>', 'how long access records are kept', positiveInt)
    .option('--access-records-per-key <n>', 'detailed attempts kept per key, for successes and failures each (20 to 1000)', positiveInt)
    .option('--secret-reveal <never|after-step-up>', 'whether a secret can be shown again after creation', oneOf('never', 'after-step-up'))
    .option('--step-up <none|email|totp>', 'verification asked before create, reveal, rotate and re-enable', oneOf('none', 'email', 'totp'))
    .option('--step-up-minutes <n>', 'how long one step-up verification lasts', positiveInt)
    .option('--expiry-reminder-days <n>', 'days before expiry to remind admins, creator and owner (0: no reminder)', wholeNumber)
    .option('--replay-protection <true|false>', 'refuse a signed request (SigV4, TC3) whose signature was already accepted', yesNo)
    .option('--disable-unused-after-days <n|never>', 'disable keys unused this many days (7 to 3650), reminding 7 days before', numberOr('never'))
    .option('--leak-response <disable|flag>', 'what a key reported leaked (POST /v1/leaks) undergoes', oneOf('disable', 'flag'))
    .action(
      act.change<SetOptions>(async (cx) => {
        const changes = Object.fromEntries(
          POLICY_RULES.flatMap((f) => {
            const value = cx.opts[f];
            if (value === undefined) return [];
            // "any" and "never" stand for null only in the rules that take a number.
            const nullable = f === 'memberKeyLimit' || f === 'adminKeyLimit' || f === 'defaultValidityDays' || f === 'disableUnusedAfterDays';
            return [[f, nullable && (value === 'any' || value === 'never') ? null : value]];
          }),
        ) as Partial<TenantPolicy>;
        if (Object.keys(changes).length === 0) throw new AppError('BAD_REQUEST', 'Nothing to change: give at least one rule (see latchkey policy set --help).');
        const next = await cx.services.tenants.putPolicy(cx.actor, { ...(await cx.services.tenants.getPolicy(cx.actor)), ...changes });
        cx.print(next, () => describe(next));
      }),
    );
}
