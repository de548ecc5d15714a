import { ApiExtension } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/**
 * The OpenAPI extension of a route that answers `X-Cache`: the document adds the header to its
 * success answers (createOpenApiDocument).
 */
export const CACHE_HEADER_EXTENSION = 'x-cache-header';

/** Documents `X-Cache: HIT | MISS` on a route that sets it itself with `setCacheHeader`. */
export const ApiCacheHeader = () => ApiExtension(CACHE_HEADER_EXTENSION, true);

/** `X-Cache: HIT` when the answer came from Redis, `MISS` when it was loaded from PostgreSQL. */
export const setCacheHeader = (reply: FastifyReply, hit: boolean): void => {
  void reply.header('x-cache', hit ? 'HIT' : 'MISS');
};
