/**
 * Signed requests against the real server: the app listening on a real port (real SDK clients
 * need one), POST /v1/verify with a signed request in its JSON form, the access records of a key,
 * and a "guarded" API — a small HTTP server that asks Latchkey about every request it gets (the
 * way a team's own API would) before answering it.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignableRequest } from '../../src/signing/signable-request.js';
import { verifierForText, type Harness, type Session, type Verifier } from './http.js';

/** Starts the harness's app on a free port of 127.0.0.1; returns its base URL. */
export async function listen(h: Harness): Promise<string> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}

/** The JSON form of a signed request for POST /v1/verify (a byte body goes as base64). */
export function verifyJson(request: SignableRequest): Record<string, unknown> {
  const body = request.body;
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(typeof body === 'string' && { body }),
    ...(body instanceof Uint8Array && { body: Buffer.from(body).toString('base64'), bodyEncoding: 'base64' }),
    ...(request.bodySha256 !== undefined && { bodySha256: request.bodySha256 }),
  };
}

/** POST /v1/verify {request, permission?}, asked by the verifier of the signing key's tenant (or `as`); fails the test unless it answers 200. */
export async function verifySigned(h: Harness, request: SignableRequest | Record<string, unknown>, permission?: string, as?: Verifier): Promise<any> {
  const json = 'headers' in request && typeof (request as SignableRequest).method === 'string' ? verifyJson(request as SignableRequest) : request;
  const verifier = as ?? (await verifierForText(h.services, h.store, JSON.stringify(json)));
  const res = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { request: json, ...(permission !== undefined && { permission }) } });
  if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${res.text}`);
  return res.body;
}

export interface RecordView {
  outcome: 'success' | 'failure';
  code: string | null;
  scheme: string;
  permission: string | null;
  userAgent: string | null;
  sourceIp: string | null;
  detail: Record<string, string> | null;
}

/** A key's access records, newest first, after writing what is buffered. */
export async function recordsOf(h: Harness, admin: Session, accessKeyId: string): Promise<RecordView[]> {
  await h.services.recorder.flush();
  const res = await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}/access-records?limit=100`, as: admin });
  if (res.status !== 200) throw new Error(`access records answered ${res.status}: ${res.text}`);
  return res.body.items;
}

export interface Allowed {
  accessKeyId: string;
  tenantId: string;
  userId: string;
  permissions: string[];
}

export interface GuardedRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

export interface GuardOptions {
  latchkeyUrl: string;
  /** The guarded API's verifier token (a verifier key of its tenant). */
  verifier: string;
  permission?: string;
  /** A man in the middle: what reaches Latchkey is this instead of what the client sent. */
  tamper?: (request: GuardedRequest) => GuardedRequest;
  /** The answer to a request Latchkey let through. */
  allowed(request: GuardedRequest, who: Allowed, res: http.ServerResponse): void;
  /** The answer to a refused one, in the protocol the client speaks. */
  refused(code: string, res: http.ServerResponse): void;
}

export interface Guard {
  url: string;
  port: number;
  /** Requests that got past Latchkey. */
  allowedCount(): number;
  /** What Latchkey answered, newest last. */
  answers: { valid: boolean; code?: string }[];
  /** Makes the next requests reach Latchkey altered (or as sent again with null). */
  setTamper(tamper: GuardOptions['tamper'] | null): void;
  close(): Promise<void>;
}

/** An API that verifies every request, body and all, through Latchkey's POST /v1/verify before serving it. */
export async function startGuard(options: GuardOptions): Promise<Guard> {
  let tamper = options.tamper ?? null;
  let allowedCount = 0;
  const answers: Guard['answers'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const pairs: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const received: GuardedRequest = { method: req.method!, url: req.url!, headers: pairs, body: Buffer.concat(chunks) };
      const asked = tamper ? tamper(received) : received;
      const request = {
        method: asked.method,
        url: asked.url,
        headers: asked.headers,
        ...(asked.body.length > 0 && { body: asked.body.toString('base64'), bodyEncoding: 'base64' }),
      };
      fetch(`${options.latchkeyUrl}/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.verifier}` },
        body: JSON.stringify({ request, ...(options.permission && { permission: options.permission }), context: { sourceIp: req.socket.remoteAddress ?? '' } }),
      })
        .then(async (answer) => {
          const verdict = (await answer.json()) as { valid: boolean; code?: string } & Allowed;
          if (answer.status !== 200) throw new Error(`Latchkey answered ${answer.status}: ${JSON.stringify(verdict)}`);
          answers.push(verdict.valid ? { valid: true } : { valid: false, code: verdict.code! });
          if (!verdict.valid) return options.refused(verdict.code!, res);
          allowedCount++;
          options.allowed(received, verdict, res);
        })
        .catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    allowedCount: () => allowedCount,
    answers,
    setTamper: (next) => {
      tamper = next ?? null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A refusal in S3's XML error format, so the AWS SDK's error carries Latchkey's code as its name. */
export function s3Refusal(code: string, res: http.ServerResponse): void {
  res.writeHead(403, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>Refused by Latchkey</Message><RequestId>${randomUUID()}</RequestId></Error>`);
}
