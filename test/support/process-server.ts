/**
 * `latchkey serve` as a real child process, and the few HTTP calls the process suites make.
 * The server listens on LATCHKEY_PORT=0 (a free port the kernel picks, so parallel suites never
 * collide) and the URL is read from its "Latchkey is listening" log line.
 * Every started process is remembered; `stopAllServers()` (afterEach) kills what is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { SESSION_COOKIE } from '../../src/http/authenticate.js';
import { BIN, cleanEnv, ROOT } from './cli.js';

export interface ServerProcess {
  url: string;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Sends the signal and waits for the process to end; resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

export function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: cleanEnv({ LATCHKEY_PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  let pending = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`latchkey serve did not start listening in ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    const onText = (text: string) => {
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        let entry: { msg?: unknown; url?: unknown };
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.msg === 'Latchkey is listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          const url = entry.url;
          done({
            url,
            output: () => output,
            async stop(signal = 'SIGTERM') {
              if (child.exitCode === null && child.signalCode === null) child.kill(signal);
              return exited(child);
            },
          });
        }
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onText);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`latchkey serve exited (${code}) before listening. Output:\n${output}`));
    });
  });
}

export async function stopAllServers(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
}

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
}

export async function http(url: string, options: { method?: string; body?: unknown; cookie?: string; csrfToken?: string; bearer?: string } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

export interface Login {
  status: number;
  body: any;
  /** `latchkey_session=…`, ready for a Cookie header. */
  cookie: string;
  csrfToken: string;
}

export async function login(base: string, tenant: string, email: string, password: string): Promise<Login> {
  const result = await http(`${base}/v1/auth/login`, { body: { tenant, email, password } });
  const setCookie = result.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return { status: result.status, body: result.body, cookie: setCookie?.split(';')[0] ?? '', csrfToken: result.body?.csrfToken ?? '' };
}

/** POST /v1/verify about `token`, asked by the verifier key whose token is `verifier`. */
export async function verify(base: string, token: string, verifier: string): Promise<any> {
  const result = await http(`${base}/v1/verify`, { bearer: verifier, body: { token } });
  if (result.status !== 200) throw new Error(`POST /v1/verify answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}
