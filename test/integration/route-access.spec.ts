import { randomUUID } from 'node:crypto';
import { register, bearer } from '../support/auth-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The only routes open without a token. */
const PUBLIC = new Set([
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  // The Web Push key browsers subscribe with (API.md: public).
  'GET /api/v1/push/vapid-public-key',
  // The local storage's links: the signature in the URL is the authorisation (a client may not hold a token).
  'PUT /api/v1/storage/{kind}/{id}',
  'GET /api/v1/storage/{kind}/{id}',
  'GET /health',
  'GET /health/liveness',
  'GET /health/readiness',
  'GET /health/metrics',
  // The component reports, for operators (the bundled nginx refuses them from outside, as it does metrics).
  'GET /health/postgres',
  'GET /health/redis',
  'GET /health/pubsub',
  'GET /health/cache',
  'GET /health/sessions',
  'GET /docs',
  'GET /docs-json',
  'GET /docs-yaml',
  // The web app's page: it signs in from there.
  'GET /app',
]);

/** Routes whose documented answer to an id that names nothing is a no-op success. */
const NO_OP_ON_UNKNOWN = new Set(['DELETE /api/v1/users/{id}/block']);

interface Route {
  method: string;
  path: string;
}

describe('every route in the OpenAPI document', () => {
  let t: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    t = await startTestApp();
    const document = (await t.request('GET', '/docs-json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(() => t.close());

  /** A concrete URL for a documented path: every `{param}` becomes a UUID that names nothing. */
  const urlOf = (path: string) =>
    path.replace(/\{[^}]+\}/g, (name) => (name === '{emoji}' ? '%F0%9F%91%8D' : randomUUID()));

  it('documents the routes of every feature', () => {
    const prefixes = new Set(routes.map((route) => route.path.split('/').slice(0, 4).join('/')));
    for (const feature of ['auth', 'users', 'conversations', 'notifications']) {
      expect(prefixes).toContain(`/api/v1/${feature}`);
    }
    expect(routes.length).toBeGreaterThan(40);
  });

  it('refuses every non-public route without a valid token (401), before looking at anything else', async () => {
    const open: string[] = [];
    for (const { method, path } of routes) {
      const key = `${method} ${path}`;
      for (const headers of [{}, bearer('not-a-token')]) {
        const response = await t.request(method, urlOf(path), { headers, body: method === 'GET' ? undefined : {} });
        if (PUBLIC.has(key)) {
          expect(response.status).toBeLessThan(500);
        } else if (response.status !== 401 || response.json().code !== 'UNAUTHORIZED') {
          open.push(`${key} → ${response.status}`);
        }
      }
    }
    expect(open).toEqual([]);
  });

  it('refuses a signed-in user who is not a system admin on every /admin route (403 FORBIDDEN), whatever the input', async () => {
    const admin = routes.filter(({ path }) => path.startsWith('/api/v1/admin/'));
    expect(admin.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/admin/users', 'POST /api/v1/admin/reports/{id}/resolve']),
    );
    const user = await register(t);
    const open: string[] = [];
    for (const { method, path } of admin) {
      for (const url of [urlOf(path), path.replace(/\{[^}]+\}/g, 'not-a-uuid')]) {
        const response = await t.request(method, url, {
          headers: bearer(user.accessToken),
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        if (response.status !== 403 || response.json().code !== 'FORBIDDEN')
          open.push(`${method} ${url} → ${response.status}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('answers an outsider with 4xx on every route about things that are not theirs, never a 5xx', async () => {
    const outsider = await register(t);
    const failures: string[] = [];
    for (const { method, path } of routes) {
      const key = `${method} ${path}`;
      if (PUBLIC.has(key) || NO_OP_ON_UNKNOWN.has(key) || !path.includes('{')) continue;
      const response = await t.request(method, urlOf(path), {
        headers: bearer(outsider.accessToken),
        body: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      if (response.status >= 500 || response.status < 400) failures.push(`${method} ${path} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });
});
