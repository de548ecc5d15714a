import { SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMIT_RULES, type RateLimitRule } from './rate-limit.rule.js';

/**
 * Limits a route across all instances, with a sliding window. Past the limit it answers 429
 * `RATE_LIMITED` with `Retry-After`; every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`
 * and `X-RateLimit-Reset` (seconds until a slot frees).
 */
export const RateLimit = (...rules: RateLimitRule[]) =>
  applyDecorators(SetMetadata(RATE_LIMIT_RULES, rules), UseGuards(RateLimitGuard));
