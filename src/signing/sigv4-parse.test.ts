import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSigV4SigningKey, parseSigV4Request, verifySigV4 } from './sigv4.js';

/**
 * Malformed SigV4 requests get a precise, stable refusal — never an exception. The base is
 * the AWS suite's get-vanilla request, which verifies as is.
 */
const now = new Date('2015-08-30T12:36:00Z');
const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const signature = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const credential = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const auth = (params: string, algorithm = 'AWS4-HMAC-SHA256') => `${algorithm} ${params}`;
const vanilla = auth(`Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=${signature}`);

function header(authorization: string | string[], extra: [string, string][] = [], url = '/') {
  const values = Array.isArray(authorization) ? authorization : [authorization];
  return {
    method: 'GET',
    url,
    headers: [['Host', 'example.amazonaws.com'], ['X-Amz-Date', '20150830T123600Z'], ...values.map((v) => ['Authorization', v] as [string, string]), ...extra] as [string, string][],
  };
}

const detail = (request: ReturnType<typeof header>) => {
  const parsed = parseSigV4Request(request, { now });
  return parsed.ok ? 'OK' : parsed.detail;
};

describe('SigV4 Authorization header', () => {
  it('the base request verifies, with or without spaces after the commas', () => {
    const parsed = parseSigV4Request(header(vanilla), { now });
    expect(parsed.ok && verifySigV4(parsed, deriveSigV4SigningKey(secret, parsed.scope))).toEqual({ ok: true });
    expect(detail(header(vanilla.replace(/, /g, ',')))).toBe('OK');
  });

  it.each([
    ['another scheme', 'Bearer lk_abc', 'UNSUPPORTED_ALGORITHM'],
    ['another algorithm', vanilla.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'), 'UNSUPPORTED_ALGORITHM'],
    ['nothing after the algorithm', 'AWS4-HMAC-SHA256', 'BAD_AUTHORIZATION'],
    ['no Signature', auth(`Credential=${credential}, SignedHeaders=host;x-amz-date`), 'BAD_AUTHORIZATION'],
    ['a repeated component', `${vanilla}, Signature=${signature}`, 'BAD_AUTHORIZATION'],
    ['an unknown component', `${vanilla}, Foo=bar`, 'BAD_AUTHORIZATION'],
    ['an empty component', auth(`Credential=, SignedHeaders=host;x-amz-date, Signature=${signature}`), 'BAD_AUTHORIZATION'],
    ['four credential parts', vanilla.replace('/service/', '/'), 'BAD_CREDENTIAL'],
    ['a wrong terminator', vanilla.replace('aws4_request', 'tc3_request'), 'BAD_CREDENTIAL'],
    ['an impossible scope date', vanilla.replace('20150830/', '20150231/'), 'BAD_CREDENTIAL'],
    ['an odd key ID', vanilla.replace('AKIDEXAMPLE', 'AKID EXAMPLE'), 'BAD_CREDENTIAL'],
    ['unsorted signed headers', vanilla.replace('host;x-amz-date', 'x-amz-date;host'), 'BAD_SIGNED_HEADERS'],
    ['upper-case signed headers', vanilla.replace('host;x-amz-date', 'Host;x-amz-date'), 'BAD_SIGNED_HEADERS'],
    ['a header signed twice', vanilla.replace('host;x-amz-date', 'host;host;x-amz-date'), 'BAD_SIGNED_HEADERS'],
    ['host not signed', vanilla.replace('host;x-amz-date', 'x-amz-date'), 'HOST_NOT_SIGNED'],
    ['the date not signed', vanilla.replace('host;x-amz-date', 'host'), 'DATE_NOT_SIGNED'],
    ['a signed header that is absent', vanilla.replace('host;x-amz-date', 'host;my-header;x-amz-date'), 'SIGNED_HEADER_MISSING'],
    ['an upper-case signature', vanilla.replace(signature, signature.toUpperCase()), 'BAD_SIGNATURE_FORMAT'],
    ['a short signature', vanilla.replace(signature, signature.slice(1)), 'BAD_SIGNATURE_FORMAT'],
    ['a scope date that is not the request date', vanilla.replace('20150830/', '20150829/'), 'SCOPE_DATE_MISMATCH'],
  ])('%s is refused as %s', (_, authorization, expected) => {
    const parsed = parseSigV4Request(header(authorization), { now });
    expect(parsed).toMatchObject({ ok: false, code: 'MALFORMED', detail: expected });
  });

  it('names the key in refusals once the credential was read, not before', () => {
    expect(parseSigV4Request(header(vanilla.replace('host;x-amz-date', 'x-amz-date')), { now })).toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
    expect(parseSigV4Request(header('Bearer x'), { now })).not.toHaveProperty('accessKeyId');
  });

  it('refuses two Authorization headers, a header and a presigned query together, and no signature at all', () => {
    expect(detail(header([vanilla, vanilla]))).toBe('MULTIPLE_AUTHORIZATION');
    expect(detail(header(vanilla, [], `/?X-Amz-Signature=${signature}`))).toBe('AMBIGUOUS_AUTHORIZATION');
    expect(detail(header([]))).toBe('NO_SIGNATURE');
  });

  it('needs exactly one well-formed request time', () => {
    const withoutDate = { ...header(vanilla), headers: header(vanilla).headers.filter(([n]) => n !== 'X-Amz-Date') };
    expect(detail(withoutDate)).toBe('MISSING_DATE');
    expect(detail(header(vanilla, [['X-Amz-Date', '20150830T123600Z']]))).toBe('DUPLICATE_HEADER');
    const badDate = { ...header(vanilla), headers: header(vanilla).headers.map(([n, v]) => [n, n === 'X-Amz-Date' ? '2015-08-30T12:36:00Z' : v] as [string, string]) };
    expect(detail(badDate)).toBe('BAD_DATE');
  });

  it('checks x-amz-content-sha256 once it is signed: a hex hash, UNSIGNED-PAYLOAD where allowed', () => {
    const signedHash = vanilla.replace('host;x-amz-date', 'host;x-amz-content-sha256;x-amz-date');
    expect(detail(header(vanilla, [['X-Amz-Content-Sha256', 'e3b0'.padEnd(64, '0')]]))).toBe('AMZ_HEADER_NOT_SIGNED');
    expect(detail(header(signedHash, [['X-Amz-Content-Sha256', 'abc']]))).toBe('BAD_PAYLOAD_HASH');
    expect(detail(header(signedHash, [['X-Amz-Content-Sha256', 'E'.repeat(64)]]))).toBe('BAD_PAYLOAD_HASH');
    expect(detail(header(signedHash, [['X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD']]))).toBe('UNSIGNED_PAYLOAD_NOT_ALLOWED');
  });

  it('refuses a malformed percent escape in the query', () => {
    expect(parseSigV4Request(header(vanilla, [], '/?a=%zz'), { now })).toMatchObject({ code: 'MALFORMED', detail: 'BAD_PERCENT_ENCODING', accessKeyId: 'AKIDEXAMPLE' });
  });
});

describe('SigV4 presigned query', () => {
  const query = (params: Record<string, string>) =>
    `/?${Object.entries({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': encodeURIComponent(credential),
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '3600',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': 'e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d',
      ...params,
    })
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}`;
  const presigned = (url: string) => ({ method: 'GET', url, headers: { host: 'example.amazonaws.com' } });
  const presignedDetail = (url: string) => {
    const parsed = parseSigV4Request(presigned(url), { now });
    return parsed.ok ? verifySigV4(parsed, deriveSigV4SigningKey(secret, parsed.scope)).ok && 'OK' : parsed.detail;
  };

  it('verifies the suite example, parameter names in any case', () => {
    expect(presignedDetail(query({}))).toBe('OK');
    expect(presignedDetail(query({}).replace('X-Amz-Signature', 'x-amz-signature'))).toBe('OK');
  });

  it.each([
    ['a missing X-Amz-Date', { 'X-Amz-Date': '' }, 'BAD_PRESIGNED_QUERY'],
    ['a missing X-Amz-Expires', { 'X-Amz-Expires': '' }, 'BAD_PRESIGNED_QUERY'],
    ['another algorithm', { 'X-Amz-Algorithm': 'AWS4-ECDSA-P256-SHA256' }, 'UNSUPPORTED_ALGORITHM'],
    ['a zero expiry', { 'X-Amz-Expires': '0' }, 'BAD_EXPIRES'],
    ['an expiry over a week', { 'X-Amz-Expires': '604801' }, 'BAD_EXPIRES'],
    ['a non-numeric expiry', { 'X-Amz-Expires': '1e3' }, 'BAD_EXPIRES'],
    ['a session token', { 'X-Amz-Security-Token': 'abc' }, 'SESSION_TOKEN_NOT_ACCEPTED'],
  ])('%s is refused as %s', (_, params, expected) => {
    expect(presignedDetail(query(params))).toBe(expected);
  });

  it('refuses a repeated X-Amz- parameter', () => {
    expect(presignedDetail(`${query({})}&X-Amz-Signature=00`)).toBe('BAD_PRESIGNED_QUERY');
  });
});

describe('SigV4 with the Date header', () => {
  it('takes the request time from Date when there is no X-Amz-Date, and signs it in basic form', () => {
    const date = 'Sun, 30 Aug 2015 12:36:00 GMT';
    const canonical = `GET\n/\n\ndate:${date}\nhost:example.amazonaws.com\n\ndate;host\n${createHash('sha256').update('').digest('hex')}`;
    const stringToSign = `AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    // The documented key chain, written out independently of the module.
    let key: Buffer = createHmac('sha256', `AWS4${secret}`).update('20150830').digest();
    for (const part of ['us-east-1', 'service', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const sig = createHmac('sha256', key).update(stringToSign).digest('hex');
    const request = {
      method: 'GET',
      url: '/',
      headers: { host: 'example.amazonaws.com', date, authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=date;host, Signature=${sig}` },
    };
    const parsed = parseSigV4Request(request, { now });
    expect(parsed).toMatchObject({ ok: true, canonicalRequest: canonical, stringToSign });
    expect(parsed.ok && verifySigV4(parsed, deriveSigV4SigningKey(secret, parsed.scope))).toEqual({ ok: true });
  });
});
