/**
 * The real SDKs as signing clients, turned into the request a server receives.
 *
 * AWS: @smithy/signature-v4 (the AWS SDK for JavaScript v3's signer) with
 * @aws-crypto/sha256-js. A client stack adds the Host header before signing and its HTTP
 * handler puts `path?buildQueryString(query)` on the wire; both are reproduced with the
 * SDK's own functions, so the wire form is the one the SDK sends.
 *
 * Tencent: tencentcloud-sdk-nodejs's own Sign.sign3, with the headers, URL and body that its
 * HttpConnection.doRequestWithSign3 sends (Host is URL.host, the body is the JSON text).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';
import type { SignableRequest } from '../../src/signing/signable-request.js';

export interface AwsClientOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  /** S3: the path is signed as the client encoded it (uriEscapePath: false). */
  s3Style?: boolean;
  applyChecksum?: boolean;
}

export interface AwsRequestInput {
  method: string;
  hostname: string;
  port?: number;
  /** Already encoded, as the SDK's serializers build it. */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export function awsSigner(options: AwsClientOptions): SignatureV4 {
  return new SignatureV4({
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
    region: options.region,
    service: options.service,
    sha256: Sha256,
    uriEscapePath: !options.s3Style,
    ...(options.applyChecksum === undefined ? {} : { applyChecksum: options.applyChecksum }),
  });
}

function sdkRequest(input: AwsRequestInput): HttpRequest {
  const host = input.port === undefined ? input.hostname : `${input.hostname}:${input.port}`;
  return new HttpRequest({
    method: input.method,
    protocol: 'https:',
    hostname: input.hostname,
    ...(input.port === undefined ? {} : { port: input.port }),
    path: input.path,
    query: { ...input.query },
    headers: { host, ...input.headers },
    body: input.body,
  });
}

function onTheWire(request: { path: string; query?: Record<string, unknown>; headers: Record<string, string> }, body: string | Uint8Array | undefined): SignableRequest & { headers: [string, string][] } {
  const query = request.query ? buildQueryString(request.query as Record<string, string | string[]>) : '';
  return {
    method: (request as { method?: string }).method ?? 'GET',
    url: query ? `${request.path}?${query}` : request.path,
    headers: Object.entries(request.headers),
    ...(body === undefined ? {} : { body }),
  };
}

export async function awsSign(signer: SignatureV4, input: AwsRequestInput, signingDate: Date): Promise<SignableRequest & { headers: [string, string][] }> {
  const signed = (await signer.sign(sdkRequest(input), { signingDate })) as HttpRequest;
  return onTheWire(signed, input.body);
}

export async function awsPresign(
  signer: SignatureV4,
  input: AwsRequestInput,
  signingDate: Date,
  expiresIn: number,
): Promise<SignableRequest & { headers: [string, string][] }> {
  const signed = await signer.presign(sdkRequest(input), { signingDate, expiresIn });
  return onTheWire(signed as HttpRequest, input.body);
}

// Loaded through the SDK's own require so that the CommonJS module (and the json-bigint the
// SDK serialises with — it escapes more than JSON.stringify) are exactly the SDK's.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs'));
interface TencentSign {
  sign3(options: {
    method: string;
    url: string;
    payload: unknown;
    timestamp: number;
    service: string;
    secretId: string;
    secretKey: string;
    multipart: boolean;
    boundary: string | undefined;
    headers: Record<string, string>;
  }): string;
}
const Sign = (sdkRequire('./common/sign.js') as { default: TencentSign }).default;
const JSONbig = (sdkRequire('json-bigint') as (options: { useNativeBigInt: boolean }) => { stringify(value: unknown): string })({
  useNativeBigInt: true,
});

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** The endpoint as a user configures it, e.g. https://cvm.tencentcloudapi.com or http://127.0.0.1:8080 */
  endpoint: string;
  service: string;
  action: string;
  version: string;
  region?: string;
  method: 'GET' | 'POST';
  /** GET: flat parameters for the query; POST: the JSON payload. */
  data: Record<string, unknown>;
  timestamp: number;
  token?: string;
}

/** What HttpConnection.doRequestWithSign3 puts on the wire, signed by the SDK's Sign.sign3. */
export function tc3Sign(input: Tc3Input): SignableRequest & { headers: [string, string][] } {
  let url = `${input.endpoint.replace(/\/$/, '')}/`;
  if (input.method === 'GET') {
    url += `?${querystring.stringify(input.data as querystring.ParsedUrlQueryInput)}`;
  }
  const contentType = input.method === 'GET' ? 'application/x-www-form-urlencoded' : 'application/json';
  const headers: Record<string, string> = {
    Host: new URL(url).host,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(input.timestamp),
    'X-TC-Version': input.version,
    ...(input.region === undefined ? {} : { 'X-TC-Region': input.region }),
    ...(input.token === undefined ? {} : { 'X-TC-Token': input.token }),
    'Content-Type': contentType,
  };
  const body = input.method === 'POST' ? JSONbig.stringify(input.data) : undefined;
  headers.Authorization = Sign.sign3({
    method: input.method,
    url,
    payload: input.method === 'POST' ? input.data : '',
    timestamp: input.timestamp,
    service: input.service,
    secretId: input.secretId,
    secretKey: input.secretKey,
    multipart: false,
    boundary: undefined,
    headers,
  });
  const wire = new URL(url);
  return {
    method: input.method,
    url: wire.pathname + wire.search,
    headers: Object.entries(headers),
    ...(body === undefined ? {} : { body }),
  };
}
