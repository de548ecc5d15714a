import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';

/**
 * Takes a turn when the member's last one is at least the interval old, in one atomic step on every
 * instance, by Redis's own clock: of two sends racing through two instances, one sets the key and
 * the other reads it. The interval is the group's current one (ARGV), not the one in force at the
 * last turn, so shortening it frees waiting members at once. The key lives one interval.
 *
 * ARGV: interval (ms). Answers { 1, stamp of the turn } or { 0, ms until the next turn }.
 */
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last ~= nil and now - last < interval then return {0, math.min(interval, interval - (now - last))} end
local stamp = string.format('%.0f', now)
redis.call('SET', KEYS[1], stamp, 'PX', interval)
return {1, stamp}
`;

/** Gives a turn back, only if it is still the one taken (a later turn is never undone). */
const GIVE_BACK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Commands = {
  slowModeTake(key: string, intervalMs: number): Promise<[number, number | string]>;
  slowModeGiveBack(key: string, stamp: string): Promise<number>;
};

/** A send's turn under slow mode: given back when the send stored nothing. */
export type SlowModeTurn = { allowed: true; giveBack(): Promise<void> } | { allowed: false; retryAfterMs: number };

const FREE_TURN: SlowModeTurn = { allowed: true, giveBack: () => Promise.resolve() };

/**
 * Slow mode's turns, in Redis. When Redis does not answer, the turn is given (slow mode fails open,
 * as rate limits do) and `slow_mode_unavailable_total` counts it.
 */
@Injectable()
export class SlowModeGate {
  private readonly logger = new Logger(SlowModeGate.name);
  private readonly commands: Commands;
  private readonly unavailable: Counter;

  constructor(@Inject(REDIS) redis: Redis, metrics: MetricsService) {
    redis.defineCommand('slowModeTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    redis.defineCommand('slowModeGiveBack', { numberOfKeys: 1, lua: GIVE_BACK_SCRIPT });
    this.commands = redis as unknown as Commands;
    this.unavailable = new Counter({
      name: 'slow_mode_unavailable_total',
      help: 'Sends let through slow mode because Redis did not answer (slow mode fails open)',
      registers: [metrics.registry],
    });
  }

  async take(conversationId: string, userId: string, intervalMs: number): Promise<SlowModeTurn> {
    const key = RedisKeys.slowModeTurn(conversationId, userId);
    try {
      const [taken, value] = await this.commands.slowModeTake(key, intervalMs);
      if (taken !== 1) return { allowed: false, retryAfterMs: Number(value) };
      const stamp = String(value);
      return {
        allowed: true,
        giveBack: () =>
          this.commands.slowModeGiveBack(key, stamp).then(
            () => undefined,
            () => undefined,
          ),
      };
    } catch (error) {
      this.unavailable.inc();
      this.logger.warn(`slow mode not enforced (Redis unavailable): ${(error as Error).message}`);
      return FREE_TURN;
    }
  }
}
