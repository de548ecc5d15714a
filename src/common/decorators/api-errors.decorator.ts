import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ERROR_BODY } from '#src/common/api.js';

/**
 * The error statuses routes answer on purpose. 500 INTERNAL_ERROR is every route's and is not listed;
 * 413 for the body limit, 414 and 415 are the HTTP layer's, added by createOpenApiDocument.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/** What a status means when a route says nothing more specific. */
const MEANING: Record<ErrorStatus, string> = {
  400: 'VALIDATION_FAILED (details name each bad field or parameter), MALFORMED_JSON, or BAD_URL (a path not validly percent-encoded)',
  401: 'UNAUTHORIZED: missing, invalid, expired or revoked token',
  403: 'FORBIDDEN: not yours to do',
  404: 'NOT_FOUND: nothing with this id, or nothing you can see',
  409: 'CONFLICT with the current state',
  413: 'PAYLOAD_TOO_LARGE: the body is over BODY_LIMIT_BYTES',
  422: 'The request is well formed but refused',
  429: 'RATE_LIMITED: Retry-After gives the seconds to wait',
  503: 'SERVICE_UNAVAILABLE: PostgreSQL cannot be reached (answered at once, not after a hang)',
};

const seconds = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });

/** A 429 says when to come back; every answer of a limited route also carries the X-RateLimit-* headers. */
const RATE_LIMIT_HEADERS = {
  'Retry-After': seconds('Seconds until a slot frees (also retryAfterSeconds in the body)'),
  'X-RateLimit-Limit': seconds('Requests allowed in the window'),
  'X-RateLimit-Remaining': seconds('Requests left in the window'),
  'X-RateLimit-Reset': seconds('Seconds until a slot frees'),
};

const HEADERS: Partial<Record<ErrorStatus, Record<string, ReturnType<typeof seconds>>>> = {
  429: RATE_LIMIT_HEADERS,
  503: { 'Retry-After': seconds('Seconds to wait before trying again (5)') },
};

/** A status, or statuses with what they mean on this route (its codes). */
export type ErrorDoc = ErrorStatus | Partial<Record<ErrorStatus, string>>;

/**
 * Documents the error answers of a route (or of every route of a controller) with the one error
 * body: `ApiErrors(400, 404, { 403: 'BLOCKED: …' })`. A route's own entry replaces its controller's.
 */
export const ApiErrors = (...docs: ErrorDoc[]) => {
  const statuses = new Map<ErrorStatus, string>();
  for (const doc of docs) {
    if (typeof doc === 'number') statuses.set(doc, MEANING[doc]);
    else
      for (const [status, description] of Object.entries(doc)) statuses.set(Number(status) as ErrorStatus, description);
  }
  return applyDecorators(
    ...[...statuses].map(([status, description]) =>
      // No `headers` key without headers: the entry would replace those another decorator gave the status.
      ApiResponse({ status, description, ...ERROR_BODY, ...(HEADERS[status] && { headers: HEADERS[status] }) }),
    ),
  );
};

/**
 * What a controller whose routes take a user's token documents once: the scheme, and the answers
 * any such route may give before its own rules run (no valid token; PostgreSQL down).
 */
export const ApiSignedIn = () => applyDecorators(ApiBearerAuth(), ApiErrors(401, 503));
