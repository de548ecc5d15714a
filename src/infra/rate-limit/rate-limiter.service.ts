import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import type { RateLimitRule } from './rate-limit.rule.js';

/** Counts a hit and starts the window on the first one, in one atomic step on every instance. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/**
 * Fixed-window counters in Redis, shared by every instance: at most `limit` hits per key per
 * window, exactly, under any concurrency. When Redis is unreachable the limit fails open (the
 * request goes on) and `rate_limit_unavailable_total` counts it.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly hitCommand: HitCommand;
  private readonly unavailable: Counter;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.hitCommand = (redis as unknown as { rateLimitHit: HitCommand }).rateLimitHit.bind(redis);
    this.unavailable = new Counter({
      name: 'rate_limit_unavailable_total',
      help: 'Rate-limit checks let through because Redis did not answer (the limits fail open)',
      registers: [metrics.registry],
    });
  }

  /** Counts one hit of limit `name` (`login-ip`) for `subject` (an address, an account, a session). */
  async hit(name: string, subject: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const key = RedisKeys.rateLimitHits(name, subject);
    try {
      const [count, ttl] = await this.hitCommand(key, windowMs);
      return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs: ttl };
    } catch (error) {
      this.unavailable.inc();
      this.logger.warn(`rate limit not enforced (Redis unavailable): ${(error as Error).message}`);
      return { allowed: true, limit, remaining: limit, resetMs: windowMs };
    }
  }

  /** Counts one hit of a declared rule for `subject`, with the rule's limit as configured. */
  hitRule(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
    const limit = typeof rule.limit === 'number' ? rule.limit : this.config.get(rule.limit, { infer: true });
    return this.hit(rule.name, subject, limit, rule.windowMs);
  }

  /** Gives back one hit, for limits that count only failures (reserved before, refunded on success). */
  async refund(name: string, subject: string): Promise<void> {
    await this.redis.decr(RedisKeys.rateLimitHits(name, subject)).catch(() => undefined);
  }
}
