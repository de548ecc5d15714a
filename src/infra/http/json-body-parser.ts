import type { FastifyInstance } from 'fastify';
import { invalidField } from '#src/common/errors/common.errors.js';
import { payloadProblem } from '#src/common/validation/payload-problem.js';

/**
 * Fastify's own JSON parser (with its protection against prototype poisoning), plus what every
 * body must be: a JSON object, not too deep, without NUL characters or prototype-tampering keys.
 * Anything else is a 400 `VALIDATION_FAILED`, not a stack overflow or a database error.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error, value) => {
      if (error) return done(error);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return done(invalidField('body', 'the body must be a JSON object'));
      }
      const problem = payloadProblem(value);
      if (problem) return done(invalidField('body', `the body is not accepted: ${problem}`));
      done(null, value);
    });
  });
}
