import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import { createLogger } from '../logger.js';
import { startServer } from '../main.js';
import type { Services } from '../services/services.js';
import type { CliIo } from './context.js';

export const FIRST_TENANT = 'default';
export const FIRST_ADMIN_EMAIL = 'admin@latchkey.local';

/** The server in this process; a signal ends it (after requests finish and access records are written). */
export async function serve(config: Readonly<Config>, io: CliIo): Promise<void> {
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  const { services } = server.runtime;
  if ((await services.tenants.count()) === 0) {
    if (config.bootstrap) await bootstrap(services, server.url, io);
    else {
      io.out(`The database is empty. Create the first tenant with:\n  printf %s "$PASSWORD" | npx latchkey init --tenant acme --email you@example.com --password-stdin\n`);
    }
  }
  logger.info({ url: server.url, database: services.database.name, masterKeySource: server.runtime.masterKeySource }, 'Latchkey is listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests and writing access records');
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function bootstrap(services: Services, url: string, io: CliIo): Promise<void> {
  let created: Awaited<ReturnType<Services['tenants']['create']>>;
  try {
    created = await services.tenants.create({ slug: FIRST_TENANT, name: 'Default tenant', email: FIRST_ADMIN_EMAIL });
  } catch (error) {
    // Several processes started at once on one empty PostgreSQL: one of them wins, and only it
    // holds the password to print; the others just serve.
    if (error instanceof AppError && error.code === 'TENANT_EXISTS') return;
    throw error;
  }
  // Printed once to the terminal (never to the log): the one-time password is not stored anywhere.
  io.out(
    `${[
      '',
      'Latchkey created the first tenant and its administrator. Sign in with:',
      `  tenant:   ${created.tenant.slug}   (${created.tenant.id})`,
      `  email:    ${created.admin.email}`,
      `  password: ${created.oneTimePassword}   (one-time: you will be asked to change it)`,
      `  console:  ${url}/    API docs: ${url}/docs`,
      '',
    ].join('\n')}\n`,
  );
}
