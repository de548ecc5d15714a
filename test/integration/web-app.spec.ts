import { request as httpGet } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securityHeaders } from '#src/infra/http/security-headers.js';
import { instanceEnv, spawnReadyApp, untilOutput, type AppProcess } from '../support/app-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { fakeWebAppDist, type FakeWebAppDist } from '../support/web-app-dist.js';

const PAGE_POLICY = (host: string, storage = '') =>
  "default-src 'self'; script-src 'self'; style-src 'self'; " +
  `img-src 'self' data: blob:${storage}; connect-src 'self' ws://${host} wss://${host}${storage}; ` +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** GET with the path sent exactly as written (fetch would resolve dot segments first). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpGet({ hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the web app at /app', () => {
  let dist: FakeWebAppDist;
  let t: TestApp;
  let host: string;
  beforeAll(async () => {
    dist = await fakeWebAppDist();
    t = await startTestApp({ WEB_APP_DIR: dist.dir });
    host = new URL(t.baseUrl).host;
  });
  afterAll(async () => {
    await t.close();
    await dist.remove();
  });

  it.each(['/app', '/app/'])(
    '%s answers index.html, revalidated on every visit, with the page policy',
    async (path) => {
      const response = await t.request('GET', path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.text).toBe(dist.files['index.html']);
      expect(response.headers.get('content-security-policy')).toBe(PAGE_POLICY(host));
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );

  it('answers the hashed assets as immutable for a year, with their types', async () => {
    const script = await t.request('GET', '/app/assets/index-B7xQ2kLm.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.text).toBe(dist.files['assets/index-B7xQ2kLm.js']);
    expect(script.headers.get('content-security-policy')).toBe(PAGE_POLICY(host));

    const style = await t.request('GET', '/app/assets/index-Cd9eR4tY.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(style.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates the files outside assets/, whose names carry no hash', async () => {
    const icon = await t.request('GET', '/app/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 for a file it does not have, and refuses any outside the folder', async () => {
    const missing = await t.request('GET', '/app/assets/index-Zz000000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
    for (const path of ['/app/../package.json', '/app/%2e%2e/%2e%2e/package.json', '/app/..%2f..%2fpackage.json']) {
      const response = await rawGet(t.baseUrl, path);
      expect([403, 404]).toContain(response.status);
      expect(response.body).not.toContain('chat-backend');
    }
  });

  it("keeps the API's own headers outside /app", async () => {
    const response = await t.request('GET', '/health/liveness');
    expect(response.headers.get('content-security-policy')).toBe(securityHeaders()['content-security-policy']);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await t.request('GET', '/application')).status).toBe(404);
  });

  it('names no host in the policy when the Host header could add a directive', async () => {
    const { status, headers } = await new Promise<{ status: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const { hostname, port } = new URL(t.baseUrl);
        const request = httpGet(
          { hostname, port, path: '/app', headers: { host: "evil.example; script-src 'unsafe-inline'" } },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, headers: response.headers });
          },
        );
        request.on('error', reject);
        request.end();
      },
    );
    expect(status).toBe(200);
    expect(headers['content-security-policy']).toBe(PAGE_POLICY('x').replace(' ws://x wss://x', ''));
  });
});

describe('the web app at /app, not built', () => {
  let dir: string;
  let t: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-app-empty-'));
    t = await startTestApp({ WEB_APP_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 404 saying what is missing, and the service serves as usual', async () => {
    for (const path of ['/app', '/app/', '/app/assets/index.js']) {
      const response = await t.request('GET', path);
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({
        code: 'NOT_FOUND',
        message: `The web app is not built: ${join(dir, 'index.html')} is missing (npm run build builds it)`,
      });
    }
    expect((await t.request('GET', '/health/readiness')).status).toBe(200);
  });
});

describe('the web app at /app, with uploads in S3', () => {
  let dist: FakeWebAppDist;
  let t: TestApp;
  beforeAll(async () => {
    dist = await fakeWebAppDist();
    // Nothing is sent to the storage: the origin comes from a link the SDK signs.
    t = await startTestApp({
      WEB_APP_DIR: dist.dir,
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'chat-uploads',
      S3_REGION: 'eu-west-1',
      S3_ENDPOINT: 'https://objects.example.com:9000',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: false,
    });
  });
  afterAll(async () => {
    await t.close();
    await dist.remove();
  });

  it("lets the page show and upload to the bucket's origin", async () => {
    const response = await t.request('GET', '/app');
    expect(response.headers.get('content-security-policy')).toBe(
      PAGE_POLICY(new URL(t.baseUrl).host, ' https://chat-uploads.objects.example.com:9000'),
    );
  });
});

describe('the start log', () => {
  let dist: FakeWebAppDist;
  const started: AppProcess[] = [];
  beforeAll(async () => {
    dist = await fakeWebAppDist();
  });
  afterAll(async () => {
    for (const app of started) app.kill();
    await dist.remove();
  });

  it("names the app's address once listening, or says it is not built", async () => {
    const [built, unbuilt] = await Promise.all([
      spawnReadyApp(instanceEnv({ LOG_LEVEL: 'info', WEB_APP_DIR: dist.dir }), started),
      spawnReadyApp(instanceEnv({ LOG_LEVEL: 'info', WEB_APP_DIR: join(dist.dir, 'assets') }), started),
    ]);
    await untilOutput(built, `"msg":"App: ${built.baseUrl}/app"`);
    expect((await built.request('GET', '/app')).text).toBe(dist.files['index.html']);
    await untilOutput(unbuilt, `The web app is not built (no ${join(dist.dir, 'assets')}/index.html)`);
    expect(unbuilt.stdout()).not.toContain('App: ');
  });
});
