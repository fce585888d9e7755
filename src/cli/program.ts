/**
 * The CLI as a function of a runtime and IO: `createProgram` builds the commands, `runProgram`
 * runs one command line and answers with its exit code. Nothing here touches the process's
 * streams or its exit, so the same program runs in a test on an open runtime.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { AppError, ERROR_CATALOG, StoreBusyError } from '../core/errors.js';
import { MasterKeyError } from '../crypto/master-key.js';
import { adminActions } from './admin-command.js';
import { auditCommands } from './audit.js';
import { print, readPassword, type CliIo, type RuntimeSource } from './context.js';
import { identityCommands } from './identities.js';
import { keyCommands } from './keys.js';
import { policyCommands } from './policy.js';
import { roleCommands } from './roles.js';
import { userCommands } from './users.js';

export function createProgram(runtime: RuntimeSource, io: CliIo): Command {
  const program = new Command();
  // Set before any subcommand is added: subcommands inherit output and exit handling.
  program
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .name('latchkey')
    .description('Latchkey: self-hosted access key management. Run `latchkey <command> --help` for the details of a command.')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      [
        '',
        'Settings come from LATCHKEY_* environment variables (see the README). The CLI works on the same',
        'database as the server (LATCHKEY_DATA_DIR or LATCHKEY_DATABASE_URL), also while the server runs:',
        'a key disabled here stops verifying on every running server within a second.',
        '',
        'Examples:',
        '  printf %s "$PASSWORD" | latchkey init --tenant acme --email you@example.com --password-stdin',
        '  latchkey users create --tenant acme --email dev@example.com --programmatic-access',
        '  latchkey keys create --tenant acme --user dev@example.com --name ci --days 90',
        '  latchkey keys disable --tenant acme LKXXXXXXXXXXXXXXXXXX',
      ].join('\n'),
    );

  program
    .command('serve')
    .description('Run the server and console (migrations are applied at start)')
    .action(() => runtime.serve(io));

  program
    .command('migrate')
    .description('Apply database migrations and exit')
    .option('--json', 'print machine-readable JSON')
    .action(async (opts: { json?: boolean }) => {
      const { database, applied } = await runtime.migrate();
      print(io, opts.json === true, { database, applied }, () =>
        applied.length === 0 ? `The ${database} database is up to date.` : `Applied to the ${database} database: ${applied.join(', ')}`,
      );
    });

  program
    .command('init')
    .description('Create a tenant and its first administrator; prints JSON with the IDs')
    .requiredOption('--tenant <name>', 'tenant name (lower-case letters, digits, dashes)')
    .requiredOption('--email <email>', "the administrator's email")
    .option('--name <name>', "the administrator's display name")
    .option('--password-stdin', 'read the password from standard input (else a one-time password is generated and printed)')
    .action(async (opts: { tenant: string; email: string; name?: string; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readPassword(io) : undefined;
      await runtime.use(async (runtime) => {
        const created = await runtime.services.tenants.create({
          slug: opts.tenant,
          email: opts.email,
          ...(password !== undefined && { password }),
          ...(opts.name !== undefined && { adminName: opts.name }),
        });
        print(
          io,
          true,
          {
            tenantId: created.tenant.id,
            tenant: created.tenant.slug,
            userId: created.admin.id,
            email: created.admin.email,
            ...(created.oneTimePassword !== null && { oneTimePassword: created.oneTimePassword }),
          },
          () => '',
        );
      });
    });

  const act = adminActions({ runtime, io });
  userCommands(program, act);
  keyCommands(program, act);
  identityCommands(program, act);
  roleCommands(program, act);
  policyCommands(program, act);
  auditCommands(program, act);
  return program;
}

/**
 * Runs one command line (the arguments after `latchkey`) and answers with the exit code: 0 on
 * success, else non-zero after one line on standard error that says what went wrong.
 */
export async function runProgram(args: readonly string[], runtime: RuntimeSource, io: CliIo): Promise<number> {
  try {
    await createProgram(runtime, io).parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already written its own message (or the help it was asked for).
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`latchkey: ${oneLine(describeFailure(error))}\n`);
    return 1;
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
// PostgreSQL's own refusals at connect time: no such database, authentication failed.
const PG_REFUSED = new Set(['3D000', '28P01', '28000']);

/** One line that says what went wrong and, where it is a setting's fault, names the setting. */
function describeFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof MasterKeyError) return error.message;
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
  if (error instanceof StoreBusyError) return `STORE_BUSY: ${ERROR_CATALOG.STORE_BUSY.message}`;
  const message = error instanceof Error ? error.message : String(error);
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return `LATCHKEY_HOST/LATCHKEY_PORT: cannot listen there (${message}); choose another port or stop the other process.`;
  }
  if (UNREACHABLE.has(code) || PG_REFUSED.has(code)) {
    return `STORE_UNAVAILABLE: cannot use the database at LATCHKEY_DATABASE_URL (${message}).`;
  }
  return message;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
