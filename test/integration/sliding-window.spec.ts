import { Redis } from 'ioredis';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sliding-window rate limiter (real Redis, two instances)', () => {
  let one: TestApp;
  let two: TestApp;
  let limiters: [RateLimiter, RateLimiter];
  let redis: Redis;
  let subjects = 0;
  const subject = () => `test:${(subjects += 1)}`;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps();
    limiters = [one.app.get(RateLimiter), two.app.get(RateLimiter)];
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  it('lets exactly 5 of 1,000 concurrent hits over two instances through a limit of 5', async () => {
    const who = subject();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => limiters[i % 2].hit('burst', who, 5, 60_000)),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
    expect(results.filter((result) => !result.allowed).every((result) => result.remaining === 0)).toBe(true);
    expect(await redis.zcard(RedisKeys.rateLimitHits('burst', who))).toBe(5);
  });

  it('no longer lets twice the limit through around a fixed-window edge', async () => {
    const who = subject();
    const windowMs = 2000;
    const hit = (i: number) => limiters[i % 2].hit('edge', who, 5, windowMs);
    // One hit opens what a fixed window would count from; four more come late in that window.
    expect((await hit(0)).allowed).toBe(true);
    await sleep(1200);
    const late = await Promise.all([1, 2, 3, 4].map(hit));
    expect(late.every((result) => result.allowed)).toBe(true);
    const refused = await hit(5);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    // Past the first hit's window: a fixed window would start afresh and let 5 more through.
    await sleep(refused.resetMs + 50);
    const burst = await Promise.all([0, 1, 2, 3, 4].map(hit));
    // Only the first hit's slot is free: the four late hits still count for most of a window.
    expect(burst.filter((result) => result.allowed)).toHaveLength(1);
    const next = burst.find((result) => !result.allowed)!;
    expect(next.resetMs).toBeGreaterThan(0);
    expect(next.resetMs).toBeLessThanOrEqual(windowMs);
  });

  it('answers, when refusing, how long until a slot frees: the oldest hit leaving the window', async () => {
    const who = subject();
    const windowMs = 10_000;
    await limiters[0].hit('reset', who, 2, windowMs);
    const firstDone = Date.now();
    await sleep(300);
    expect((await limiters[1].hit('reset', who, 2, windowMs)).allowed).toBe(true);
    const elapsed = Date.now() - firstDone;
    const refused = await limiters[0].hit('reset', who, 2, windowMs);
    expect(refused.allowed).toBe(false);
    // Redis and this process read the same clock; +1 for rounding up to whole milliseconds.
    expect(refused.resetMs).toBeLessThanOrEqual(windowMs - elapsed + 1);
    expect(refused.resetMs).toBeGreaterThan(0);
  });

  it('refunds the most recent hit, keeps the key expiring, and never creates a key', async () => {
    const who = subject();
    const key = RedisKeys.rateLimitHits('refund', who);
    for (let i = 0; i < 3; i += 1) await limiters[i % 2].hit('refund', who, 3, 60_000);
    expect((await limiters[0].hit('refund', who, 3, 60_000)).allowed).toBe(false);
    await limiters[1].refund('refund', who);
    expect(await redis.zcard(key)).toBe(2);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await limiters[0].hit('refund', who, 3, 60_000)).toMatchObject({ allowed: true, remaining: 0 });

    const expired = subject();
    const expiredKey = RedisKeys.rateLimitHits('refund', expired);
    await limiters[0].hit('refund', expired, 3, 100);
    await sleep(150);
    await limiters[0].refund('refund', expired);
    expect(await redis.exists(expiredKey)).toBe(0);
  });

  it('keys expire one window after their newest hit', async () => {
    const who = subject();
    await limiters[0].hit('ttl', who, 5, 60_000);
    const ttl = await redis.pttl(RedisKeys.rateLimitHits('ttl', who));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
