import type { ErrorBody } from './server-types.js';

/** The service's error body; `code` is a string here so that a body from elsewhere fits too. */
export type ApiErrorBody = Omit<ErrorBody, 'code' | 'requestId'> & { code: string; requestId?: string };

/** A refused request or socket event, with the service's error body (`code` is what to switch on). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(readonly body: ApiErrorBody) {
    super(`${body.code}: ${body.message}`);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.code = body.code;
  }
}

/** The error of a response; one without the service's error body (a proxy's page) gets `HTTP_ERROR`. */
export function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'code' in body && 'statusCode' in body) {
    return new ApiError(body as ApiErrorBody);
  }
  return new ApiError({ statusCode: status, code: 'HTTP_ERROR', message: `HTTP ${status}` });
}
