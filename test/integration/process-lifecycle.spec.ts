import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceEnv, spawnApp, type AppProcess } from '../support/app-process.js';

describe('configuration errors stop the process with one line', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer port number between 0 and 65535 (got "abc")'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL must be one of'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgresql:// connection URL'],
    [{ TRUST_PROXY: '10.0.0.0/8,proxy.internal' }, 'TRUST_PROXY must be true, false, a number of proxy hops'],
    [
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1' },
      'JWT_SECRET is required when DATABASE_URL is set',
    ],
  ])('%j', async (env, expected) => {
    const app = await spawnApp(env);
    const { code } = await app.exited;
    expect(code).toBe(1);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
  });
});

describe('configuration errors never print a secret', () => {
  it('names each bad secret and what is expected, without its value', async () => {
    const app = await spawnApp({
      ...instanceEnv(),
      JWT_SECRET: 'hunter2-jwt',
      DATABASE_URL: 'postgresql://chat:hunter2-db@db:port/chat',
      REDIS_URL: 'redis://:hunter2-redis@[cache]:6379',
    });
    const { code } = await app.exited;
    expect(code).toBe(1);
    const output = app.stderr() + app.stdout();
    for (const expected of [
      'JWT_SECRET must be at least 32',
      'DATABASE_URL must be a valid URL',
      'REDIS_URL must be',
    ]) {
      expect(output).toContain(expected);
    }
    expect(output).not.toContain('hunter2');
  });
});

describe('a port already in use', () => {
  it('stops the process with exit code 1 and a JSON log line saying why', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = String(typeof address === 'object' && address ? address.port : 0);
    try {
      const app = await spawnApp(instanceEnv({ PORT: port }));
      const { code } = await app.exited;
      expect(code).toBe(1);
      const fatal = app
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => line.level === 60);
      expect(fatal?.msg).toBe(`Could not listen on 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  }, 30_000);
});

describe('a running instance against external PostgreSQL and Redis', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await spawnApp(instanceEnv({ SHUTDOWN_DRAIN_MS: '1500', LOG_LEVEL: 'info' }));
    await app.waitUntilReady(30_000);
  }, 40_000);
  afterAll(() => app.kill());

  it('logs one JSON line per request with its request id, and no credentials', async () => {
    await app.request('GET', '/api/v1/log-probe', {
      'x-request-id': 'log-probe-1',
      authorization: 'Bearer very-secret-token',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = app
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    const requestLine = lines.find((line) => line.req?.id === 'log-probe-1');
    expect(requestLine).toMatchObject({
      res: { statusCode: 404 },
      req: { url: '/api/v1/log-probe', headers: { authorization: '[redacted]' } },
    });
    expect(app.stdout()).not.toContain('very-secret-token');
    expect(lines.some((line) => String(line.msg).includes('PostgreSQL from DATABASE_URL, Redis from REDIS_URL'))).toBe(
      true,
    );
  });

  it('on SIGTERM fails readiness first, keeps serving while it drains, then exits 0', async () => {
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readiness = await app.request('GET', '/health/readiness');
    expect(readiness.status).toBe(503);
    expect(readiness.json().details).toEqual([{ field: 'instance', message: 'draining' }]);
    expect((await app.request('GET', '/health/liveness')).status).toBe(200);

    const { code, signal } = await app.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(app.stdout()).toContain('Shutdown complete');
    await expect(app.request('GET', '/health/liveness')).rejects.toThrow();
  }, 20_000);
});

describe('the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async () => {
    const app = await spawnApp({ EMBEDDED_DATA_DIR: dataDir, SHUTDOWN_DRAIN_MS: '0' });
    try {
      await app.waitUntilReady(60_000);
      const health = await app.request('GET', '/health');
      app.child.kill('SIGTERM');
      return { health: health.json(), exit: await app.exited, stdout: app.stdout() };
    } finally {
      app.kill();
    }
  };

  it('starts embedded PostgreSQL and Redis, serves, and stops them on SIGTERM; data and secret persist', async () => {
    const first = await run();
    expect(first.health).toMatchObject({
      status: 'ok',
      components: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(first.stdout).toContain('embedded PostgreSQL (PGlite');
    expect(first.stdout).toContain('embedded Redis');
    const lines = first.stdout.trim().split('\n');
    expect(lines.every((line) => typeof JSON.parse(line) === 'object')).toBe(true);
    expect(lines.some((line) => line.includes('DATABASE_URL is not set: starting embedded PostgreSQL'))).toBe(true);
    expect(first.exit.code).toBe(0);
    expect(existsSync(join(dataDir, 'pg'))).toBe(true);
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8');
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const second = await run();
    expect(second.health.status).toBe('ok');
    expect(second.exit.code).toBe(0);
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8')).toBe(secret);
  }, 150_000);
});
