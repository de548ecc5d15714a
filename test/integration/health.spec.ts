import { AppLifecycle } from '#src/health/app-lifecycle.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

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
