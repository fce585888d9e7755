/**
 * Throttled guessing behind Debian's nginx: nginx's auth_request passes only 2xx, 401 and 403 on
 * and turns any other answer of the auth subrequest — Latchkey's 429 RATE_LIMITED too — into a
 * 500. The few lines of docs/nginx.md ("Too many failed attempts") turn it back into a 429 with
 * Retry-After; this test runs both configurations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { openHttp, type Harness } from './support/http.js';
import { listen } from './support/signed.js';
import { startNginx, type Nginx } from './support/signed-nginx.js';

/** What docs/nginx.md adds to a protected location, and the named location it hands a refused guess to. */
const RATE_LIMITED_LOCATION_LINES = `
      auth_request_set $latchkey_retry_after $upstream_http_retry_after;
      error_page 500 = @latchkey_rate_limited;`;
const RATE_LIMITED_NAMED_LOCATION = `
    location @latchkey_rate_limited {
      default_type application/json;
      if ($latchkey_code = RATE_LIMITED) {
        add_header Retry-After $latchkey_retry_after always;
        add_header X-Latchkey-Code RATE_LIMITED always;
        return 429 '{"error":{"code":"RATE_LIMITED","message":"Too many failed attempts; try again later."}}';
      }
      return 500;
    }
`;

describe('RATE_LIMITED through nginx auth_request', () => {
  let h: Harness;
  let upstream: http.Server;
  let plain: Nginx;
  let mapped: Nginx;

  beforeAll(async () => {
    h = await openHttp('sqlite');
    const latchkeyPort = Number(new URL(await listen(h)).port);
    upstream = http.createServer((_req, res) => res.end('upstream'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    plain = await startNginx({ latchkeyPort, upstreamPort });
    mapped = await startNginx({
      latchkeyPort,
      upstreamPort,
      configure: (config) =>
        config
          .replace('add_header X-Latchkey-Code $latchkey_code always;', `add_header X-Latchkey-Code $latchkey_code always;${RATE_LIMITED_LOCATION_LINES}`)
          .replace(/(\n {4}location = \/_latchkey \{)/, `${RATE_LIMITED_NAMED_LOCATION}$1`),
    });
  });

  afterAll(async () => {
    await mapped?.stop();
    await plain?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    await h?.close();
  });

  const guess = (nginx: Nginx) => fetch(`${nginx.url}/orders`, { headers: { authorization: `Bearer ${buildToken(generateAccessKeyId(), generateSecret())}` } });

  it('answers 429 with Retry-After once the limit is reached with the lines of docs/nginx.md, where plain auth_request answers 500', async () => {
    // Every request comes from nginx's address: one source, 30 failures a minute.
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await guess(mapped)).status);
    expect(statuses).toEqual(Array(30).fill(401));
    const limited = await guess(mapped);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-latchkey-code')).toBe('RATE_LIMITED');
    expect(await limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'Too many failed attempts; try again later.' } });
    expect((await guess(plain)).status).toBe(500);
    expect(plain.log()).toContain('auth request unexpected status: 429');
  });
});
