/**
 * A TCP proxy in front of PostgreSQL that can freeze it as SIGSTOP would, without touching the
 * shared server: while frozen, nothing is forwarded either way, yet every socket stays open and
 * new connections are accepted (as the kernel accepts them for a stopped server) — a client sees
 * a database that answers nothing, ever. thaw() lets everything held back through.
 */
import net from 'node:net';

export interface FreezingProxy {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function openFreezingProxy(target: { host: string; port: number }): Promise<FreezingProxy> {
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      // Paused sockets read nothing: what is sent stays in the kernel's buffers, as it would for
      // a stopped server process.
      if (frozen) socket.pause();
    }
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (data) => upstream.write(data));
    upstream.on('data', (data) => client.write(data));
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw() {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}

/** `databaseUrl` with its host and port replaced by the proxy's. */
export function throughProxy(databaseUrl: string, proxy: FreezingProxy): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}
