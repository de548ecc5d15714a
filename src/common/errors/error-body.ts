import { HttpException } from '@nestjs/common';
import { AppError, type ErrorCode, type ErrorDetail } from './app-error.js';
import { internalError, serviceUnavailable } from './common.errors.js';
import { databaseRefusal } from './database-refusal.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** The one error body of docs/api.md, on REST and in Socket.IO acks. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  /**
   * With a 429: the seconds to wait, as the `Retry-After` header says on REST. Socket acks have no
   * headers, so this is how a socket client learns it.
   */
  retryAfterSeconds?: number;
  requestId: string;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors of the HTTP layer itself (Fastify's body parsing, for instance) that carry a 4xx status. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_BAD_URL: 'BAD_URL',
};

/** Router errors whose own message would echo the (possibly huge or hostile) URL back. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long',
  FST_ERR_BAD_URL: 'The URL is not valid',
};

const codeForStatus = (status: number): ErrorCode =>
  CODE_BY_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR');

function fromHttpException(error: HttpException): Omit<ErrorBody, 'requestId'> {
  const statusCode = error.getStatus();
  const response = error.getResponse();
  const payload = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const raw = typeof response === 'string' ? response : payload.message;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : error.message;
  // Nest wraps the HTTP layer's own errors (body parsing) and keeps them as the cause.
  const layerCode = FASTIFY_CODES[(error.cause as { code?: string } | undefined)?.code ?? ''];
  // An HttpException that names its own code is taken at its word.
  const code =
    typeof payload.code === 'string' ? (payload.code as ErrorCode) : (layerCode ?? codeForStatus(statusCode));
  return { statusCode, code, message };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function fromAppError(error: AppError, requestId: string): ErrorBody {
  const { status: statusCode, code, message, details } = error;
  const retryAfter = Number(error.headers?.['retry-after']);
  return {
    statusCode,
    code,
    message,
    ...(details ? { details } : {}),
    ...(statusCode === 429 && Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
    requestId,
  };
}

/** Maps any thrown value to the error body. Unknown errors become a 500 that reveals nothing. */
export function toErrorBody(error: unknown, requestId: string): ErrorBody {
  if (error instanceof AppError) return fromAppError(error, requestId);
  if (error instanceof HttpException) return { ...fromHttpException(error), requestId };
  if (isDatabaseUnavailable(error)) {
    return fromAppError(serviceUnavailable('The database is unavailable'), requestId);
  }
  const refusal = databaseRefusal(error);
  if (refusal) return fromAppError(refusal, requestId);
  const clientStatus = statusOf(error);
  if (clientStatus !== undefined) {
    const layerCode = (error as { code?: string }).code ?? '';
    const fastifyCode = FASTIFY_CODES[layerCode];
    const message = FASTIFY_MESSAGES[layerCode] ?? (error instanceof Error ? error.message : 'Bad request');
    return { statusCode: clientStatus, code: fastifyCode ?? codeForStatus(clientStatus), message, requestId };
  }
  return fromAppError(internalError(), requestId);
}
