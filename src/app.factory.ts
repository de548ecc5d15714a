import type { DynamicModule, NestApplicationOptions, Type } from '@nestjs/common';
import fastifyCors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from '#src/app.module.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { allowedOrigins, CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '#src/infra/http/cors.js';
import { registerClientAddress } from '#src/infra/http/client-address.js';
import { registerJsonBodyParser } from '#src/infra/http/json-body-parser.js';
import { registerSecurityHeaders } from '#src/infra/http/security-headers.js';
import { registerStreamedBodies } from '#src/infra/http/streamed-body.js';
import { registerWebApp, webAppDir } from '#src/infra/http/web-app.js';
import { toErrorBody } from '#src/common/errors/error-body.js';
import { assignRequestId } from '#src/infra/http/request-id.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { REDIS_PUBLISHER, REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';
import { RealtimeIoAdapter } from '#src/realtime/realtime-io.adapter.js';
import { RealtimeMetrics } from '#src/realtime/realtime.metrics.js';
import { createOpenApiDocument } from '#src/openapi.js';
import { serveAsyncApiDocument } from '#src/asyncapi.js';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';

/** Routes outside any known route share one label, so scanners cannot blow up metric cardinality. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * The Fastify adapter with the production limits and request ids. An adapter serves one
 * application: every application gets a new one.
 */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Fastify's `request.ip` stays the peer's address: the client address is `request.clientAddress`
    // (registerClientAddress), which applies TRUST_PROXY and never takes a client-chosen entry.
    trustProxy: false,
    requestIdHeader: false,
    genReqId: assignRequestId,
    // While closing, Fastify answers new requests 503 and lets in-flight ones finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Errors of the router itself (a bad URL, a path parameter too long) get the one error body too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const body = toErrorBody(error, String(request.id));
      void reply.code(body.statusCode).header('x-request-id', body.requestId).send(body);
    },
  });
}

export const APP_OPTIONS: NestApplicationOptions = {
  bufferLogs: true,
  // Throw instead of exiting, so main.ts stops the embedded servers and reports the cause.
  abortOnError: false,
  // Bodies are parsed by Fastify's JSON parser with a nesting limit (registerJsonBodyParser).
  bodyParser: false,
};

/**
 * Builds and initialises the application (not yet listening). `main.ts` and the tests both use it,
 * so what the tests exercise is what runs. `extraModules` lets a test mount routes of its own.
 */
export async function createApp(
  config: AppConfig,
  extraModules: (Type | DynamicModule)[] = [],
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, extraModules),
    createFastifyAdapter(config),
    APP_OPTIONS,
  );
  return configureApp(app, config);
}

/**
 * Sets up an application created from AppModule (by createApp, or by a test from a compiled
 * module with providers replaced) as production runs it: logger, body parsing, client address,
 * security headers, CORS, metrics, the web app, docs (OpenAPI and AsyncAPI) and the Socket.IO adapter;
 * then initialises it.
 */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify);
  registerStreamedBodies(fastify);
  registerClientAddress(fastify, config.TRUST_PROXY);
  registerSecurityHeaders(fastify);
  await app.register(fastifyCors, {
    origin: allowedOrigins(config.CORS_ORIGINS),
    // Bearer tokens, not cookies: browsers need not send credentials.
    credentials: false,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  const metrics = app.get(MetricsService);
  // Callback hooks: an async one costs a promise and a turn of the microtask queue per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // After the hooks above, which its routes get too.
  await registerWebApp(fastify, {
    dir: webAppDir(config.WEB_APP_DIR),
    storageOrigin: await app.get<StorageDriver>(STORAGE_DRIVER, { strict: false }).browserOrigin(),
  });
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app));
  serveAsyncApiDocument(app);

  app.useWebSocketAdapter(
    new RealtimeIoAdapter(app, {
      maxPayloadBytes: config.SOCKET_MAX_PAYLOAD_BYTES,
      perMessageDeflate: config.SOCKET_PER_MESSAGE_DEFLATE,
      corsOrigins: allowedOrigins(config.CORS_ORIGINS),
      publisher: app.get(REDIS_PUBLISHER),
      subscriber: app.get(REDIS_SUBSCRIBER),
      onAdapterError: (error) => {
        app.get(RealtimeMetrics).adapterErrors.inc();
        app.get(Logger).warn(`Socket.IO adapter error: ${error.message}`);
      },
    }),
  );
  await app.init();
  await fastify.ready();
  return app;
}
