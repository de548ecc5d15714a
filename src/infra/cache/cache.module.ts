import { Global, Module } from '@nestjs/common';
import { CacheFailoverWatch } from './cache-failover.watch.js';
import { CacheUsage } from './cache-usage.js';
import { CacheMetrics } from './cache.metrics.js';
import { CacheService, CacheSettings } from './cache.service.js';
import { CachedResponseInterceptor } from './cached-response.interceptor.js';
import { RebuildLock } from './rebuild-lock.js';

@Global()
@Module({
  providers: [
    CacheService,
    CacheSettings,
    CacheMetrics,
    CacheUsage,
    RebuildLock,
    CachedResponseInterceptor,
    CacheFailoverWatch,
  ],
  exports: [CacheService, CacheMetrics, CacheUsage, CachedResponseInterceptor, RebuildLock],
})
export class CacheModule {}
