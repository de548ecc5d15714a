import { redisSentinel, SENTINEL_MASTER_NAME, type RedisSentinel } from '../support/redis-sentinel.js';
import { rateLimitsAcrossInstances } from '../suites/rate-limits.suite.js';
import { realTimeAcrossInstances } from '../suites/realtime.suite.js';

/**
 * The service through a real Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): it asks the
 * sentinel for the master, and the cross-instance messaging and rate-limit suites run unchanged.
 */
describe('through a Redis Sentinel', () => {
  let sentinel: RedisSentinel;
  const throughSentinel = () => ({
    REDIS_URL: undefined,
    REDIS_SENTINELS: sentinel.sentinels,
    REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
  });

  beforeAll(async () => (sentinel = await redisSentinel()), 30_000);
  afterAll(() => sentinel.dispose());

  realTimeAcrossInstances(throughSentinel);
  rateLimitsAcrossInstances(throughSentinel);
});
