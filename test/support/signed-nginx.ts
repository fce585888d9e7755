/**
 * Debian's nginx in front of an upstream, with auth_request to Latchkey's /v1/authorize: the
 * configuration of docs/nginx.md, written for free ports into a temporary prefix directory and
 * run in the foreground (`-g 'daemon off;'`) by the test, which stops it afterwards.
 *
 * A missing nginx is an error, never a skip: the gateway is only proven by running it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NginxOptions {
  latchkeyPort: number;
  /** The gateway's verifier token (a verifier key of the tenant), sent as X-Latchkey-Verifier. */
  verifierToken: string;
  upstreamPort: number;
  /** Paths whose requests need a permission: location prefix → permission. */
  permissions?: Record<string, string>;
}

export interface Nginx {
  url: string;
  port: number;
  config: string;
  /** What nginx wrote to stderr (its error log). */
  log(): string;
  stop(): Promise<void>;
}

export function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error("nginx is not installed, and the gateway tests need it: install Debian's nginx (apt-get install -y nginx; .ci/run does this) and run the tests again.");
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The protected part of a server block: one location that asks Latchkey first (docs/nginx.md). */
function protectedLocation(prefix: string, permission: string): string {
  return `
    location ${prefix} {
      set $latchkey_permission "${permission}";
      auth_request /_latchkey;
      auth_request_set $latchkey_key_id $upstream_http_x_latchkey_access_key_id;
      auth_request_set $latchkey_tenant_id $upstream_http_x_latchkey_tenant_id;
      auth_request_set $latchkey_user_id $upstream_http_x_latchkey_user_id;
      auth_request_set $latchkey_permissions $upstream_http_x_latchkey_permissions;
      auth_request_set $latchkey_code $upstream_http_x_latchkey_code;
      add_header X-Latchkey-Code $latchkey_code always;

      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Latchkey-Access-Key-Id $latchkey_key_id;
      proxy_set_header X-Latchkey-Tenant-Id $latchkey_tenant_id;
      proxy_set_header X-Latchkey-User-Id $latchkey_user_id;
      proxy_set_header X-Latchkey-Permissions $latchkey_permissions;
    }
`;
}

export function nginxConfig(dir: string, port: number, options: NginxOptions): string {
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const locations = Object.entries({ '/': '', ...options.permissions })
    .map(([prefix, permission]) => protectedLocation(prefix, permission))
    .join('');
  return `${user}worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 128; }

http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream latchkey { server 127.0.0.1:${options.latchkeyPort}; keepalive 8; }
  upstream api { server 127.0.0.1:${options.upstreamPort}; keepalive 8; }

  server {
    listen 127.0.0.1:${port};
    client_max_body_size 16m;

    location = /_latchkey {
      internal;
      proxy_pass http://latchkey/v1/authorize;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Content-Length $http_content_length;
      proxy_set_header Host $http_host;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Latchkey-Permission $latchkey_permission;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Latchkey-Verifier "${options.verifierToken}";
    }
${locations}  }
}
`;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port} within 15 s:\n${log()}`);
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const binary = findNginx();
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-nginx-'));
  const port = await freePort();
  const config = nginxConfig(dir, port, options);
  await writeFile(join(dir, 'nginx.conf'), config);
  let stderr = '';
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, () => stderr);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    log: () => stderr,
    async stop() {
      // SIGQUIT lets nginx finish what it is doing; a stuck one is killed.
      if (child.exitCode === null) child.kill('SIGQUIT');
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
