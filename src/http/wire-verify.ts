/**
 * `POST /v1/verify` read from the connection's bytes: below the fast path of fast-verify.ts, which
 * still costs node:http's request and response objects, its header objects and its stream events
 * for every request. A connection starts here; each request on it is matched against one narrow
 * form, and the first that does not match — or any bytes this reader is not sure of — hands the
 * connection, those bytes included and nothing consumed, to node:http for good. So node:http (and
 * Fastify behind it) keeps every rule of HTTP this file does not take on: it sees exactly the
 * bytes it would have seen, from the first request not answered here.
 *
 * The form taken (anything else is handed over):
 * - the request line exactly `POST /v1/verify HTTP/1.1` (no query, no other version);
 * - a head within node's 16 KB, in at most {@link MAX_HEAD_PIECES} reads, of `name: value` lines in
 *   CRLF, names of token characters, values of visible ASCII, space and tab only;
 * - one `Host`; at most one `Content-Type` (JSON, as the fast path takes), `Content-Length`
 *   (digits, 1 byte up to the body limit), `Authorization`, `User-Agent`, `X-Forwarded-For`;
 *   no `Transfer-Encoding`, `Content-Encoding`, `Expect` or `Upgrade`; `Connection` only as
 *   `keep-alive`.
 * Requests are answered one at a time and in order (pipelined ones wait, as node:http has them
 * wait), with node:http's keep-alive headers, and the answer is the fast path's, byte for byte
 * apart from the request ID (test/http-verify-wire.test.ts).
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { forwardedClient, plainVerifyBody, type SendAnswer, type TakeVerify } from './fast-verify.js';

const REQUEST_LINE_TEXT = 'POST /v1/verify HTTP/1.1\r\n';
const REQUEST_LINE = Buffer.from(REQUEST_LINE_TEXT, 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** node:http's default limit of a request's head (`maxHeaderSize`): a longer head is node's to refuse (431). */
const MAX_HEAD_BYTES = 16 * 1024;
/** A head still incomplete after this many reads goes to node:http (a slow or split head is its job, with its timeouts). */
export const MAX_HEAD_PIECES = 4;
/**
 * A plain header line: a name of token characters, a colon, then visible ASCII, space and tab only
 * (no lone CR or LF, no controls, no byte over 0x7e).
 */
const PLAIN_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e]*$/;
/** The lengths of the header names read below. */
const NAME_LENGTHS = new Set(
  ['host', 'content-type', 'content-length', 'authorization', 'user-agent', 'x-forwarded-for', 'connection', 'transfer-encoding', 'content-encoding', 'expect', 'upgrade'].map(
    (name) => name.length,
  ),
);

/** A request head, read. */
interface Head {
  /** Bytes of the whole request, head and body. */
  total: number;
  bodyStart: number;
  authorization: string | undefined;
  userAgent: string | undefined;
  forwardedFor: string | undefined;
}

export const HAND_OVER = 0;
export const INCOMPLETE = 1;

/** Reads the head of the request at the start of `buf`: the request, or HAND_OVER, or INCOMPLETE (more bytes may tell). */
export function readHead(buf: Buffer, bodyLimit: number): Head | typeof HAND_OVER | typeof INCOMPLETE {
  const lineLength = REQUEST_LINE.length;
  const headEnd = buf.length < lineLength ? -1 : buf.indexOf(HEAD_END, lineLength - 2);
  if (headEnd < 0) {
    // Not a whole head yet: more bytes may tell, while what came is the start of the request line.
    const compared = Math.min(buf.length, lineLength);
    if (buf.compare(REQUEST_LINE, 0, compared, 0, compared) !== 0) return HAND_OVER;
    return buf.length >= MAX_HEAD_BYTES ? HAND_OVER : INCOMPLETE;
  }
  if (headEnd + 4 > MAX_HEAD_BYTES) return HAND_OVER;
  const text = buf.toString('latin1', 0, headEnd + 2);
  if (!text.startsWith(REQUEST_LINE_TEXT)) return HAND_OVER;
  const head = text.slice(lineLength);
  let host = false;
  let type: string | undefined;
  let length: string | undefined;
  let authorization: string | undefined;
  let userAgent: string | undefined;
  let forwardedFor: string | undefined;
  let at = 0;
  while (at < head.length) {
    const lineEnd = head.indexOf('\r\n', at);
    const line = head.slice(at, lineEnd);
    at = lineEnd + 2;
    if (!PLAIN_LINE.test(line)) return HAND_OVER;
    const colon = line.indexOf(':');
    // Only names of these lengths can be one read below: the others are not even lowered.
    if (!NAME_LENGTHS.has(colon)) continue;
    const value = line.slice(colon + 1).trim();
    switch (line.slice(0, colon).toLowerCase()) {
      case 'host':
        if (host) return HAND_OVER;
        host = true;
        break;
      case 'content-type':
        if (type !== undefined) return HAND_OVER;
        type = value;
        break;
      case 'content-length':
        if (length !== undefined) return HAND_OVER;
        length = value;
        break;
      case 'authorization':
        if (authorization !== undefined) return HAND_OVER;
        authorization = value;
        break;
      case 'user-agent':
        if (userAgent !== undefined) return HAND_OVER;
        userAgent = value;
        break;
      case 'x-forwarded-for':
        if (forwardedFor !== undefined) return HAND_OVER;
        forwardedFor = value;
        break;
      case 'connection':
        if (value.toLowerCase() !== 'keep-alive') return HAND_OVER;
        break;
      case 'transfer-encoding':
      case 'content-encoding':
      case 'expect':
      case 'upgrade':
        return HAND_OVER;
    }
  }
  const bodyLength = host ? plainVerifyBody(type, length, bodyLimit) : -1;
  if (bodyLength < 0) return HAND_OVER;
  const bodyStart = headEnd + 4;
  return { total: bodyStart + bodyLength, bodyStart, authorization, userAgent, forwardedFor };
}

export interface WireVerifyOptions {
  /** The verify handler; null until the routes exist (a request before that goes to node:http). */
  take: () => TakeVerify | null;
  /** Counts a request answered here (the fast path's counter). */
  countTaken: () => void;
  bodyLimit: number;
  trustProxy: boolean;
  nextRequestId: () => string;
  /** An idle connection is closed after this long (node:http's keepAliveTimeout for the connections it holds). */
  keepAliveTimeoutMs: number;
}

/** node:http's Date header, made once a second. */
let dateText = '';
let dateUntil = 0;
function httpDate(): string {
  const now = Date.now();
  if (now >= dateUntil) {
    dateText = new Date(now).toUTCString();
    dateUntil = now - (now % 1000) + 1000;
  }
  return dateText;
}

/**
 * Takes the connections of `server` first: each starts with the reader below and is handed to
 * node:http's own connection handling at its first request not of the narrow form. Closing the
 * server closes the idle ones as node:http does its own (and a busy one after its answer).
 */
export function attachWireVerify(server: Server, options: WireVerifyOptions): void {
  const httpConnection = server.listeners('connection') as ((socket: Socket) => void)[];
  if (httpConnection.length !== 1) throw new Error(`wire verify: expected node:http's one connection listener, found ${httpConnection.length}`);
  server.removeAllListeners('connection');
  const open = new Set<WireConnection>();
  let closing = false;
  const keepAlive = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(options.keepAliveTimeoutMs / 1000)}\r\n\r\n`;

  class WireConnection {
    private chunks: Buffer[] = [];
    private buffered = 0;
    /** Bytes needed before reading again (a known request's length, or one more byte of an incomplete head). */
    private need = 0;
    private headPieces = 0;
    private busy = false;
    private inLoop = false;
    private paused = false;
    private readonly ip: string;
    private readonly send: SendAnswer;
    private readonly onData = (chunk: Buffer) => this.data(chunk);
    private readonly onEnd = () => this.end();
    private readonly onTimeout = () => this.socket.destroy();
    private readonly onError = () => this.socket.destroy();
    private readonly onClose = () => open.delete(this);

    constructor(private readonly socket: Socket) {
      this.ip = socket.remoteAddress ?? '';
      this.send = (status, requestId, text) => this.answer(status, requestId, text);
      socket.setTimeout(options.keepAliveTimeoutMs);
      socket.on('timeout', this.onTimeout);
      socket.on('error', this.onError);
      socket.on('close', this.onClose);
      socket.on('end', this.onEnd);
      socket.on('data', this.onData);
    }

    private data(chunk: Buffer): void {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.busy) {
        // Pipelined requests wait for the answer before theirs; past a full request's worth, stop reading.
        if (!this.paused && this.buffered > MAX_HEAD_BYTES + options.bodyLimit) {
          this.paused = true;
          this.socket.pause();
        }
        return;
      }
      if (this.buffered >= this.need) this.loop();
    }

    /**
     * The client ended its side: as node:http does (its servers do not allow half-open
     * connections), a request still waiting for its answer or not yet read is dropped, and the
     * connection is ended.
     */
    private end(): void {
      this.chunks.length = 0;
      this.buffered = 0;
      this.socket.end();
    }

    private loop(): void {
      this.inLoop = true;
      while (!this.busy && this.buffered > 0 && this.buffered >= this.need) {
        const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
        this.chunks[0] = buf;
        this.chunks.length = 1;
        const read = closing ? HAND_OVER : readHead(buf, options.bodyLimit);
        const take = read === HAND_OVER ? null : options.take();
        if (read === HAND_OVER || take === null) {
          this.handOver(buf);
          break;
        }
        if (read === INCOMPLETE) {
          if (++this.headPieces >= MAX_HEAD_PIECES) {
            this.handOver(buf);
            break;
          }
          this.need = this.buffered + 1;
          break;
        }
        if (read.total > this.buffered) {
          this.need = read.total;
          break;
        }
        const startedAt = performance.now();
        if (read.total === buf.length) {
          this.chunks.length = 0;
          this.buffered = 0;
        } else {
          this.chunks[0] = buf.subarray(read.total);
          this.buffered = buf.length - read.total;
        }
        this.need = 0;
        this.headPieces = 0;
        this.busy = true;
        options.countTaken();
        const ip = options.trustProxy ? forwardedClient({ headers: { 'x-forwarded-for': read.forwardedFor }, socket: this.socket }) : this.ip;
        take(buf.toString('utf8', read.bodyStart, read.total), options.nextRequestId(), startedAt, ip, read.userAgent, read.authorization, this.send);
      }
      this.inLoop = false;
    }

    private answer(status: number, requestId: string, text: string): void {
      const socket = this.socket;
      this.busy = false;
      // Gone, or ended by the client (see end()): the answer has no one to go to.
      if (socket.destroyed || !socket.writable) return;
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nx-request-id: ${requestId}\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\nDate: ${httpDate()}\r\n${closing ? 'Connection: close\r\n\r\n' : keepAlive}${text}`,
      );
      if (closing) {
        socket.end();
        return;
      }
      if (this.paused) {
        this.paused = false;
        socket.resume();
      }
      if (!this.inLoop) this.loop();
    }

    /** Gives the connection to node:http with the bytes not answered here, as if it had read them itself. */
    private handOver(buf: Buffer): void {
      const socket = this.socket;
      open.delete(this);
      this.chunks.length = 0;
      this.buffered = 0;
      socket.setTimeout(0);
      socket.removeListener('timeout', this.onTimeout);
      socket.removeListener('error', this.onError);
      socket.removeListener('close', this.onClose);
      socket.removeListener('end', this.onEnd);
      socket.removeListener('data', this.onData);
      // node:http's own connection handling, as for a socket just accepted (documented: any socket may be
      // given to the 'connection' event); the bytes read here go back to the front of the stream, where its
      // 'data' listener reads them before anything the socket reads next.
      httpConnection[0]!.call(server, socket);
      if (this.paused) {
        this.paused = false;
        socket.resume();
      }
      socket.unshift(buf);
    }

    closeIfIdle(): void {
      if (!this.busy && this.buffered === 0) this.socket.destroy();
    }

    destroy(): void {
      this.socket.destroy();
    }
  }

  server.on('connection', (socket: Socket) => {
    if (closing || socket.destroyed) {
      httpConnection[0]!.call(server, socket);
      return;
    }
    open.add(new WireConnection(socket));
  });
  // server.close() calls closeIdleConnections (Node ≥ 19), as Fastify's close does.
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closing = true;
    closeIdle();
    for (const connection of open) connection.closeIfIdle();
  };
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closing = true;
    closeAll();
    for (const connection of open) connection.destroy();
  };
}
