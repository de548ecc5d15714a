import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { ApiCacheHeader } from './cache-header.js';
import { CACHED_RESPONSE, CachedResponseInterceptor } from './cached-response.interceptor.js';

export interface CachedResponseOptions {
  /** Names the cache in metrics (`user-profile`). */
  cache: string;
  ttlSeconds: (settings: AppConfig) => number;
  /**
   * The Redis key of this response, built with `RedisKeys`. The key alone decides who may be served
   * it: a route whose answer depends on the caller MUST include `request.auth.userId`, or one user's
   * response would be served to another. It runs before validation pipes, so `request.params` are
   * raw: when it throws (an id that is no valid key segment), the request is answered uncached.
   */
  key: (request: AuthenticatedRequest) => string;
}

/**
 * Caches a GET route's response body (cache-aside through `CacheService`, one rebuild at a time
 * per key) and sets `X-Cache: HIT | MISS`. Only the returned body is cached, never an error, nor
 * headers or a status set through the reply: use it on handlers that just return their data.
 * Other methods pass through untouched. Guards run first, so `request.auth` is set on
 * authenticated routes and an unauthorized caller is refused before any cached body is read.
 */
export const CachedResponse = (options: CachedResponseOptions) =>
  applyDecorators(SetMetadata(CACHED_RESPONSE, options), UseInterceptors(CachedResponseInterceptor), ApiCacheHeader());
