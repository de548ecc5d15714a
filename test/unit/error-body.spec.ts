import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { tooManyRequests } from '#src/common/errors/common.errors.js';
import { toErrorBody } from '#src/common/errors/error-body.js';

const fastifyError = (code: string, statusCode: number, message: string) =>
  Object.assign(new Error(message), { code, statusCode });

describe('toErrorBody', () => {
  it('keeps the code, status and details of a domain error', () => {
    const error = new AppError(404, 'CONVERSATION_NOT_FOUND', 'Conversation not found', [
      { field: 'id', message: 'unknown' },
    ]);
    expect(toErrorBody(error, 'r1')).toEqual({
      statusCode: 404,
      code: 'CONVERSATION_NOT_FOUND',
      message: 'Conversation not found',
      details: [{ field: 'id', message: 'unknown' }],
      requestId: 'r1',
    });
  });

  it('tells the wait of a 429 in the body as well as in Retry-After, for socket acks', () => {
    expect(toErrorBody(tooManyRequests('slow down', 7), 'r')).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: 'slow down',
      retryAfterSeconds: 7,
      requestId: 'r',
    });
    expect(toErrorBody(tooManyRequests('slow down'), 'r')).not.toHaveProperty('retryAfterSeconds');
  });

  it('derives a code from the status of Nest HTTP exceptions', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /x'), 'r')).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /x',
    });
    expect(toErrorBody(new ForbiddenException(), 'r')).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    expect(toErrorBody(new BadRequestException(['a is bad', 'b is bad']), 'r').message).toBe('a is bad; b is bad');
  });

  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'PAYLOAD_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'MALFORMED_JSON'],
    ['FST_ERR_SOMETHING_NEW', 400, 'BAD_REQUEST'],
  ])('maps the HTTP layer error %s to %i %s', (code, status, expected) => {
    expect(toErrorBody(fastifyError(code, status, 'x'), 'r')).toMatchObject({ statusCode: status, code: expected });
  });

  it('answers 503 when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('query failed', { cause: refused });
    expect(toErrorBody(wrapped, 'r')).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(toErrorBody(Object.assign(new Error('x'), { code: 'P1001' }), 'r').statusCode).toBe(503);
  });

  it('turns anything else into a 500 that reveals nothing', () => {
    const body = toErrorBody(new TypeError('secret internals at /srv/app.ts:12'), 'r');
    expect(body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: 'r' });
    expect(toErrorBody(Object.assign(new Error('boom'), { statusCode: 502 }), 'r').statusCode).toBe(500);
  });
});
