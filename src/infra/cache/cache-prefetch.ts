import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthContext, AuthenticatedRequest } from '#src/common/auth/auth-context.js';

/**
 * A cache entry whose read went out with the caller's session check, in the same round trip to
 * Redis. It belongs to the request that read it, which uses it only once admitted: another
 * request, started later, must read for itself or it could miss an invalidation made in between.
 */
export interface PrefetchedEntry {
  key: string;
  packed: Promise<Buffer | null>;
}

/** The key a route will read from the cache for this caller, known from the token's claims alone; undefined when none. */
export type PrefetchKey = (request: AuthenticatedRequest, auth: AuthContext) => string | undefined;

export const PREFETCH_CACHE = 'prefetchCache';

declare module 'fastify' {
  interface FastifyRequest {
    cachePrefetch?: PrefetchedEntry;
  }
}

/**
 * Reads the route's cache entry while the caller's session is checked (see `AccessTokenGuard`).
 * The route hands what it gets from `@Prefetched()` to `CacheService.getOrLoad`.
 */
export const PrefetchCache = (key: PrefetchKey) => SetMetadata(PREFETCH_CACHE, key);

/** The entry read ahead for this request, if any. */
export const Prefetched = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PrefetchedEntry | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().cachePrefetch,
);
