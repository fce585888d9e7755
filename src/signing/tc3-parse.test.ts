import { describe, expect, it } from 'vitest';
import { tc3Sign } from '../../test/vectors/sdk-signers.js';
import { parseTc3Request } from './tc3.js';

/** Malformed TC3 requests get a precise refusal, never an exception. The base is SDK-signed. */
const timestamp = 1_700_000_000; // 2023-11-14T22:13:20Z
const now = new Date(timestamp * 1000);
const base = tc3Sign({
  secretId: 'LKTCPARSE0000000000000',
  secretKey: 'secret',
  endpoint: 'https://cvm.tencentcloudapi.com',
  service: 'cvm',
  action: 'DescribeZones',
  version: '2017-03-12',
  method: 'POST',
  data: {},
  timestamp,
});
const authorization = base.headers.find(([n]) => n === 'Authorization')![1];

const withHeaders = (change: (headers: [string, string][]) => [string, string][]) => ({ ...base, headers: change(base.headers.map(([n, v]) => [n, v] as [string, string])) });
const withAuthorization = (value: string) => withHeaders((h) => h.map(([n, v]) => [n, n === 'Authorization' ? value : v]));
const detail = (request: typeof base) => {
  const parsed = parseTc3Request(request, { now });
  return parsed.ok ? 'OK' : parsed.detail;
};

describe('TC3 Authorization header', () => {
  it('the base request parses', () => {
    expect(authorization).toMatch(/^TC3-HMAC-SHA256 Credential=LKTCPARSE0000000000000\/2023-11-14\/cvm\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
    expect(detail(base)).toBe('OK');
  });

  it.each([
    ['another algorithm', authorization.replace('TC3-HMAC-SHA256', 'TC3-HMAC-SHA1'), 'UNSUPPORTED_ALGORITHM'],
    ['a missing component', authorization.replace(/, Signature=.*$/, ''), 'BAD_AUTHORIZATION'],
    ['an AWS-style date in the scope', authorization.replace('2023-11-14', '20231114'), 'BAD_CREDENTIAL'],
    ['an extra scope part', authorization.replace('/cvm/', '/ap-guangzhou/cvm/'), 'BAD_CREDENTIAL'],
    ['the AWS terminator', authorization.replace('tc3_request', 'aws4_request'), 'BAD_CREDENTIAL'],
    ['unsorted signed headers', authorization.replace('content-type;host', 'host;content-type'), 'BAD_SIGNED_HEADERS'],
    ['host not signed', authorization.replace('content-type;host', 'content-type'), 'HOST_NOT_SIGNED'],
    ['content-type not signed', authorization.replace('content-type;host', 'host'), 'CONTENT_TYPE_NOT_SIGNED'],
    ['a signed header that is absent', authorization.replace('content-type;host', 'content-type;host;x-tc-action;x-tc-nope'), 'SIGNED_HEADER_MISSING'],
    ['a scope date other than the timestamp date', authorization.replace('2023-11-14', '2023-11-15'), 'SCOPE_DATE_MISMATCH'],
  ])('%s is refused as %s', (_, value, expected) => {
    expect(parseTc3Request(withAuthorization(value), { now })).toMatchObject({ ok: false, code: 'MALFORMED', detail: expected });
  });

  it('signs more than content-type and host when asked to, values trimmed and lower-cased', () => {
    const parsed = parseTc3Request(
      withHeaders((h) => [...h.map(([n, v]) => [n, n === 'Authorization' ? v.replace('content-type;host', 'content-type;host;x-tc-action') : v] as [string, string])]),
      { now },
    );
    expect(parsed.ok && parsed.canonicalRequest.split('\n').slice(3, 6)).toEqual(['content-type:application/json', 'host:cvm.tencentcloudapi.com', 'x-tc-action:describezones']);
  });

  it('needs exactly one well-formed X-TC-Timestamp and one of each signed header', () => {
    expect(detail(withHeaders((h) => h.filter(([n]) => n !== 'X-TC-Timestamp')))).toBe('MISSING_DATE');
    expect(detail(withHeaders((h) => [...h, ['X-TC-Timestamp', String(timestamp)]]))).toBe('DUPLICATE_HEADER');
    expect(detail(withHeaders((h) => h.map(([n, v]) => [n, n === 'X-TC-Timestamp' ? `${v}.0` : v])))).toBe('BAD_DATE');
    expect(detail(withHeaders((h) => [...h, ['content-type', 'text/plain']]))).toBe('DUPLICATE_HEADER');
    expect(detail(withHeaders((h) => h.filter(([n]) => n !== 'Authorization')))).toBe('NO_SIGNATURE');
    expect(detail(withHeaders((h) => [...h, ['Authorization', authorization]]))).toBe('MULTIPLE_AUTHORIZATION');
  });
});
