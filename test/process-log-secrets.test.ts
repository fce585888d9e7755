/**
 * A whole session against the real server process — sign-ins that fail and succeed, keys created,
 * verified, rotated, used on the API, malformed requests carrying credentials — and then the
 * process's own output is searched for every credential that passed through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { createCliWorld, initTenant, PASSWORD, type CliWorld } from './support/cli.js';
import { http, login, startServerProcess, stopAllServers, verify } from './support/process-server.js';

const NEW_PASSWORD = 'another long passphrase, changed';
const WRONG_PASSWORDS = ['wrong-password-attempt-one', 'wrong-password-attempt-two'];

describe('the server log', () => {
  let world: CliWorld | null = null;
  afterEach(async () => {
    await stopAllServers();
    await world?.cleanup();
    world = null;
  });

  it('holds no password, secret, token, session cookie or CSRF token after a whole session', async () => {
    world = await createCliWorld('sqlite', { LATCHKEY_LOG_LEVEL: 'debug' });
    const admin = await initTenant(world);
    const server = await startServerProcess(world.env);
    const credentials: string[] = [PASSWORD, NEW_PASSWORD, ...WRONG_PASSWORDS];

    for (const wrong of WRONG_PASSWORDS) expect((await login(server.url, 'acme', admin.email, wrong)).status).toBe(401);
    expect((await login(server.url, 'acme', 'nobody@example.com', WRONG_PASSWORDS[0]!)).status).toBe(401);
    const session = await login(server.url, 'acme', admin.email, PASSWORD);
    expect(session.status).toBe(200);
    credentials.push(session.cookie.split('=')[1]!, session.csrfToken);
    const as = { cookie: session.cookie, csrfToken: session.csrfToken };

    const created = await http(`${server.url}/v1/access-keys`, { ...as, body: { name: 'logged', type: 'access' } });
    expect(created.status).toBe(201);
    const key = created.body;
    credentials.push(key.secret, key.token, key.copyText);
    const verifierKey = await http(`${server.url}/v1/access-keys`, { ...as, body: { name: 'gateway', verifier: true } });
    expect(verifierKey.status).toBe(201);
    const verifier: string = verifierKey.body.token;
    credentials.push(verifierKey.body.secret, verifier, verifierKey.body.copyText);
    expect((await verify(server.url, key.token, verifier)).valid).toBe(true);
    const wrongSecret = buildToken(key.accessKeyId, 'Z'.repeat(key.secret.length));
    credentials.push(wrongSecret);
    expect(await verify(server.url, wrongSecret, verifier)).toMatchObject({ valid: false });
    expect((await http(`${server.url}/v1/me`, { bearer: key.token })).status).toBe(200);
    expect((await http(`${server.url}/v1/me`, { bearer: wrongSecret })).status).toBe(401);

    const rotated = await http(`${server.url}/v1/access-keys/${key.accessKeyId}/rotate`, { ...as, body: { overlapSeconds: 60 } });
    expect(rotated.status).toBe(200);
    credentials.push(rotated.body.secret, rotated.body.token);
    expect((await verify(server.url, rotated.body.token, verifier)).valid).toBe(true);

    const member = await http(`${server.url}/v1/users`, { ...as, body: { email: 'dev@example.com', programmaticAccess: true } });
    expect(member.status).toBe(201);
    credentials.push(member.body.oneTimePassword);

    // Bad requests that carry credentials must not echo them into the log either.
    expect((await http(`${server.url}/v1/verify`, { bearer: verifier, body: { token: rotated.body.token, extra: true } })).status).toBe(400);
    expect((await http(`${server.url}/v1/access-keys`, { cookie: session.cookie, csrfToken: 'not-the-token', body: { name: 'x' } })).status).toBe(403);
    const truncated = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"tenant":"acme","email":"${admin.email}","password":"${PASSWORD}"`,
    });
    expect(truncated.status).toBe(400);

    const changed = await http(`${server.url}/v1/me/password`, { ...as, method: 'PUT', body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(204);
    expect((await http(`${server.url}/v1/auth/logout`, { ...as, method: 'POST' })).status).toBe(204);

    expect(await server.stop('SIGTERM')).toBe(0);
    const log = server.output();
    // The whole life of the process is there, from listening to the shutdown that wrote the records.
    expect(log).toContain('Latchkey is listening');
    expect(log).toContain('shutting down');
    for (const credential of credentials) {
      expect(credential.length).toBeGreaterThanOrEqual(12);
      expect(log, `the log holds a credential (${credential.slice(0, 4)}…)`).not.toContain(credential);
    }
  });
});
