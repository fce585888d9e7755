/**
 * Serves the built web console (console/dist) at `/`: hashed assets cached for a year, every
 * other GET of a page (a request that accepts text/html) answered with index.html so the
 * console's own router can draw it. API, docs, health and metrics paths are never answered
 * here, so an unknown /v1 route stays the API's 404 envelope.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleOptions {
  /** The console build output (index.html and assets/). */
  distDir: string;
}

/** Paths that belong to the server; the console never shadows them, even as unknown sub-paths. */
const SERVER_PATHS = ['/v1', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics'];

/** Replaced in index.html by each response's nonce: Mantine reads it to sign the style tags it injects. */
export const NONCE_PLACEHOLDER = '__CSP_NONCE__';

const YEAR_SECONDS = 31_536_000;

/**
 * console/dist of this installation: the package root is the nearest folder above this module
 * with a package.json (src/http/ when run from source, dist/src/http/ when compiled).
 */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the server code: cannot find console/dist');
    dir = parent;
  }
  return join(dir, 'console', 'dist');
}

export function isServerPath(pathname: string): boolean {
  return SERVER_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/**
 * Scripts only from the server itself (Vite emits no inline script). Styles: the built CSS
 * file, plus the <style> tags Mantine writes at run time, which carry this response's nonce —
 * so an injected <style> or style attribute in markup is refused. React sets inline styles
 * through the CSSOM, which CSP does not restrict.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latchkey console not built</title></head>
<body><h1>The Latchkey console is not built</h1>
<p>The server runs, but it found no console build (console/dist/index.html).
Run <code>npm run build</code> (it builds the server and the console), then restart the server.</p>
<p>The API is available: <a href="/docs">/docs</a>.</p></body></html>
`;

function pageHeaders(reply: FastifyReply, nonce: string | null): void {
  reply.header('Content-Security-Policy', nonce === null ? "default-src 'none'; frame-ancestors 'none'" : contentSecurityPolicy(nonce));
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  // Each page carries its own nonce, so no copy of it may be reused.
  reply.header('Cache-Control', 'no-store');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const root = resolve(options.distDir);
  const indexPath = join(root, 'index.html');

  // Encapsulated, so the reply decorators of @fastify/static do not meet those swagger-ui registers.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false });

    scope.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const pathname = request.url.split('?', 1)[0]!;
      if (isServerPath(pathname)) return reply.callNotFound();

      let relative: string;
      try {
        relative = decodeURIComponent(pathname).replace(/^\/+/, '');
      } catch {
        return reply.callNotFound();
      }
      const target = resolve(root, relative);
      if (relative !== '' && !relative.includes('\0') && target.startsWith(root + sep) && (await isFile(target))) {
        if (relative.startsWith('assets/')) {
          // Vite puts a content hash in every asset name: a changed file is a new URL.
          reply.header('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
        } else {
          reply.header('Cache-Control', 'no-cache');
        }
        return reply.sendFile(relative, root, { cacheControl: false });
      }

      if (!(request.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
      let html: string;
      try {
        html = await readFile(indexPath, 'utf8');
      } catch {
        pageHeaders(reply, null);
        return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      const nonce = randomBytes(18).toString('base64');
      pageHeaders(reply, nonce);
      return reply.type('text/html; charset=utf-8').send(html.replaceAll(NONCE_PLACEHOLDER, nonce));
    });
  });
}
