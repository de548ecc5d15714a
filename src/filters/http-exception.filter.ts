import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '#src/common/errors/app-error.js';
import { toErrorBody } from '#src/common/errors/error-body.js';

/** Renders every error of every HTTP route, including unknown routes, as the docs/api.md error body. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(exception, String(request.id));
    if (body.statusCode === 500) {
      this.logger.error({ err: exception, requestId: request.id }, `${request.method} ${request.url} failed`);
    } else if (body.statusCode >= 500) {
      this.logger.warn({ requestId: request.id, code: body.code }, `${request.method} ${request.url}: ${body.message}`);
    }
    if (exception instanceof AppError && exception.headers) void reply.headers(exception.headers);
    if (body.statusCode === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '5');
    void reply.status(body.statusCode).header('x-request-id', body.requestId).send(body);
  }
}
