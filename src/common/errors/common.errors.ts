import { AppError, type ErrorDetail } from './app-error.js';

/** Codes of the API as a whole: the HTTP layer, validation, authentication, limits and dependencies. */
export const COMMON_ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'URI_TOO_LONG',
  'BAD_URL',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;
export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];

/** 400 `VALIDATION_FAILED`, each detail naming a bad field. */
export const validationFailed = (details: ErrorDetail[]) =>
  new AppError(400, 'VALIDATION_FAILED', 'Validation failed', details);

/** 400 `VALIDATION_FAILED` for one field, for the rules a DTO cannot express. */
export const invalidField = (field: string, message: string): AppError => validationFailed([{ field, message }]);

export const unauthorized = (message = 'Missing, invalid, expired or revoked access token') =>
  new AppError(401, 'UNAUTHORIZED', message);

export const forbidden = (message: string) => new AppError(403, 'FORBIDDEN', message);

export const notFound = (message: string) => new AppError(404, 'NOT_FOUND', message);

export const conflict = (message: string) => new AppError(409, 'CONFLICT', message);

/** 429 `RATE_LIMITED`; with `Retry-After` when the wait is known. */
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  new AppError(
    429,
    'RATE_LIMITED',
    message,
    undefined,
    retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) },
  );

export const internalError = () => new AppError(500, 'INTERNAL_ERROR', 'Internal server error');

export const serviceUnavailable = (message: string, details?: ErrorDetail[]) =>
  new AppError(503, 'SERVICE_UNAVAILABLE', message, details);
