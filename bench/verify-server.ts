/** Child process: the real Latchkey server (config from LATCHKEY_* variables), as `latchkey serve` runs it. */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/main.js';
import { serveChild } from './child-protocol.js';

let services: Awaited<ReturnType<typeof startServer>>['runtime']['services'] | null = null;

await serveChild({
  name: 'verify',
  async start() {
    const config = loadConfig();
    const server = await startServer(config, createLogger(config.logLevel, process.stderr));
    services = server.runtime.services;
    return server;
  },
  flush: async () => {
    await services?.recorder.flush();
  },
  extra: () => ({ pendingRecords: services?.recorder.pending ?? 0, cachedKeys: services?.keyCache.size ?? 0 }),
});
