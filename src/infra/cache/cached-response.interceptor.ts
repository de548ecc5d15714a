import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { lastValueFrom, of, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { APP_CONFIG } from '#src/infra/config/config-slice.js';
import { setCacheHeader } from './cache-header.js';
import type { CachedResponseOptions } from './cached-response.decorator.js';
import { CacheService } from './cache.service.js';

/** Metadata key of the `@CachedResponse` options. */
export const CACHED_RESPONSE = 'cachedResponse';

/** Serves `@CachedResponse` routes: see the decorator. */
@Injectable()
export class CachedResponseInterceptor implements NestInterceptor {
  private readonly logger = new Logger(CachedResponseInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly cache: CacheService,
    // A route's TTL may come from any setting: no slice of the interceptor can know which.
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<CachedResponseOptions | undefined>(CACHED_RESPONSE, context.getHandler());
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    if (!options || request.method !== 'GET') return next.handle();
    let key: string;
    try {
      key = options.key(request);
    } catch (error) {
      // Raw input that makes no valid key: the handler's own validation answers it, uncached.
      this.logger.debug(`response not cached: ${(error as Error).message}`);
      return next.handle();
    }
    const { value, hit } = await this.cache.getOrLoad<unknown>(
      options.cache,
      key,
      options.ttlSeconds(this.config),
      () => lastValueFrom(next.handle(), { defaultValue: undefined }),
    );
    setCacheHeader(http.getResponse<FastifyReply>(), hit);
    return of(value);
  }
}
