import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '#src/infra/config/app-config.js';

/** Probes and scrapes arrive every few seconds from every instance; logging them drowns the rest. */
const QUIET_PATHS = new Set(['/health/liveness', '/health/readiness', '/health/metrics']);

const CENSOR = '[redacted]';
/** Request headers that carry credentials. */
const SECRET_HEADERS = ['authorization', 'cookie'];

/** A request as pino-http's standard serializer gives it: its headers, never its body. */
type LoggedRequest = { headers?: Record<string, unknown> };

/**
 * The logged request with its credentials censored. Every request gets a child logger carrying
 * it, whether or not a line is logged: a shallow copy of the headers costs a fraction of pino's
 * generic redaction, which clones the object first.
 */
export function censorRequest(req: LoggedRequest): LoggedRequest {
  const headers = req.headers;
  if (!headers || !SECRET_HEADERS.some((name) => headers[name] !== undefined)) return req;
  const censored = { ...headers };
  for (const name of SECRET_HEADERS) if (censored[name] !== undefined) censored[name] = CENSOR;
  req.headers = censored;
  return req;
}

/** JSON request logs with the request id; credentials never reach a log line. */
export function loggerOptions(config: AppConfig): Params {
  return {
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.LOG_LEVEL,
      genReqId: (req) => (req as { id?: string }).id ?? '',
      autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
      // pino-http applies it to its standard serialization of the request.
      serializers: { req: censorRequest },
      redact: { paths: ['res.headers["set-cookie"]'], censor: CENSOR },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    },
  };
}
