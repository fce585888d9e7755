import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tc3Sign, type Tc3Input } from '../../test/vectors/sdk-signers.js';
import { deriveTc3SigningKey, parseTc3Request, verifyTc3 } from './tc3.js';

/** Random requests signed by tencentcloud-sdk-nodejs verify; any single change fails. */
type Wire = ReturnType<typeof tc3Sign>;

const secretKey = 'Pl0Ok9Ij8Uh7Yg6Tf5Rd4Es3Wa2Qz1Xc0Vb9Nm8K';
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.string({ unit: 'binary-ascii', maxLength: 10 }));
const key = text.filter((k) => k !== '' && k !== '__proto__');
const getData = fc.dictionary(key, fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 5 });
const postData = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
const endpoint = fc.constantFrom('https://cvm.tencentcloudapi.com', 'http://127.0.0.1:8080', 'http://[::1]:9000', 'https://API.Example.COM');
const request = fc.oneof(fc.record({ method: fc.constant('GET' as const), data: getData }), fc.record({ method: fc.constant('POST' as const), data: postData }));
const timestamp = fc.integer({ min: 1_600_000_000, max: 4_000_000_000 });

function input(r: { method: 'GET' | 'POST'; data: Record<string, unknown> }, url: string, ts: number): Tc3Input {
  return { secretId: 'LKPROPERTYTESTKEY00000', secretKey, endpoint: url, service: 'cvm', action: 'RunInstances', version: '2017-03-12', method: r.method, data: r.data, timestamp: ts };
}

function outcome(wire: Wire, now: Date): string {
  const parsed = parseTc3Request(wire, { now });
  if (!parsed.ok) return parsed.code;
  return verifyTc3(parsed, deriveTc3SigningKey(secretKey, parsed.scope)).ok ? 'OK' : 'SIGNATURE_MISMATCH';
}

const header = (w: Wire, name: string, f: (v: string) => string): Wire => ({
  ...w,
  headers: w.headers.map(([n, v]) => [n, n === name ? f(v) : v] as [string, string]),
});
const changes: [string, (w: Wire) => Wire][] = [
  ['method', (w) => ({ ...w, method: w.method === 'GET' ? 'PUT' : 'GET' })],
  ['query', (w) => ({ ...w, url: `${w.url}${w.url.includes('?') ? '&' : '?'}z=1` })],
  ['body', (w) => ({ ...w, body: `${(w.body as string | undefined) ?? ''} ` })],
  ['host', (w) => header(w, 'Host', (v) => `a${v}`)],
  ['content type', (w) => header(w, 'Content-Type', (v) => `${v}x`)],
  ['timestamp', (w) => header(w, 'X-TC-Timestamp', (v) => String(Number(v) - 1))],
  ['signature', (w) => header(w, 'Authorization', (v) => v.slice(0, -1) + (v.endsWith('0') ? '1' : '0'))],
  ['scope', (w) => header(w, 'Authorization', (v) => v.replace('/cvm/', '/cbs/'))],
];

describe('TC3 round trips with tencentcloud-sdk-nodejs (property)', () => {
  it('signed requests verify within the 5-minute window', () => {
    fc.assert(
      fc.property(request, endpoint, timestamp, fc.integer({ min: -300, max: 300 }), (r, url, ts, skew) => {
        expect(outcome(tc3Sign(input(r, url, ts)), new Date((ts + skew) * 1000))).toBe('OK');
      }),
    );
  });

  it('any single change fails', () => {
    fc.assert(
      fc.property(request, endpoint, timestamp, fc.nat(changes.length - 1), (r, url, ts, which) => {
        const [label, change] = changes[which]!;
        const wire = tc3Sign(input(r, url, ts));
        expect([label, outcome(change(wire), new Date(ts * 1000))]).not.toEqual([label, 'OK']);
      }),
    );
  });
});
