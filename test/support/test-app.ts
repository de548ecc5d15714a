import type { DynamicModule, InjectionToken, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { APP_OPTIONS, configureApp, createApp, createFastifyAdapter } from '#src/app.factory.js';
import { AppModule } from '#src/app.module.js';
import { AppLifecycle } from '#src/health/app-lifecycle.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { testConfig, testDatabaseUrl, testRedisUrl } from './test-config.js';

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = any>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Sends a real HTTP request; the response body is read whole. */
export async function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

export interface ProviderOverride {
  provide: InjectionToken;
  useValue: unknown;
}

export interface TestAppModules {
  /** Modules mounted beside the application's own (routes of a test's own). */
  extraModules?: (Type | DynamicModule)[];
  /** Providers replaced by value; everything else, the HTTP and socket setup included, is production's. */
  overrideProviders?: ProviderOverride[];
}

/**
 * The application compiled with providers replaced, then set up as createApp sets it up. Nest
 * overrides providers only in a testing module, which the production path does not build.
 */
export async function createAppWithOverrides(
  config: AppConfig,
  { extraModules = [], overrideProviders = [] }: TestAppModules,
): Promise<NestFastifyApplication> {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, extraModules)] });
  for (const { provide, useValue } of overrideProviders) builder = builder.overrideProvider(provide).useValue(useValue);
  const compiled = await builder.compile();
  return configureApp(compiled.createNestApplication(createFastifyAdapter(config), APP_OPTIONS), config);
}

/**
 * The app on the test servers, listening on a free local port and marked as serving. Without
 * overrides it is built by createApp itself, the way main.ts builds it.
 */
export async function startTestApp(overrides: Partial<AppConfig> = {}, modules: TestAppModules = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = modules.overrideProviders?.length
    ? await createAppWithOverrides(config, modules)
    : await createApp(config, modules.extraModules);
  await app.listen({ port: 0, host: '127.0.0.1' });
  app.get(AppLifecycle).markServing();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    request: (method, path, options) => httpRequest(baseUrl, method, path, options),
    close: () => app.close(),
  };
}

/** Two instances on the same Postgres and Redis, as behind a load balancer. */
export function startTwoTestApps(overrides: Partial<AppConfig> = {}): Promise<[TestApp, TestApp]> {
  return Promise.all([startTestApp(overrides), startTestApp(overrides)]);
}

/** Empties every table (migrations history aside) and the test Redis database. */
export async function resetState(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    if (rows.length > 0) {
      await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    }
  } finally {
    await client.end();
  }
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
}
