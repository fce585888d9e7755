import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildToken } from './core/key-format.js';
import { createLogger } from './logger.js';
import { MasterKeyring } from './crypto/keyring.js';

const ID = 'LKABCDEFGHIJKLMNOPQR';
const SECRET = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';
const TOKEN = buildToken(ID, SECRET);

/** A logger writing into memory, and the JSON lines it wrote so far. */
function capture(level = 'trace') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger(level, stream);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text, lines };
}

describe('logger', () => {
  it('writes JSON lines with the service name and the message', () => {
    const { logger, lines } = capture();
    logger.info({ accessKeyId: ID }, 'key created');
    expect(lines()).toEqual([expect.objectContaining({ service: 'latchkey', msg: 'key created', accessKeyId: ID, level: 30 })]);
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines().map((l) => l.msg)).toEqual(['loud']);
  });

  it('censors secrets, tokens and passwords at the top level', () => {
    const { logger, text, lines } = capture();
    logger.info({ secret: SECRET, token: TOKEN, password: 'hunter2hunter2', csrfToken: 'csrf-abc' }, 'created');
    expect(lines()[0]).toMatchObject({ secret: '[redacted]', token: '[redacted]', password: '[redacted]', csrfToken: '[redacted]' });
    for (const leaked of [SECRET, TOKEN, 'hunter2hunter2', 'csrf-abc']) expect(text()).not.toContain(leaked);
  });

  it('censors them inside nested objects too', () => {
    const { logger, text } = capture();
    logger.info({ body: { secret: SECRET } }, 'one level');
    logger.info({ result: { key: { secret: SECRET, token: TOKEN } } }, 'two levels');
    logger.info({ a: { b: { c: { password: 'hunter2hunter2', newPassword: 'n3wpassw0rd!!' } } } }, 'three levels');
    logger.info({ key: { secretEnvelope: 'v1.aaa.bbb.ccc', secretDigest: 'f'.repeat(64) } }, 'stored material');
    logger.info({ batch: [{ deep: { deeper: { Secret: 'd33p-s3cret' } } }] }, 'deep in an array');
    for (const leaked of [SECRET, TOKEN, 'hunter2hunter2', 'n3wpassw0rd!!', 'v1.aaa.bbb.ccc', 'f'.repeat(64), 'd33p-s3cret']) expect(text()).not.toContain(leaked);
  });

  it('censors authorization and cookie headers of requests and responses, whatever their case', () => {
    const { logger, text } = capture();
    logger.info({ req: { method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${TOKEN}`, cookie: 'latchkey_session=s3ss10n', 'x-csrf-token': 'csrf-123' } } }, 'request');
    logger.info({ res: { statusCode: 200, headers: { 'set-cookie': 'latchkey_session=n3wsess10n; HttpOnly' } } }, 'response');
    logger.info({ headers: { Authorization: 'Bearer abc.def', Cookie: 'sid=c00kie' } }, 'bare headers');
    logger.info({ request: { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=LK/x, Signature=5ig' } } }, 'signed request');
    for (const leaked of [TOKEN, 's3ss10n', 'csrf-123', 'n3wsess10n', 'abc.def', 'c00kie', 'Signature=5ig']) expect(text()).not.toContain(leaked);
    expect(text()).toContain('/v1/me');
  });

  it('censors a bearer token wherever it appears in text: messages, URLs, errors', () => {
    const { logger, text } = capture();
    logger.info(`verifying ${TOKEN}`);
    logger.info({ url: `/v1/verify?token=${TOKEN}` }, 'query');
    logger.error({ err: new Error(`bad token ${TOKEN}`) }, 'failed');
    logger.info({ copy: `key:${ID}::${SECRET},tenant id: tnt_abcdefghijklmnop` }, 'copy text');
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain(SECRET.slice(0, 12));
    // The key ID is public and stays, so the line is still useful.
    expect(text()).toContain(ID);
  });

  it('censors a password inside a database URL', () => {
    const { logger, text } = capture();
    logger.info({ database: 'postgres://app:s3cretpw@db.internal:5432/latchkey' }, 'connecting');
    logger.error({ err: new Error('connect to postgres://app:s3cretpw@db.internal failed') }, 'failed');
    expect(text()).not.toContain('s3cretpw');
    expect(text()).toContain('db.internal');
  });

  it('censors the master key', () => {
    const { logger, text } = capture();
    const masterKey = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    logger.info({ config: { port: 8080, masterKey } }, 'config');
    expect(text()).not.toContain('"data":[0,17,34');
    expect(text()).toContain('8080');
  });

  it('censors a master keyring, as a setting or as the keyring object', () => {
    const { logger, text } = capture();
    const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    logger.info({ config: { port: 8080, masterKeys: [key] }, keyring: new MasterKeyring([key]) }, 'config');
    expect(text()).not.toContain('"data":[0,17,34');
    expect(text()).toContain('8080');
  });

  it('applies the same censoring in child loggers (as Fastify uses per request)', () => {
    const { logger, text } = capture();
    logger.child({ reqId: 'req-1' }).info({ secret: SECRET, url: `/x?t=${TOKEN}` }, 'child');
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('req-1');
  });
});
