import { Global, Module } from '@nestjs/common';
import { CacheMetrics } from './cache.metrics.js';
import { CacheService } from './cache.service.js';
import { CachedResponseInterceptor } from './cached-response.interceptor.js';
import { RebuildLock } from './rebuild-lock.js';

@Global()
@Module({
  providers: [CacheService, CacheMetrics, RebuildLock, CachedResponseInterceptor],
  exports: [CacheService, CacheMetrics, CachedResponseInterceptor],
})
export class CacheModule {}
