import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { AppError } from '../core/errors.js';
import { MasterKeyError } from '../crypto/master-key.js';
import { auditCommands } from './audit.js';
import { print, readStdin, withRuntime } from './context.js';
import { keyCommands } from './keys.js';
import { migrate } from './migrate.js';
import { policyCommands } from './policy.js';
import { roleCommands } from './roles.js';
import { serve } from './serve.js';
import { userCommands } from './users.js';

const program = new Command();
program
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

program.command('serve').description('Run the server and console (migrations are applied at start)').action(serve);

program.command('migrate').description('Apply database migrations and exit').option('--json', 'print machine-readable JSON').action(migrate);

program
  .command('init')
  .description('Create a tenant and its first administrator; prints JSON with the IDs')
  .requiredOption('--tenant <name>', 'tenant name (lower-case letters, digits, dashes)')
  .requiredOption('--email <email>', "the administrator's email")
  .option('--name <name>', "the administrator's display name")
  .option('--password-stdin', 'read the password from standard input (else a one-time password is generated and printed)')
  .action(async (opts: { tenant: string; email: string; name?: string; passwordStdin?: boolean }) => {
    const password = opts.passwordStdin ? await readStdin() : undefined;
    await withRuntime(async (runtime) => {
      const created = await runtime.services.tenants.create({
        slug: opts.tenant,
        email: opts.email,
        ...(password !== undefined && { password }),
        ...(opts.name !== undefined && { adminName: opts.name }),
      });
      print(true, {
        tenantId: created.tenant.id,
        tenant: created.tenant.slug,
        userId: created.admin.id,
        email: created.admin.email,
        ...(created.oneTimePassword !== null && { oneTimePassword: created.oneTimePassword }),
      }, () => '');
    });
  });

userCommands(program);
keyCommands(program);
roleCommands(program);
policyCommands(program);
auditCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`latchkey: ${oneLine(describeFailure(error))}\n`);
  process.exit(1);
});

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
// PostgreSQL's own refusals at connect time: no such database, authentication failed.
const PG_REFUSED = new Set(['3D000', '28P01', '28000']);

/** One line that says what went wrong and, where it is a setting's fault, names the setting. */
function describeFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof MasterKeyError) return error.message;
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
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
