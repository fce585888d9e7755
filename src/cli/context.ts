import type { Logger } from 'pino';
import { loadConfig } from '../config.js';
import { AppError } from '../core/errors.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../main.js';
import type { Actor } from '../services/actor.js';

/** Everything a one-shot CLI command needs: the runtime without background work, quiet logs. */
export async function withRuntime<T>(run: (runtime: Runtime, logger: Logger) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LATCHKEY_LOG_LEVEL ? config.logLevel : 'warn', process.stderr);
  const runtime = await openRuntime(config, logger, { background: false });
  try {
    return await run(runtime, logger);
  } finally {
    await runtime.close();
  }
}

/** The CLI acts as an administrator of the tenant: the one named by --as, else the oldest active one. */
export async function cliActor(runtime: Runtime, tenant: string, as?: string): Promise<Actor> {
  const found = await runtime.store.tenants.findByIdOrSlug(tenant);
  if (!found) throw new AppError('NOT_FOUND', `No tenant "${tenant}".`);
  let admin;
  if (as !== undefined) {
    admin = (await runtime.store.users.findByEmailWithHash(found.id, as))?.user;
    if (!admin || admin.role !== 'admin' || admin.status !== 'active') throw new AppError('NOT_FOUND', `No active administrator "${as}" in tenant ${found.slug}.`);
  } else {
    admin = (await runtime.store.users.oldestActiveAdmin(found.id)) ?? undefined;
    if (!admin) throw new AppError('NOT_FOUND', `Tenant ${found.slug} has no active administrator.`);
  }
  return { tenantId: found.id, user: admin, via: 'cli', accessKeyId: null, keyPermissions: null, ip: null, userAgent: 'latchkey-cli' };
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new AppError('BAD_REQUEST', 'Pipe the password on standard input, e.g. printf %s "$PASSWORD" | latchkey …');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}
