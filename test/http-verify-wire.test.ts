/**
 * The connection reader below node:http (src/http/wire-verify.ts), over raw sockets. Every case is
 * sent byte for byte to two servers on the same services: one with the reader (the default), one
 * with LATCHKEY_WIRE_VERIFY=false, where node:http reads every request. What comes back must be
 * the same bytes (request IDs and dates aside) and the same closing of the connection: requests of
 * the narrow form answered by the reader, everything else — HTTP/1.0, a query, smuggling shapes
 * (two lengths, a length and chunked), folded or malformed header lines, a missing Host, Expect,
 * a head in many pieces, a management request between two verifications — handed to node:http
 * with nothing consumed. Then what only the reader has: its idle timeout, its closing with the
 * server, and pipelined requests past its buffer.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import type { App } from '../src/http/app-types.js';
import type { TakeVerify } from '../src/http/fast-verify.js';
import { attachWireVerify, HAND_OVER, INCOMPLETE, MAX_HEAD_PIECES, readHead } from '../src/http/wire-verify.js';
import { createLogger } from '../src/logger.js';
import { fastPathTotal, openHttp, verifierFor, type Harness, type IssuedKey } from './support/http.js';

interface Answer {
  status: number;
  head: string;
  body: string;
}
interface Exchange {
  answers: Answer[];
  /** Everything the server sent, request IDs and dates masked. */
  text: string;
  /** Whether the server closed the connection (within the wait). */
  closed: boolean;
}

/** Complete answers at the start of `bytes` (node:http's own refusals are chunked). */
function answersIn(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return answers;
    const head = bytes.toString('latin1', at, headEnd);
    if (/\r\ntransfer-encoding: chunked/i.test(head)) {
      // node:http's own refusals: the chunks end with an empty one.
      const last = bytes.indexOf('0\r\n\r\n', headEnd + 4);
      if (last < 0) return answers;
      answers.push({ status: Number(head.slice(9, 12)), head, body: bytes.toString('utf8', headEnd + 4, last) });
      at = last + 5;
      continue;
    }
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (bytes.length < headEnd + 4 + length) return answers;
    answers.push({ status: Number(head.slice(9, 12)), head, body: bytes.toString('utf8', headEnd + 4, headEnd + 4 + length) });
    at = headEnd + 4 + length;
  }
}

const mask = (text: string) => text.replace(/req_[A-Za-z0-9_-]{12}/g, 'req_…').replace(/\r\nDate: [^\r]+/g, '\r\nDate: …');

/**
 * Sends `parts` over a new connection (`gapMs` apart; after the last, the client's end of the
 * stream if `end`), and waits for `answers` answers, then up to `closeWithinMs` for the server to
 * close (it must close within that time to count as closed).
 */
async function exchange(port: number, parts: (string | Buffer)[], options: { answers: number; gapMs?: number; end?: boolean; closeWithinMs?: number }): Promise<Exchange> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  let closed = false;
  const closedNow = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const [i, part] of parts.entries()) {
    if (i > 0 && options.gapMs) await sleep(options.gapMs);
    socket.write(part);
  }
  if (options.end) socket.end();
  const deadline = Date.now() + 5000;
  while (!closed && answersIn(Buffer.concat(received)).length < options.answers && Date.now() < deadline) await sleep(5);
  await Promise.race([closedNow, sleep(options.closeWithinMs ?? 150)]);
  socket.destroy();
  const bytes = Buffer.concat(received);
  return { answers: answersIn(bytes), text: mask(bytes.toString('latin1')), closed };
}

/**
 * Refusals are held this long on both servers (the default is 20 ms): a client's end that comes
 * while an answer is held must find it still held on both, however long a loaded machine stalls
 * this process between reading a request and deciding it (a CI run once saw node:http answer first).
 */
const REFUSAL_FLOOR_MS = 300;

describe('the connection reader below node:http answers as node:http does (sqlite)', () => {
  let h: Harness;
  let plain: App;
  let key: IssuedKey;
  let verifier: string;
  let wirePort: number;
  let plainPort: number;

  beforeAll(async () => {
    h = await openHttp('sqlite', { env: { LATCHKEY_REFUSAL_FLOOR_MS: String(REFUSAL_FLOOR_MS) } });
    const acme = await h.bootstrap();
    key = await h.createKey(acme.admin);
    verifier = (await verifierFor(h.services, acme.tenantId)).token;
    plain = await buildApp({
      services: h.services,
      config: loadConfig({ ...process.env, LATCHKEY_DATA_DIR: h.config.dataDir, LATCHKEY_WIRE_VERIFY: 'false', LATCHKEY_REFUSAL_FLOOR_MS: String(REFUSAL_FLOOR_MS) }),
      logger: createLogger('silent'),
    });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    await plain.listen({ host: '127.0.0.1', port: 0 });
    wirePort = (h.app.server.address() as AddressInfo).port;
    plainPort = (plain.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await plain?.close();
    await h?.close();
  });

  /** A verify request, as a gateway sends it; `headers` replaces the usual ones where given (null leaves one out). */
  const request = (options: { body?: string; line?: string; headers?: Record<string, string | null>; extra?: string[] } = {}) => {
    const body = options.body ?? JSON.stringify({ token: key.token });
    const headers: Record<string, string | null> = {
      Host: '127.0.0.1',
      'Content-Type': 'application/json',
      Authorization: `Bearer ${verifier}`,
      'Content-Length': String(Buffer.byteLength(body)),
      ...options.headers,
    };
    const lines = Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([name, value]) => `${name}: ${value}`);
    return `${options.line ?? 'POST /v1/verify HTTP/1.1'}\r\n${[...lines, ...(options.extra ?? [])].join('\r\n')}\r\n\r\n${body}`;
  };

  /** The same bytes to both servers: the same answers and closing; returns the reader's answers and how many each reader took. */
  const both = async (parts: (string | Buffer)[], options: { answers: number; gapMs?: number; end?: boolean; closeWithinMs?: number }) => {
    const wire = await fastPathTotal(h, 'wire');
    const http = await fastPathTotal(h, 'http');
    const read = await exchange(wirePort, parts, options);
    const taken = { wire: (await fastPathTotal(h, 'wire')) - wire, http: (await fastPathTotal(h, 'http')) - http };
    const reference = await exchange(plainPort, parts, options);
    expect(read.text).toBe(reference.text);
    expect(read.closed, 'the connection closed (or stayed open) as with node:http').toBe(reference.closed);
    return { answers: read.answers, closed: read.closed, taken };
  };
  const statuses = (answers: Answer[]) => answers.map((a) => a.status);

  it('answers a plain request itself, with node:http’s keep-alive headers, and keeps the connection', async () => {
    const { answers, closed, taken } = await both([request()], { answers: 1 });
    expect(taken).toEqual({ wire: 1, http: 0 });
    expect(closed).toBe(false);
    expect(answers[0]!.head).toMatch(
      /^HTTP\/1\.1 200 OK\r\ncontent-type: application\/json; charset=utf-8\r\ncontent-length: \d+\r\nx-request-id: req_[A-Za-z0-9_-]{12}\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72$/,
    );
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ valid: true, accessKeyId: key.accessKeyId });
  });

  it('answers pipelined requests in order, a held refusal included, and a request split across reads', async () => {
    const wrong = request({ body: JSON.stringify({ token: `${key.token.slice(0, -4)}aaaa` }) });
    const pipelined = await both([request() + wrong + request()], { answers: 3 });
    expect(pipelined.taken).toEqual({ wire: 3, http: 0 });
    expect(pipelined.answers.map((a) => JSON.parse(a.body).valid)).toEqual([true, false, true]);

    const whole = request();
    const headEnd = whole.indexOf('\r\n\r\n');
    const split = await both([whole.slice(0, 20), whole.slice(20, headEnd + 2), whole.slice(headEnd + 2, headEnd + 10), whole.slice(headEnd + 10)], { answers: 1, gapMs: 20 });
    expect(split.taken).toEqual({ wire: 1, http: 0 });
    expect(JSON.parse(split.answers[0]!.body)).toMatchObject({ valid: true });
  });

  it(`hands a head still incomplete after ${MAX_HEAD_PIECES} reads to node:http, which answers it`, async () => {
    const whole = request();
    const pieces = [...whole.slice(0, 12)].concat(whole.slice(12));
    const { answers, taken } = await both(pieces, { answers: 1, gapMs: 10 });
    expect(taken).toEqual({ wire: 0, http: 1 });
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ valid: true });
  });

  it('hands the connection over at a request not its own, in the same read or a later one, and node:http answers the rest in order', async () => {
    const health = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const together = await both([request() + health + request()], { answers: 3 });
    expect(statuses(together.answers)).toEqual([200, 200, 200]);
    expect(together.taken).toEqual({ wire: 1, http: 1 });
    const apart = await both([request(), health, request()], { answers: 3, gapMs: 50 });
    expect(statuses(apart.answers)).toEqual([200, 200, 200]);
    expect(apart.taken).toEqual({ wire: 1, http: 1 });
    expect(JSON.parse(apart.answers[2]!.body)).toMatchObject({ valid: true });
  });

  it('leaves every other form to node:http (versions, queries, methods, smuggling shapes, malformed heads), bytes untouched', async () => {
    const body = JSON.stringify({ token: key.token });
    const cases: [string, string, number[]][] = [
      ['HTTP/1.0', request({ line: 'POST /v1/verify HTTP/1.0' }), [200]],
      ['a query string', request({ line: 'POST /v1/verify?x=1 HTTP/1.1' }), [200]],
      ['a lower-case method', request({ line: 'post /v1/verify HTTP/1.1' }), [400]],
      ['a leading empty line', `\r\n${request()}`, [200]],
      ['two equal lengths', request({ extra: [`Content-Length: ${body.length}`] }), [400]],
      ['two different lengths', request({ extra: ['Content-Length: 5'] }), [400]],
      ['a length and chunked', request({ extra: ['Transfer-Encoding: chunked'] }), [400]],
      [
        'chunked in capitals',
        `POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${verifier}\r\nTRANSFER-ENCODING: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        [200],
      ],
      ['a folded header line', request({ extra: ['X-Note: a', ' folded'] }), [400]],
      ['a space before the colon', request({ extra: ['Content-Length : 2'] }), [400]],
      ['bare LF line ends', request().replaceAll('\r\n', '\n'), [400]],
      ['a byte over 0x7e in a value', request({ extra: ['User-Agent: caf\xe9'] }), [200]],
      ['no Host', request({ headers: { Host: null } }), [400]],
      ['two Hosts', request({ extra: ['Host: other'] }), [200]],
      ['a length over the body limit', request({ headers: { 'Content-Length': String(h.config.bodyLimitBytes + 1) } }), [413]],
      ['a length that is not digits', request({ headers: { 'Content-Length': '+40' } }), [400]],
      ['another content type', request({ headers: { 'Content-Type': 'text/plain' } }), [400]],
      ['a content encoding (the route reads the body as it is)', request({ extra: ['Content-Encoding: gzip'] }), [200]],
      ['two Authorization headers', request({ extra: ['Authorization: Bearer lk_other'] }), [200]],
      ['an Upgrade', request({ extra: ['Upgrade: websocket', 'Connection: keep-alive, Upgrade'] }), [200]],
    ];
    for (const [name, bytes, expected] of cases) {
      const result = await both([Buffer.from(bytes, 'latin1')], { answers: 1 });
      expect(statuses(result.answers), name).toEqual(expected);
      expect(result.taken.wire, `${name}: not read by the reader`).toBe(0);
    }
  });

  it('Expect: 100-continue goes to node:http, which asks for the body and answers', async () => {
    const whole = request({ extra: ['Expect: 100-continue'] });
    const headEnd = whole.indexOf('\r\n\r\n') + 4;
    const { answers, taken } = await both([whole.slice(0, headEnd), whole.slice(headEnd)], { answers: 2, gapMs: 50 });
    expect(statuses(answers)).toEqual([100, 200]);
    expect(taken.wire).toBe(0);
  });

  it('Connection: close, and a client that ends its side: answered if it was already, then closed', async () => {
    const closing = await both([request({ extra: ['Connection: close'] })], { answers: 1, closeWithinMs: 1000 });
    expect(statuses(closing.answers)).toEqual([200]);
    expect(closing.closed).toBe(true);
    const ended = await both([request()], { answers: 1, end: true, closeWithinMs: 1000 });
    expect(statuses(ended.answers)).toEqual([200]);
    expect(ended.closed).toBe(true);
    expect(ended.taken.wire).toBe(1);
    // The end comes while the first answer (a refusal) is held: as node:http does, what waits is dropped and the connection ends.
    const wrong = request({ body: JSON.stringify({ token: `${key.token.slice(0, -4)}aaaa` }) });
    const endedWhileHeld = await both([wrong + request()], { answers: 2, end: true, closeWithinMs: 1000 });
    expect(endedWhileHeld.answers).toEqual([]);
    expect(endedWhileHeld.closed).toBe(true);
  });
});

describe('the connection reader on its own server', () => {
  /** A server with only the reader's requests answered (after `delayMs`, the one of n = 0 after `firstDelayMs`, by a real timer), node:http answering 404 to the rest. */
  const serve = async (options: { keepAliveTimeoutMs?: number; bodyLimit?: number; delayMs?: number; firstDelayMs?: number }) => {
    const server: Server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const take: TakeVerify = (text, requestId, _startedAt, _ip, _userAgent, _authorization, send) => {
      const body = JSON.parse(text) as { n: number };
      const answer = () => send(200, requestId, JSON.stringify({ echo: body }));
      const delay = body.n === 0 ? (options.firstDelayMs ?? options.delayMs) : options.delayMs;
      if (delay) setTimeout(answer, delay);
      else answer();
    };
    let id = 0;
    attachWireVerify(server, {
      take: () => take,
      countTaken: () => {},
      bodyLimit: options.bodyLimit ?? 1024,
      trustProxy: false,
      nextRequestId: () => `req_${String(++id).padStart(12, '0')}`,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 72_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  };
  const echo = (n: number) => {
    const body = JSON.stringify({ n });
    return `POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };

  it('closes a connection idle for the keep-alive timeout', async () => {
    const { server, port } = await serve({ keepAliveTimeoutMs: 1000 });
    try {
      const soon = await exchange(port, [echo(1)], { answers: 1, closeWithinMs: 100 });
      expect(soon.closed).toBe(false);
      const later = await exchange(port, [echo(1)], { answers: 1, closeWithinMs: 4000 });
      expect(JSON.parse(later.answers[0]!.body)).toEqual({ echo: { n: 1 } });
      expect(later.closed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('closes with the server: an idle connection at once, a busy one after its answer (Connection: close)', async () => {
    const { server, port } = await serve({ delayMs: 300 });
    const idle = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    idle.write(echo(0));
    await new Promise<void>((resolve) => idle.once('data', () => resolve()));
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    const busy = exchange(port, [echo(7)], { answers: 1, closeWithinMs: 1000 });
    await sleep(100);
    const closedAt = Date.now();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await idleClosed;
    const answered = await busy;
    await serverClosed;
    expect(Date.now() - closedAt).toBeLessThan(2000);
    expect(JSON.parse(answered.answers[0]!.body)).toEqual({ echo: { n: 7 } });
    expect(answered.answers[0]!.head).toContain('\r\nConnection: close');
    expect(answered.closed).toBe(true);
  });

  it('stops reading past a full request of pipelined bytes while an answer is pending, and answers them all in order', async () => {
    const { server, port } = await serve({ firstDelayMs: 400, bodyLimit: 1024 });
    try {
      // The first answer waits 400 ms; the next 599 requests come meanwhile, in 20 writes 10 ms apart (past 17 KB).
      const rest = Array.from({ length: 599 }, (_, n) => echo(n + 1));
      const parts = [echo(0), ...Array.from({ length: 20 }, (_, i) => rest.slice(i * 30, i * 30 + 30).join(''))];
      expect(parts.slice(1).join('').length).toBeGreaterThan(16 * 1024 + 1024);
      const result = await exchange(port, parts, { answers: 600, gapMs: 10 });
      expect(result.answers.map((a) => JSON.parse(a.body).echo.n)).toEqual(Array.from({ length: 600 }, (_, n) => n));
    } finally {
      server.close();
    }
  });
});

describe('readHead: the narrow form, or not', () => {
  const head = (text: string) => readHead(Buffer.from(text, 'latin1'), 1024);
  it('reads the length, the credential, the agent and the forwarded-for', () => {
    const text =
      'POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: Application/JSON\r\nContent-Length: 2\r\nAuthorization:  Bearer t \r\nUser-Agent: a/1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n{}';
    expect(head(`${text}POST /v1/verify`)).toEqual({
      total: text.length,
      bodyStart: text.length - 2,
      authorization: 'Bearer t',
      userAgent: 'a/1',
      forwardedFor: '10.0.0.1',
    });
  });
  it('waits for more bytes while the start could still be the form, and refuses it once it cannot', () => {
    expect(head('POST /v1/ver')).toBe(INCOMPLETE);
    expect(head('POST /v1/verify HTTP/1.1\r\nHost: x\r\nConte')).toBe(INCOMPLETE);
    expect(head('POST /v1/veri HTTP/1.1\r\n')).toBe(HAND_OVER);
    expect(head(`POST /v1/verify HTTP/1.1\r\nX: ${'a'.repeat(17_000)}`)).toBe(HAND_OVER);
    expect(head('POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1025\r\n\r\n')).toBe(HAND_OVER);
    expect(head('POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n')).toBe(HAND_OVER);
    expect(head('POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}')).toBe(HAND_OVER);
    expect(head('POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX: a\rb\r\n\r\n{}')).toBe(HAND_OVER);
  });
});
