import type { CommonErrorCode } from './common.errors.js';

/**
 * The error codes of each feature, by feature. Each `<feature>.errors.ts` adds its own entry by
 * declaration merging (`declare module '#src/common/errors/app-error.js'`), so common/ never imports a
 * feature: the dependency runs features → common only, while `ErrorCode` stays exactly the union
 * of the lists the features declare. src/error-catalogue.ts joins those lists for OpenAPI and the tests.
 */
export interface ErrorCodes {
  common: CommonErrorCode;
}

/** Stable UPPER_SNAKE codes clients switch on (docs/api.md). */
export type ErrorCode = ErrorCodes[keyof ErrorCodes];

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
