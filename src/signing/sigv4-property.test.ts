import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awsPresign, awsSign, awsSigner, type AwsClientOptions, type AwsRequestInput } from '../../test/vectors/sdk-signers.js';
import { deriveSigV4SigningKey, parseSigV4Request, sigV4ProfileForService, verifySigV4 } from './sigv4.js';

/**
 * Random requests signed by the AWS SDK verify; any single change to what was signed fails.
 */
type Wire = Awaited<ReturnType<typeof awsSign>>;

const client: AwsClientOptions = {
  accessKeyId: 'LKQWERTYUIOPASDFGHJKLZ',
  secretAccessKey: 'Zx8Cv7Bn6Mq5Wa4Se3Dr2Ft1Gy0Hu9Ji8Ko7Lp6Q',
  region: 'us-west-2',
  service: 'widgets',
};
const s3Client: AwsClientOptions = { ...client, service: 's3', s3Style: true };

const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary-ascii', maxLength: 8 }));
const segment = fc.oneof(fc.constantFrom('', '.', '..'), text);
const path = fc.tuple(fc.array(segment, { maxLength: 5 }), fc.boolean()).map(([segments, trailing]) => `/${segments.map(escapeUri).join('/')}${trailing && segments.length > 0 ? '/' : ''}`);
const queryKey = text.filter((k) => !k.toLowerCase().startsWith('x-amz-') && k !== '__proto__');
const query = fc.dictionary(queryKey, fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), { maxKeys: 4 });
const headerValue = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '  ', '\t', ',', ';', '"', '=', '/', 'é'), maxLength: 12 }).map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''));
const headerName = fc.oneof(fc.stringMatching(/^x-[a-z0-9]{1,8}$/), fc.constantFrom('content-type', 'x-amz-meta-colour', 'x-amz-acl', 'user-agent', 'x-amzn-trace-id', 'if-match'));
// Each header: one value, or several sent as repeated headers (signed as the comma-joined value).
const headers = fc.dictionary(headerName, fc.array(headerValue, { minLength: 1, maxLength: 3 }), { maxKeys: 5 });
const body = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })), { nil: undefined });
const method = fc.oneof(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'), fc.stringMatching(/^[A-Z]{3,8}$/));
const signedAt = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
const skew = fc.integer({ min: -300, max: 300 });

const requestInput = fc.record({ method, path, query, headers, body });
type Generated = { method: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string[]>; body: string | Uint8Array | undefined };

function toInput(g: Generated): AwsRequestInput {
  const joined = Object.fromEntries(Object.entries(g.headers).map(([name, values]) => [name, values.join(',')]));
  return { method: g.method, hostname: 'widgets.example.com', path: g.path, query: g.query, headers: joined, body: g.body };
}

/** Repeated headers go on the wire as separate lines, in order. */
function splitRepeated(wire: Wire, g: Generated): Wire {
  const pairs = wire.headers.flatMap(([name, value]): [string, string][] => {
    const values = g.headers[name];
    return values && values.length > 1 && values.join(',') === value ? values.map((v) => [name, v] as [string, string]) : [[name, value]];
  });
  return { ...wire, headers: pairs };
}

function outcome(request: Wire, now: Date, s3 = false) {
  const parsed = parseSigV4Request(request, { now, ...(s3 ? { profile: sigV4ProfileForService } : {}) });
  if (!parsed.ok) return parsed.code;
  return verifySigV4(parsed, deriveSigV4SigningKey(client.secretAccessKey, parsed.scope)).ok ? 'OK' : 'SIGNATURE_MISMATCH';
}

const at = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

describe('SigV4 round trips with the AWS SDK (property)', () => {
  it('header-signed requests verify', async () => {
    await fc.assert(
      fc.asyncProperty(requestInput, signedAt, skew, async (g, date, offset) => {
        const wire = splitRepeated(await awsSign(awsSigner(client), toInput(g), date), g);
        expect(outcome(wire, at(date, offset))).toBe('OK');
      }),
    );
  });

  it('S3-style requests verify under the S3 profile', async () => {
    await fc.assert(
      fc.asyncProperty(requestInput, signedAt, fc.integer({ min: -900, max: 900 }), async (g, date, offset) => {
        const wire = splitRepeated(await awsSign(awsSigner(s3Client), toInput(g), date), g);
        expect(outcome(wire, at(date, offset), true)).toBe('OK');
      }),
    );
  });

  it('presigned URLs verify until they expire', async () => {
    await fc.assert(
      fc.asyncProperty(requestInput, signedAt, fc.integer({ min: 1, max: 604_800 }), async (g, date, expires) => {
        const wire = splitRepeated(await awsPresign(awsSigner(client), { ...toInput(g), body: undefined }, date, expires), g);
        expect(outcome(wire, at(date, expires))).toBe('OK');
        expect(outcome(wire, at(date, expires + 1))).toBe('REQUEST_TIME_SKEWED');
      }),
    );
  });

  const lastHex = (v: string) => v.slice(0, -1) + (v.endsWith('0') ? '1' : '0');
  const mapHeaders = (w: Wire, f: (name: string, value: string, index: number) => string): Wire => ({
    ...w,
    headers: w.headers.map(([n, v], i) => [n, f(n, v, i)] as [string, string]),
  });
  /** The index of a signed header other than host and the date and hash headers, chosen by `pick`. */
  const signedHeaderAt = (w: Wire, pick: number): number => {
    const list = /SignedHeaders=([^,]+)/.exec(w.headers.find(([n]) => n === 'authorization')?.[1] ?? '')?.[1]?.split(';') ?? [];
    const candidates = w.headers.map(([n], i) => [n, i] as const).filter(([n]) => list.includes(n) && !['host', 'x-amz-date', 'x-amz-content-sha256'].includes(n));
    return candidates.length === 0 ? -1 : candidates[pick % candidates.length]![1];
  };
  const changes: [string, (w: Wire, pick: number) => Wire][] = [
    ['method', (w) => ({ ...w, method: w.method.slice(0, -1) + (w.method.endsWith('Q') ? 'R' : 'Q') })],
    ['path', (w) => ({ ...w, url: w.url.replace(/^([^?]*)/, '$1zz') })],
    ['query added', (w) => ({ ...w, url: `${w.url}${w.url.includes('?') ? '&' : '?'}added=1` })],
    ['query value', (w) => ({ ...w, url: w.url.includes('?') ? w.url.replace(/^([^?]*\?[^=&]*)/, '$1z') : `${w.url}?z` })],
    ['host', (w) => mapHeaders(w, (n, v) => (n === 'host' ? `${v}z` : v))],
    ['signed header', (w, pick) => mapHeaders(w, (_, v, i) => (i === signedHeaderAt(w, pick) ? `${v}z` : v))],
    ['body', (w) => ({ ...w, body: `${typeof w.body === 'string' ? w.body : Buffer.from(w.body ?? []).toString('latin1')}!` })],
    ['signature', (w) => mapHeaders(w, (n, v) => (n === 'authorization' ? lastHex(v) : v))],
    ['date', (w) => mapHeaders(w, (n, v) => (n === 'x-amz-date' ? v.replace(/(\d)Z$/, (_, d: string) => `${d === '0' ? 1 : 0}Z`) : v))],
  ];

  it('any single change to a header-signed request fails', async () => {
    await fc.assert(
      fc.asyncProperty(requestInput, signedAt, fc.nat(changes.length - 1), fc.nat(), async (g, date, which, pick) => {
        const [label, change] = changes[which]!;
        const wire = splitRepeated(await awsSign(awsSigner(client), toInput(g), date), g);
        const changed = change(wire, pick);
        // A request without a header of the kind to change proves nothing.
        fc.pre(JSON.stringify(changed) !== JSON.stringify(wire));
        expect([label, outcome(changed, date)]).not.toEqual([label, 'OK']);
      }),
    );
  });

  const presignedChanges: [string, (w: Wire) => Wire][] = [
    ['method', (w) => ({ ...w, method: w.method.slice(0, -1) + (w.method.endsWith('Q') ? 'R' : 'Q') })],
    ['path', (w) => ({ ...w, url: w.url.replace(/^([^?]*)/, '$1zz') })],
    ['query added', (w) => ({ ...w, url: `${w.url}&added=1` })],
    ['host', (w) => mapHeaders(w, (n, v) => (n === 'host' ? `${v}z` : v))],
    ['signature', (w) => ({ ...w, url: w.url.replace(/(X-Amz-Signature=[0-9a-f]*)([0-9a-f])/, (_, head: string, d: string) => head + (d === '0' ? '1' : '0')) })],
    ['expiry', (w) => ({ ...w, url: w.url.replace(/X-Amz-Expires=(\d+)/, (_, n: string) => `X-Amz-Expires=${Number(n) + 1}`) })],
  ];

  it('any single change to a presigned URL fails', async () => {
    await fc.assert(
      fc.asyncProperty(requestInput, signedAt, fc.nat(presignedChanges.length - 1), async (g, date, which) => {
        const [label, change] = presignedChanges[which]!;
        const wire = await awsPresign(awsSigner(client), { ...toInput(g), body: undefined }, date, 3600);
        const changed = change(wire);
        expect(JSON.stringify(changed)).not.toBe(JSON.stringify(wire));
        expect([label, outcome(changed, date)]).not.toEqual([label, 'OK']);
      }),
    );
  });
});
