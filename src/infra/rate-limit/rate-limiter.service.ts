import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { RateLimitSettings, type RateLimitRule } from './rate-limit.rule.js';
import { failedOpen, fromWindowReply, type RateLimitResult, type WindowReply } from './rate-limit-result.js';

export type { RateLimitResult } from './rate-limit-result.js';

/**
 * One hit against a sliding window, in one atomic step on every instance. The key is a sorted set
 * of the counted hits scored by Redis's own clock (microseconds, so every instance shares one
 * clock): hits older than the window are dropped, and the new hit is added only while fewer than
 * the limit remain. Refused hits are not recorded, so a client that keeps retrying gets a slot as
 * soon as the oldest counted hit leaves the window, not later. The key expires one window after
 * its newest hit. Scores are passed as integer strings: Lua would print a number of this size with
 * 14 significant digits only.
 *
 * ARGV: limit, window (ms), a unique member for this hit.
 * Answers { counted 0/1, hits now in the window, ms until the oldest of them leaves it }.
 */
const HIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local windowMs = tonumber(ARGV[2])
local window = windowMs * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local count = redis.call('ZCARD', KEYS[1])
local counted = 0
if count < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], windowMs)
  count = count + 1
  counted = 1
end
local resetMs = windowMs
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then resetMs = math.ceil((tonumber(oldest[2]) + window - now) / 1000) end
return {counted, count, resetMs}
`;

type HitCommand = (key: string, limit: number, windowMs: number, member: string) => Promise<WindowReply>;

/**
 * Sliding-window limits in Redis, shared by every instance: at most `limit` hits per key in any
 * `windowMs`, exactly, under any concurrency (a fixed window would let twice the limit through
 * around its edge). When Redis is unreachable the limit fails open (the request goes on) and
 * `rate_limit_unavailable_total` counts it.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly hitCommand: HitCommand;
  private readonly unavailable: Counter;
  /** Hits are sorted-set members: this process's prefix and a counter keep them unique. */
  private readonly memberPrefix = randomBytes(6).toString('base64url');
  private hits = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
    private readonly settings: RateLimitSettings,
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
    this.hits += 1;
    const member = `${this.memberPrefix}${this.hits.toString(36)}`;
    try {
      return fromWindowReply(await this.hitCommand(key, limit, windowMs, member), limit);
    } catch (error) {
      this.unavailable.inc();
      this.logger.warn(`rate limit not enforced (Redis unavailable): ${(error as Error).message}`);
      return failedOpen(limit, windowMs);
    }
  }

  /** Counts one hit of a declared rule for `subject`, with the rule's limit as configured. */
  hitRule(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
    const limit = typeof rule.limit === 'number' ? rule.limit : this.settings[rule.limit];
    return this.hit(rule.name, subject, limit, rule.windowMs);
  }

  /**
   * Gives back the most recent hit, for limits that count only failures (reserved before, refunded
   * on success). Popping from the set never creates it, so the key keeps its expiry or stays gone.
   */
  async refund(name: string, subject: string): Promise<void> {
    await this.redis.zpopmax(RedisKeys.rateLimitHits(name, subject)).catch(() => undefined);
  }
}
