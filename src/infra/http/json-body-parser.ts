import type { FastifyInstance } from 'fastify';
import { invalidField } from '#src/common/errors/app-error.js';

/** No API body nests anywhere near this deep; deeper input would overflow the DTO transformation's recursion. */
const MAX_DEPTH = 32;

/** PostgreSQL text cannot hold U+0000: a string carrying it would fail at the database instead of validation. */
const hasNul = (text: string) => text.includes('\u0000');

/** What makes a parsed JSON value unacceptable, found without recursion (the input may be hostile). */
function problemOf(root: unknown, maxDepth: number): string | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string' && hasNul(value)) return 'the body contains a NUL (U+0000) character';
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return `the body nests deeper than ${maxDepth} levels`;
    for (const [key, child] of Object.entries(value)) {
      if (hasNul(key)) return 'the body contains a NUL (U+0000) character';
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Fastify's own JSON parser (with its protection against prototype poisoning), plus a limit on
 * nesting and a refusal of NUL characters: either is a 400 `VALIDATION_FAILED`, not a stack
 * overflow or a database error.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error, value) => {
      if (error) return done(error);
      const problem = problemOf(value, MAX_DEPTH);
      if (problem) {
        return done(invalidField('body', problem));
      }
      done(null, value);
    });
  });
}
