import { AppLifecycle } from '#src/health/app-lifecycle.service.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl, testRedisUrl } from '../support/test-config.js';

describe('health endpoints with PostgreSQL and Redis up', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('liveness answers 200 without touching a dependency', async () => {
    const response = await t.request('GET', '/health/liveness');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('readiness answers 200 with Postgres reachable', async () => {
    const response = await t.request('GET', '/health/readiness');
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, instance: { status: 'up' } },
    });
  });

  it('/health lists every component with its status and latency', async () => {
    const response = await t.request('GET', '/health');
    expect(response.status).toBe(200);
    const body = response.json();
    expect(body.status).toBe('ok');
    for (const component of ['postgres', 'redis']) {
      expect(body.components[component].status).toBe('up');
      expect(typeof body.components[component].latencyMs).toBe('number');
    }
  });

  it('exposes Prometheus metrics: HTTP by route and status, dependencies, process', async () => {
    await t.request('GET', '/health/liveness');
    await t.request('GET', '/definitely/not/a/route/123');
    const response = await t.request('GET', '/health/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = response.text;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/health\/liveness",status="200"\} [1-9]/);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health\/liveness",status="200"\}/,
    );
    // Unknown URLs share one label instead of creating a series each.
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain('/definitely/not');
    expect(text).toMatch(/dependency_up\{dependency="postgres"\} 1/);
    expect(text).toMatch(/dependency_up\{dependency="redis"\} 1/);
    expect(text).toMatch(/dependency_latency_seconds\{dependency="redis"\} \d/);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('readiness turns 503 once the instance drains, while liveness stays 200', async () => {
    t.app.get(AppLifecycle).beginDrain();
    const readiness = await t.request('GET', '/health/readiness');
    expect(readiness.status).toBe(503);
    expect(readiness.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: [{ field: 'instance', message: 'draining' }],
    });
    expect((await t.request('GET', '/health/liveness')).status).toBe(200);
    const overview = await t.request('GET', '/health');
    expect(overview.status).toBe(503);
    expect(overview.json().status).toBe('down');
  });
});

/** `dependency_probes_total` of one dependency, read from /health/metrics. */
async function probesSent(t: TestApp, dependency: 'postgres' | 'redis'): Promise<number> {
  const text = (await t.request('GET', '/health/metrics')).text;
  const match = new RegExp(`^dependency_probes_total\\{dependency="${dependency}"\\} (\\d+)$`, 'm').exec(text);
  if (!match) throw new Error(`no dependency_probes_total for ${dependency}`);
  return Number(match[1]);
}

/** The URL with its port replaced by the proxy's. */
function through(proxy: TcpProxy, url: string): string {
  const proxied = new URL(url);
  proxied.port = String(proxy.port);
  return proxied.href;
}

describe('health endpoints as an anonymous client sees them, with Postgres and Redis behind proxies', () => {
  let postgres: TcpProxy;
  let redis: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    const [database, cache] = [new URL(testDatabaseUrl()), new URL(testRedisUrl())];
    postgres = await tcpProxy(database.hostname, Number(database.port || 5432));
    redis = await tcpProxy(cache.hostname, Number(cache.port || 6379));
    t = await startTestApp({ DATABASE_URL: through(postgres, database.href), REDIS_URL: through(redis, cache.href) });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    await Promise.all([postgres.close(), redis.close()]);
  });

  it('answers a flood of /health and /health/metrics calls from about one probe per dependency a second', async () => {
    const before = { postgres: await probesSent(t, 'postgres'), redis: await probesSent(t, 'redis') };
    const started = performance.now();
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, () => t.request('GET', '/health')),
      ...Array.from({ length: 10 }, () => t.request('GET', '/health/metrics')),
    ]);
    const seconds = (performance.now() - started) / 1000;
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    // One probe per dependency per started second of the flood, plus the one of the reading above.
    const allowed = Math.ceil(seconds) + 1;
    for (const dependency of ['postgres', 'redis'] as const) {
      expect((await probesSent(t, dependency)) - before[dependency]).toBeLessThanOrEqual(allowed);
    }
  });

  it('names no host, port or driver message while Postgres is unreachable, and readiness turns 503', async () => {
    await postgres.cut();
    try {
      // A result of the last second may answer first: the outage shows within about a second.
      const health = await untilStatus(t, '/health', 503);
      expect(health.json().components.postgres).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(['timeout', 'unavailable']).toContain(health.json().components.postgres.error);
      expectNothingRaw(health.text, postgres);

      const readiness = await untilStatus(t, '/health/readiness', 503);
      expect(readiness.json().details).toEqual(
        expect.arrayContaining([{ field: 'postgres', message: expect.stringMatching(/^(timeout|unavailable)$/) }]),
      );
      expectNothingRaw(readiness.text, postgres);
    } finally {
      await postgres.restore();
    }
    await untilStatus(t, '/health/readiness', 200);
  });

  it('names no host, port or driver message while Redis is unreachable', async () => {
    await redis.cut();
    try {
      const health = await until(t, '/health', (answer) => answer.json().components.redis.status !== 'up');
      expect(health.status).toBe(200);
      expect(health.json()).toMatchObject({ status: 'degraded', components: { redis: { status: 'degraded' } } });
      expect(['timeout', 'unavailable']).toContain(health.json().components.redis.error);
      expectNothingRaw(health.text, redis);
    } finally {
      await redis.restore();
    }
  });
});

function expectNothingRaw(body: string, proxy: TcpProxy): void {
  expect(body).not.toContain(String(proxy.port));
  expect(body).not.toMatch(/127\.0\.0\.1|localhost|ECONN|connect|terminated|prisma|ioredis|stream/i);
}

/** The first answer of `path` that passes `done`, asked every 100 ms for up to 10 s. */
async function until(t: TestApp, path: string, done: (answer: HttpResponse) => boolean): Promise<HttpResponse> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await t.request('GET', path);
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`${path} still answers ${answer.status} ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const untilStatus = (t: TestApp, path: string, status: number) => until(t, path, (answer) => answer.status === status);
