import type { DynamicModule, Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '#src/app.module.js';
import { CACHED_RESPONSE } from '#src/infra/cache/cached-response.interceptor.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { RATE_LIMIT_RULES } from '#src/infra/rate-limit/rate-limit.rule.js';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { createOpenApiDocument } from '#src/openapi.js';

type Imported = Type | DynamicModule;

/** Every controller the application mounts, found by walking AppModule's imports as Nest does. */
function controllersOf(root: Imported, seen = new Set<unknown>()): Type[] {
  const module = 'module' in root ? root.module : root;
  if (seen.has(root)) return [];
  seen.add(root);
  const dynamic = 'module' in root ? root : undefined;
  const controllers: Type[] = [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Type[] | undefined) ?? []),
    ...(dynamic?.controllers ?? []),
  ];
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) as Imported[] | undefined) ?? []),
    ...((dynamic?.imports ?? []) as Imported[]),
  ];
  return [...controllers, ...imports.flatMap((imported) => controllersOf(imported, seen))];
}

interface Route {
  key: string;
  rateLimited: boolean;
  /** Its answer is cached by `@CachedResponse`, which sets X-Cache. */
  cached: boolean;
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .map((segment) => segment.replace(/^:(.+)$/, '{$1}'))
    .join('/')}`;

/** A guard that takes the Redis limiter counts requests against a limit of its own (RefreshLimitGuard…). */
const countsRequests = (guard: unknown) =>
  typeof guard === 'function' &&
  ((Reflect.getMetadata('design:paramtypes', guard) as unknown[] | undefined) ?? []).includes(RateLimiter);

/** `METHOD /path` of every handler, and whether a limit guards it (from its metadata, not a list). */
function routesOf(controller: Type): Route[] {
  const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
  const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? [];
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((name) => {
    const handler = prototype[name];
    if (name === 'constructor' || typeof handler !== 'function') return [];
    const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (path === undefined || method === undefined) return [];
    const guards = [
      ...classGuards,
      ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []),
    ];
    const rateLimited = Reflect.getMetadata(RATE_LIMIT_RULES, handler) !== undefined || guards.some(countsRequests);
    const cached = Reflect.getMetadata(CACHED_RESPONSE, handler) !== undefined;
    return [path]
      .flat()
      .map((one) => ({ key: `${RequestMethod[method]} ${joinPath(base, one)}`, rateLimited, cached }));
  });
}

interface Response {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
  headers?: Record<string, unknown>;
}

interface Operation {
  summary?: string;
  security?: unknown[];
  requestBody?: unknown;
  parameters?: { in: string }[];
  responses: Record<string, Response>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const ERROR_BODY = '#/components/schemas/ErrorBody';
/** Errors answered with another body, each documented so: the overview answers its report when down. */
const OWN_ERROR_BODIES = new Set([
  'GET /health 503',
  // API.md "Health components": each answers its own report, saying down, with the 503.
  ...['postgres', 'redis', 'pubsub', 'cache', 'sessions'].map((component) => `GET /health/${component} 503`),
]);

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  let operations: { key: string; operation: Operation }[];
  let routes: Route[];

  beforeAll(async () => {
    // Only the controllers: their services are stubs, since documenting a route calls none of them.
    const app = AppModule.forRoot({
      ...validateEnv({ NODE_ENV: 'test' }),
      DATABASE_URL: '',
      REDIS_URL: '',
      JWT_SECRET: '',
    });
    const controllers = [...new Set(controllersOf(app))];
    routes = controllers.flatMap(routesOf);
    const moduleRef = await Test.createTestingModule({ controllers })
      .useMocker(() => ({}))
      .compile();
    const nest = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    try {
      document = createOpenApiDocument(nest);
    } finally {
      await nest.close();
    }
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => {
        const operation = item[method] as Operation | undefined;
        return operation ? [{ key: `${method.toUpperCase()} ${path}`, operation }] : [];
      }),
    );
  });

  /** The operations for which `offends` says what is wrong, as `METHOD /path: what`. */
  const offenders = (offends: (operation: Operation, key: string) => string | false | undefined) =>
    operations.flatMap(({ key, operation }) => {
      const problem = offends(operation, key);
      return problem ? [`${key}: ${problem}`] : [];
    });

  it('documents every route the application mounts', () => {
    expect(routes.length).toBeGreaterThan(80);
    const documented = new Set(operations.map(({ key }) => key));
    expect(routes.map(({ key }) => key).filter((key) => !documented.has(key))).toEqual([]);
  });

  it('gives every operation a short summary and a 2xx answer', () => {
    expect(offenders((operation) => !operation.summary?.trim() && 'no summary')).toEqual([]);
    // The summary is the one line a generated client shows; the details go in the description.
    expect(offenders((operation) => (operation.summary?.length ?? 0) > 80 && 'summary over 80 characters')).toEqual([]);
    expect(
      offenders((operation) => !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)) && 'no 2xx'),
    ).toEqual([]);
  });

  it('gives every answer with a body its schema, and every error the error body', () => {
    const problems = offenders((operation, key) => {
      const wrong = Object.entries(operation.responses).flatMap(([status, response]) => {
        const contents = Object.values(response.content ?? {});
        if (status === '204') return contents.length > 0 ? [`${status} has a body`] : [];
        if (contents.length === 0 || contents.some((content) => !content.schema)) return [`${status} has no schema`];
        const errorBody = /^[45]\d\d$/.test(status) && !OWN_ERROR_BODIES.has(`${key} ${status}`);
        if (errorBody && contents.some((content) => content.schema?.$ref !== ERROR_BODY)) {
          return [`${status} is not the ErrorBody`];
        }
        return [];
      });
      return wrong.join(', ');
    });
    expect(problems).toEqual([]);
  });

  it('declares 401 on every operation that takes credentials', () => {
    expect(offenders((operation) => !!operation.security?.length && !operation.responses['401'] && 'no 401')).toEqual(
      [],
    );
  });

  it('declares 400 on every operation that takes a body, path or query parameters', () => {
    const takesInput = (operation: Operation) =>
      operation.requestBody !== undefined ||
      (operation.parameters ?? []).some((parameter) => parameter.in === 'path' || parameter.in === 'query');
    expect(offenders((operation) => takesInput(operation) && !operation.responses['400'] && 'no 400')).toEqual([]);
  });

  it('declares 429 with Retry-After, and X-RateLimit-* on every answer, of every rate-limited route', () => {
    const limited = new Set(routes.filter((route) => route.rateLimited).map((route) => route.key));
    expect(limited.size).toBeGreaterThan(30);
    const problems = offenders((operation, key) => {
      if (!limited.has(key)) return false;
      const headers = Object.keys(operation.responses['429']?.headers ?? {});
      const missing = ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'].filter(
        (header) => !headers.includes(header),
      );
      if (!operation.responses['429']) return 'no 429';
      if (missing.length > 0) return `429 without ${missing.join(', ')}`;
      const bare = Object.entries(operation.responses).filter(
        ([status, response]) => /^2\d\d$/.test(status) && !response.headers?.['X-RateLimit-Remaining'],
      );
      return bare.length > 0 && `${bare.map(([status]) => status).join(', ')} without X-RateLimit-*`;
    });
    expect(problems).toEqual([]);
  });

  it('declares X-Request-Id on every answer, and X-Cache on the success answers of every cached route', () => {
    expect(
      offenders((operation) => {
        const bare = Object.entries(operation.responses).filter(([, response]) => !response.headers?.['X-Request-Id']);
        return bare.length > 0 && `${bare.map(([status]) => status).join(', ')} without X-Request-Id`;
      }),
    ).toEqual([]);
    const cached = new Set(routes.filter((route) => route.cached).map((route) => route.key));
    expect(cached.size).toBeGreaterThan(0);
    const problems = offenders((operation, key) => {
      if (!cached.has(key)) return false;
      const bare = Object.entries(operation.responses).filter(
        ([status, response]) => /^2\d\d$/.test(status) && !response.headers?.['X-Cache'],
      );
      return bare.length > 0 && `${bare.map(([status]) => status).join(', ')} without X-Cache`;
    });
    expect(problems).toEqual([]);
  });

  it('resolves every schema reference', () => {
    const schemas = new Set(Object.keys(document.components?.schemas ?? {}));
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect([...new Set(refs)].filter((name) => !schemas.has(name))).toEqual([]);
  });
});
