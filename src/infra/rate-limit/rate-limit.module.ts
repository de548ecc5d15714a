import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitMetrics } from './rate-limit.metrics.js';
import { RateLimitSettings } from './rate-limit.rule.js';
import { RateLimiter } from './rate-limiter.service.js';

@Global()
@Module({
  providers: [RateLimiter, RateLimitSettings, RateLimitGuard, RateLimitMetrics],
  exports: [RateLimiter, RateLimitGuard, RateLimitMetrics],
})
export class RateLimitModule {}
