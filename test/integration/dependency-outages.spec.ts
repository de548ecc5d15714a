import { toErrorBody } from '#src/common/errors/error-body.js';
import { createServer, type Socket } from 'node:net';
import { freePort } from '#src/infra/embedded/free-port.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { startPrivatePostgres, startPrivateRedis, type EmbeddedServer } from '../support/embedded.js';
import { instanceEnv, spawnApp } from '../support/app-process.js';
import { bearer, freshAddress, newAccount, register } from '../support/auth-client.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { httpRequest } from '../support/test-app.js';

/** Runs `call` and returns its result with how long it took. */
async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await call();
  return [result, performance.now() - started];
}

/** A Prisma query fails fast, with an error the HTTP filter answers as 503 SERVICE_UNAVAILABLE. */
async function expectQueryUnavailableWithin2s(t: TestApp): Promise<void> {
  const prisma = t.app.get(PrismaService);
  const [error, ms] = await timed(() =>
    prisma.user.count().then(
      () => undefined,
      (e: unknown) => e,
    ),
  );
  expect(ms).toBeLessThan(2000);
  expect(toErrorBody(error, 'r')).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
}

describe('Redis stopped while the service runs', () => {
  let redis: EmbeddedServer;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('reports Redis up while it runs', async () => {
    const health = await t.request('GET', '/health');
    expect(health.json().components.redis.status).toBe('up');
  });

  it('keeps readiness 200, and /health says degraded and names Redis, each answering within 2 s', async () => {
    await redis.stop();
    const [readiness, readinessMs] = await timed(() => t.request('GET', '/health/readiness'));
    expect(readiness.status).toBe(200);
    expect(readinessMs).toBeLessThan(2000);

    const [health, healthMs] = await timed(() => t.request('GET', '/health'));
    expect(healthMs).toBeLessThan(2000);
    expect(health.status).toBe(200);
    const body = health.json();
    expect(body.status).toBe('degraded');
    expect(body.components.redis.status).toBe('degraded');
    expect(typeof body.components.redis.error).toBe('string');
    expect(body.components.postgres.status).toBe('up');

    const metrics = await t.request('GET', '/health/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/dependency_up\{dependency="redis"\} 0/);
    expect((await t.request('GET', '/health/liveness')).status).toBe(200);
  });
});

describe('Redis that accepts connections and never answers', () => {
  it('leaves the service serving, and its shutdown rejects nothing left unhandled', async () => {
    // Every client stays connected and not ready: the subscriber's commands (the Socket.IO adapter's
    // SUBSCRIBE at start, its UNSUBSCRIBE at shutdown) wait in its offline queue until the shutdown
    // drops the connection, which fails them all.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CONNECT_TIMEOUT_MS: 200 });
      expect((await t.request('GET', '/health/readiness')).status).toBe(200);
      await t.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('PostgreSQL stopped while the service runs', () => {
  let postgres: EmbeddedServer;
  let t: TestApp;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    t = await startTestApp({ DATABASE_URL: postgres.url });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await postgres.stop();
  });

  it('is ready while Postgres answers', async () => {
    expect((await t.request('GET', '/health/readiness')).status).toBe(200);
  });

  it('turns readiness 503 within 2 s, keeps liveness 200, and /health says down', async () => {
    await postgres.stop();
    const [readiness, readinessMs] = await timed(() => t.request('GET', '/health/readiness'));
    expect(readiness.status).toBe(503);
    expect(readinessMs).toBeLessThan(2000);
    expect(readiness.json()).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(readiness.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'postgres' })]));

    expect((await t.request('GET', '/health/liveness')).status).toBe(200);

    const [health, healthMs] = await timed(() => t.request('GET', '/health'));
    expect(healthMs).toBeLessThan(2000);
    expect(health.status).toBe(503);
    expect(health.json()).toMatchObject({
      status: 'down',
      components: { postgres: { status: 'down' }, redis: { status: 'up' } },
    });
  });
  it('fails a query within 2 s with an error the filter answers as 503 SERVICE_UNAVAILABLE', () =>
    expectQueryUnavailableWithin2s(t));
});

describe('PostgreSQL unreachable from the start', () => {
  let t: TestApp;

  beforeAll(async () => {
    const closedPort = await freePort();
    t = await startTestApp({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/none` });
  });
  afterAll(() => t.close());

  it('starts, answers liveness, and fails readiness within 2 s', async () => {
    expect((await t.request('GET', '/health/liveness')).status).toBe(200);
    const [readiness, ms] = await timed(() => t.request('GET', '/health/readiness'));
    expect(readiness.status).toBe(503);
    expect(ms).toBeLessThan(2000);
  });

  it('fails a query within 2 s with an error the filter answers as 503 SERVICE_UNAVAILABLE', () =>
    expectQueryUnavailableWithin2s(t));
});

describe('PostgreSQL lost and back, behind a proxy', () => {
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    const target = new URL(testDatabaseUrl());
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(target.href);
    url.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: url.href });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    await proxy.close();
  });

  it('answers 503 quickly while it is gone, and serves again by itself once it is back', async () => {
    const account = await register(t);
    // Not a cached route: it needs Postgres every time.
    const list = () => t.request('GET', '/api/v1/notifications', { headers: bearer(account.accessToken) });
    expect((await list()).status).toBe(200);

    await proxy.cut();
    const [down, downMs] = await timed(list);
    expect(down.status).toBe(503);
    expect(down.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(downMs).toBeLessThan(2000);
    expect((await t.request('GET', '/health/readiness')).status).toBe(503);

    await proxy.restore();
    const back = Date.now();
    let status = 0;
    while (Date.now() - back < 5000) {
      status = (await list()).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect((await t.request('GET', '/health/readiness')).status).toBe(200);
  });
});

describe('PostgreSQL lost and back, for an instance process', () => {
  it('turns readiness 503 and answers 503 within 2 s while it is gone, and recovers by itself', async () => {
    const target = new URL(testDatabaseUrl());
    const proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(target.href);
    url.port = String(proxy.port);
    const app = await spawnApp(instanceEnv({ DATABASE_URL: url.href }));
    try {
      await app.waitUntilReady();
      const registered = await httpRequest(app.baseUrl, 'POST', '/api/v1/auth/register', {
        body: newAccount('pgproc'),
        headers: freshAddress(),
      });
      const token = registered.json<{ accessToken: string }>().accessToken;
      const notifications = () => httpRequest(app.baseUrl, 'GET', '/api/v1/notifications', { headers: bearer(token) });
      expect((await notifications()).status).toBe(200);

      await proxy.cut();
      const [down, downMs] = await timed(notifications);
      expect([down.status, down.json().code, downMs < 2000]).toEqual([503, 'SERVICE_UNAVAILABLE', true]);
      const [readiness, readinessMs] = await timed(() => app.request('GET', '/health/readiness'));
      expect([readiness.status, readinessMs < 2000]).toEqual([503, true]);
      expect((await app.request('GET', '/health/liveness')).status).toBe(200);

      await proxy.restore();
      const back = Date.now();
      let status = 0;
      while (Date.now() - back < 5000 && status !== 200) {
        status = (await app.request('GET', '/health/readiness')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      expect((await notifications()).status).toBe(200);
    } finally {
      app.kill();
      await proxy.close();
    }
  }, 60_000);
});
