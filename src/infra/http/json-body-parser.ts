import type { FastifyInstance } from 'fastify';
import { AppError } from '#src/common/errors/app-error.js';

/** No API body nests anywhere near this deep; deeper input would overflow the DTO transformation's recursion. */
const MAX_DEPTH = 32;

/** Depth of a parsed JSON value, measured without recursion (the input may be hostile). */
function exceedsDepth(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Fastify's own JSON parser (with its protection against prototype poisoning), plus a limit on
 * nesting: a deeper body is a 400 `VALIDATION_FAILED`, not a stack overflow.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error, value) => {
      if (error) return done(error);
      if (exceedsDepth(value, MAX_DEPTH)) {
        return done(
          new AppError(400, 'VALIDATION_FAILED', 'Validation failed', [
            { field: 'body', message: `the body nests deeper than ${MAX_DEPTH} levels` },
          ]),
        );
      }
      done(null, value);
    });
  });
}
