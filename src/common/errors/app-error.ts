/** Stable UPPER_SNAKE codes clients switch on (docs/api.md). Features add their own. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | (string & {});

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** A domain error: services throw these; the HTTP and WebSocket filters render them. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Response headers that go with the error (`Retry-After` on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 400 `VALIDATION_FAILED` for one field, for the rules a DTO cannot express. */
export const invalidField = (field: string, message: string): AppError =>
  new AppError(400, 'VALIDATION_FAILED', 'Validation failed', [{ field, message }]);
