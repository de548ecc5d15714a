import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '#src/infra/embedded/free-port.js';
import { register } from '../support/auth-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('security headers and CORS', () => {
  let closed: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    [closed, open] = await Promise.all([
      startTestApp(),
      startTestApp({ CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' }),
    ]);
  });
  afterAll(() => Promise.all([closed.close(), open.close()]));

  it('sends the usual security headers on every answer, errors included', async () => {
    for (const path of ['/health/liveness', '/api/v1/users/me', '/nothing-here']) {
      const response = await closed.request('GET', path);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    expect((await closed.request('GET', '/docs')).status).toBe(200);
  });

  it('allows cross-origin calls only from the configured origins', async () => {
    const preflight = (t: TestApp, origin: string) =>
      t.request('OPTIONS', '/api/v1/users/me', {
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight(open, 'https://admin.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

    expect((await preflight(open, 'https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(closed, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBeNull();

    const simple = await open.request('GET', '/health/liveness', { headers: { origin: 'https://app.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(simple.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('never answers with a password hash or another secret', async () => {
    const account = await register(closed);
    const bodies = [
      JSON.stringify(account),
      (await closed.request('GET', '/api/v1/users/me', { headers: { authorization: `Bearer ${account.accessToken}` } }))
        .text,
      (
        await closed.request('GET', `/api/v1/users/${account.user.id}`, {
          headers: { authorization: `Bearer ${account.accessToken}` },
        })
      ).text,
      (
        await closed.request('GET', `/api/v1/users?search=${account.user.username.slice(0, 6)}`, {
          headers: { authorization: `Bearer ${account.accessToken}` },
        })
      ).text,
    ];
    for (const body of bodies) {
      expect(body).not.toMatch(/argon2|passwordHash|password_hash|correct horse/i);
    }
  });
});

describe('Redis with AUTH, through REDIS_URL', () => {
  let server: ChildProcess;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--requirepass',
        's3cret-pass',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  afterAll(async () => {
    await t?.close();
    server.kill('SIGKILL');
  });

  it('connects with the password from the URL and reports Redis up', async () => {
    t = await startTestApp({ REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}/0` });
    const health = (await t.request('GET', '/health')).json();
    expect(JSON.stringify(health)).not.toContain('s3cret-pass');
    expect(health.status).toBe('ok');
    const account = await register(t);
    expect(account.accessToken).toEqual(expect.any(String));
  });
});
