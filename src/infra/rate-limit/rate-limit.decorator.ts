import { SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiErrors } from '#src/common/decorators/api-errors.decorator.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMIT_RULES, type RateLimitRule } from './rate-limit.rule.js';

const window = (ms: number) =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;

/** "10 per 1 h (register-ip)", or "MESSAGES_PER_MINUTE_PER_USER (a setting) per 1 min (message-send)". */
const describe = ({ limit, windowMs, name }: RateLimitRule) =>
  `${typeof limit === 'number' ? limit : `${limit} (a setting)`} per ${window(windowMs)} (${name})`;

/**
 * Limits a route across all instances, with a sliding window. Past the limit it answers 429
 * `RATE_LIMITED` with `Retry-After`; every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`
 * and `X-RateLimit-Reset` (seconds until a slot frees).
 */
export const RateLimit = (...rules: RateLimitRule[]) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_RULES, rules),
    UseGuards(RateLimitGuard),
    ApiErrors({
      429: `RATE_LIMITED past ${rules.map(describe).join(' or ')}; Retry-After gives the seconds until a slot frees`,
    }),
  );
