import { describe, expect, it } from 'vitest';
import { loadSigV4Suite } from '../../test/vectors/aws-sigv4-suite.js';
import { parseAuthorizationParams, parseSignedHeaders } from './credential.js';
import { prepareRequest, sha256Hex, type PreparedRequest } from './signable-request.js';
import { deriveSigV4SigningKey, parseSigV4Request, verifySigV4 } from './sigv4.js';
import { sigV4CanonicalRequest, sigV4StringToSign } from './sigv4-canonical.js';
import { parseQuery } from './uri-encoding.js';

const suite = loadSigV4Suite();
const withToken = suite.filter((c) => c.context.credentials.token !== undefined);
const plain = suite.filter((c) => c.context.credentials.token === undefined);

describe('AWS SigV4 test suite', () => {
  it('is all there: 38 cases, 3 of them carrying a session token', () => {
    expect(suite).toHaveLength(38);
    expect(withToken.map((c) => c.name)).toEqual(['get-vanilla-with-session-token', 'post-sts-header-after', 'post-sts-header-before']);
  });

  for (const form of ['header', 'query'] as const) {
    describe(`${form} form`, () => {
      it.each(plain.map((c) => [c.name, c] as const))('%s verifies with the same canonical request and string to sign', (_, c) => {
        const vector = c[form];
        const parsed = parseSigV4Request(vector.signedRequest, { now: c.now, profile: { normalizePath: c.context.normalize } });
        if (!parsed.ok) throw new Error(`${c.name}: ${parsed.detail}`);
        expect(parsed.form).toBe(form === 'header' ? 'header' : 'presigned');
        expect(parsed.canonicalRequest).toBe(vector.canonicalRequest);
        expect(parsed.stringToSign).toBe(vector.stringToSign);
        expect(parsed.signature).toBe(vector.signature);
        expect(parsed.accessKeyId).toBe(c.context.credentials.access_key_id);
        expect(parsed.scope).toEqual({ date: '20150830', region: c.context.region, service: c.context.service });
        const key = deriveSigV4SigningKey(c.context.credentials.secret_access_key, parsed.scope);
        expect(verifySigV4(parsed, key)).toEqual({ ok: true });
      });

      it.each(withToken.map((c) => [c.name, c] as const))('%s is refused: Latchkey issues no session tokens', (_, c) => {
        const parsed = parseSigV4Request(c[form].signedRequest, { now: c.now });
        expect(parsed).toMatchObject({ ok: false, code: 'MALFORMED', detail: 'SESSION_TOKEN_NOT_ACCEPTED', accessKeyId: 'AKIDEXAMPLE' });
      });
    });
  }

  // The refusal above is a rule, not a gap: the canonical form of those requests is still right.
  it.each(withToken.map((c) => [c.name, c] as const))('%s header form still canonicalises as the suite says', (_, c) => {
    const request = c.header.signedRequest;
    const prepared = prepareRequest(request) as PreparedRequest;
    const authorization = prepared.headers.get('authorization')![0]!;
    const params = parseAuthorizationParams(authorization.slice(authorization.indexOf(' ') + 1))!;
    const canonical = sigV4CanonicalRequest({
      method: prepared.method,
      path: prepared.path,
      query: parseQuery(prepared.query),
      excludeSignature: false,
      headers: prepared.headers,
      signedHeaders: parseSignedHeaders(params.signedHeaders)!,
      payloadHash: sha256Hex(''),
      normalizePath: c.context.normalize,
    });
    expect(canonical).toBe(c.header.canonicalRequest);
    expect(sigV4StringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', canonical!)).toBe(c.header.stringToSign);
  });
});
