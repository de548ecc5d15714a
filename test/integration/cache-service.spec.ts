import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { RedisKeys, redisKeyPattern } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const profileKey = () => RedisKeys.userProfile(randomUUID());

/** A loader that counts its calls, takes `ms`, and answers `make(call number)`. */
function countingLoader<T>(make: (call: number) => T, ms = 0) {
  const loader = {
    calls: 0,
    load: async (): Promise<T> => {
      loader.calls += 1;
      const call = loader.calls;
      await sleep(ms);
      return make(call);
    },
  };
  return loader;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

describe('CacheService', () => {
  let t: TestApp;
  let cache: CacheService;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp();
    cache = t.app.get(CacheService);
    redis = t.app.get<Redis>(REDIS);
  });

  afterAll(() => t.close());

  it('misses, then hits with the same value (msgpack round trip)', async () => {
    const profile = {
      id: randomUUID(),
      displayName: 'Ada Lovelace ✓',
      age: 36,
      score: -12.75,
      bio: null,
      avatar: { url: null, sizes: [32, 64] },
      nested: [[1, 'two', [3.5, null]], [], ['x']],
    };
    const key = profileKey();
    const loader = countingLoader(() => profile);
    expect(await cache.getOrLoad('test-profile', key, 60, loader.load)).toEqual({ value: profile, hit: false });
    expect(await cache.getOrLoad('test-profile', key, 60, loader.load)).toEqual({ value: profile, hit: true });
    expect(loader.calls).toBe(1);
  });

  it('loads a cold key once for 200 concurrent callers on two instances', async () => {
    const [one, two] = await startTwoTestApps();
    try {
      const key = profileKey();
      const loader = countingLoader((call) => ({ call }), 50);
      const instances = [one.app.get(CacheService), two.app.get(CacheService)];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => instances[i % 2].getOrLoad('test-stampede', key, 60, loader.load)),
      );
      expect(loader.calls).toBe(1);
      expect(results.every((result) => result.value.call === 1)).toBe(true);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('does not cache a loader error: the next call loads again', async () => {
    const key = profileKey();
    const failing = () => Promise.reject(new Error('database said no'));
    await expect(cache.getOrLoad('test-errors', key, 60, failing)).rejects.toThrow('database said no');
    expect(await redis.exists(key)).toBe(0);
    const loader = countingLoader(() => 'loaded');
    expect(await cache.getOrLoad('test-errors', key, 60, loader.load)).toEqual({ value: 'loaded', hit: false });
    expect(loader.calls).toBe(1);
  });

  it('returns null and undefined without storing them', async () => {
    for (const empty of [null, undefined]) {
      const key = profileKey();
      const loader = countingLoader(() => empty);
      expect(await cache.getOrLoad('test-empty', key, 60, loader.load)).toEqual({ value: empty, hit: false });
      expect(await cache.getOrLoad('test-empty', key, 60, loader.load)).toEqual({ value: empty, hit: false });
      expect(loader.calls).toBe(2);
      expect(await redis.exists(key)).toBe(0);
    }
  });

  it('misses after invalidate', async () => {
    const [key, other] = [profileKey(), profileKey()];
    const loader = countingLoader((call) => call);
    await cache.getOrLoad('test-invalidate', key, 60, loader.load);
    expect((await cache.getOrLoad('test-invalidate', key, 60, loader.load)).hit).toBe(true);
    await cache.invalidate(key, other);
    expect(await cache.getOrLoad('test-invalidate', key, 60, loader.load)).toEqual({ value: 2, hit: false });
  });

  it('invalidatePattern deletes, in batches, only the keys matching the pattern', async () => {
    const profiles = redisKeyPattern('user', 'profile');
    await cache.invalidatePattern(profiles);
    const profileKeys = Array.from({ length: 1200 }, profileKey);
    const meKeys = Array.from({ length: 5 }, () => RedisKeys.userMe(randomUUID()));
    await redis.pipeline([...profileKeys, ...meKeys].map((key) => ['set', key, '1', 'EX', '60'])).exec();
    expect(await cache.invalidatePattern(profiles)).toBe(1200);
    expect(await redis.exists(...profileKeys)).toBe(0);
    expect(await redis.exists(...meKeys)).toBe(5);
  });

  it('stores with the TTL plus up to 10% jitter', async () => {
    const keys = Array.from({ length: 20 }, profileKey);
    await Promise.all(keys.map((key) => cache.getOrLoad('test-ttl', key, 1000, () => Promise.resolve('v'))));
    const ttls = await Promise.all(keys.map((key) => redis.ttl(key)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThanOrEqual(1000);
      expect(ttl).toBeLessThanOrEqual(1100);
    }
    expect(new Set(ttls).size).toBeGreaterThan(1);
  });

  it('reports hits, misses, loads and the hit ratio at /health/metrics', async () => {
    const key = profileKey();
    for (let i = 0; i < 4; i += 1) await cache.getOrLoad('metrics-probe', key, 60, () => Promise.resolve({ i }));
    const metrics = (await t.request('GET', '/health/metrics')).text;
    expect(metrics).toContain('cache_requests_total{cache="metrics-probe",result="hit"} 3');
    expect(metrics).toContain('cache_requests_total{cache="metrics-probe",result="miss"} 1');
    expect(metrics).toContain('cache_load_duration_seconds_count{cache="metrics-probe"} 1');
    expect(metrics).toContain('cache_load_duration_seconds_bucket{le="+Inf",cache="metrics-probe"} 1');
    expect(metrics).toContain('cache_hit_ratio{cache="metrics-probe"} 0.75');
  });
});

describe('CacheService with CACHE_ENABLED=false', () => {
  it('calls the loader every time and stores nothing', async () => {
    const t = await startTestApp({ CACHE_ENABLED: false });
    try {
      const cache = t.app.get(CacheService);
      const key = profileKey();
      const loader = countingLoader((call) => call);
      for (let i = 1; i <= 3; i += 1) {
        expect(await cache.getOrLoad('test-disabled', key, 60, loader.load)).toEqual({ value: i, hit: false });
      }
      expect(await t.app.get<Redis>(REDIS).exists(key)).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe('CacheService through Redis outages', () => {
  let server: RedisProcess;
  let t: TestApp;
  let cache: CacheService;
  let direct: Redis;

  beforeAll(async () => {
    server = await redisProcess();
    t = await startTestApp({ REDIS_URL: server.url });
    cache = t.app.get(CacheService);
    direct = new Redis(server.url, { maxRetriesPerRequest: null });
    direct.on('error', () => undefined);
  });

  afterAll(async () => {
    direct.disconnect();
    await t.close();
    await server.dispose();
  });

  const cached = async (key: string, value: string) => {
    await cache.getOrLoad('test-outage', key, 600, () => Promise.resolve(value));
    return (await cache.getOrLoad('test-outage', key, 600, () => Promise.resolve(value))).hit;
  };

  it('after an invalidation that timed out, drops only that key once Redis answers, and bypasses only it until then', async () => {
    const [invalidated, untouched] = [profileKey(), profileKey()];
    expect(await cached(invalidated, 'a')).toBe(true);
    expect(await cached(untouched, 'b')).toBe(true);
    await direct.call('CLIENT', 'PAUSE', '1200', 'ALL');
    await cache.invalidate(invalidated);
    // Redis may still hold the old value: this instance answers from the source, and stores nothing.
    const during = await cache.getOrLoad('test-outage', invalidated, 600, () => Promise.resolve('fresh'));
    expect(during).toEqual({ value: 'fresh', hit: false });
    expect(await eventually(async () => (await direct.exists(invalidated)) === 0, 5_000)).toBe(true);
    expect(await eventually(() => cached(invalidated, 'after'), 5_000)).toBe(true);
    expect((await cache.getOrLoad('test-outage', invalidated, 600, () => Promise.resolve('x'))).value).toBe('after');
    // Every other entry stayed cached, and is served again.
    expect(await cache.getOrLoad('test-outage', untouched, 600, () => Promise.resolve('reloaded'))).toEqual({
      value: 'b',
      hit: true,
    });
  }, 15_000);

  it('never stores a value loaded before an invalidation, on any instance', async () => {
    const [one, two] = await startTwoTestApps({ REDIS_URL: server.url });
    try {
      const [first, second] = [one.app.get(CacheService), two.app.get(CacheService)];
      for (let i = 0; i < 20; i += 1) {
        const key = profileKey();
        let loaded!: () => void;
        const loadRead = new Promise<void>((resolve) => (loaded = resolve));
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        // The rebuild on one instance reads the source, then waits while the other instance invalidates.
        const rebuild = first.getOrLoad('test-fence', key, 600, async () => {
          loaded();
          await held;
          return 'before the change';
        });
        await loadRead;
        // Alone, and (as a send does for every member's list) in one call with other keys.
        await (i % 2 === 0 ? second.invalidate(key) : second.invalidate(profileKey(), key, profileKey()));
        release();
        expect((await rebuild).value).toBe('before the change');
        expect(await direct.exists(key)).toBe(0);
        const next = await second.getOrLoad('test-fence', key, 600, () => Promise.resolve('after the change'));
        expect(next).toEqual({ value: 'after the change', hit: false });
        expect((await first.getOrLoad('test-fence', key, 600, () => Promise.resolve('x'))).value).toBe(
          'after the change',
        );
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 30_000);

  it('answers from the loader within a second while Redis is down, then drops what was invalidated meanwhile', async () => {
    const [kept, changed] = [profileKey(), profileKey()];
    expect(await cached(kept, 'old')).toBe(true);
    expect(await cached(changed, 'old')).toBe(true);
    await server.stop();
    try {
      const started = performance.now();
      const result = await cache.getOrLoad('test-outage', kept, 600, () => Promise.resolve('from postgres'));
      expect(result).toEqual({ value: 'from postgres', hit: false });
      expect(performance.now() - started).toBeLessThan(1000);
      await expect(cache.invalidate(changed)).resolves.toBeUndefined();
      expect(await cache.invalidatePattern(redisKeyPattern('user', 'me'))).toBe(0);
      // Down for longer than the service's own retry: it must go on until Redis takes the invalidation.
      await sleep(2000);
    } finally {
      await server.start();
    }
    // Redis kept its data (append-only file): the entry invalidated during the outage must go, the other stays.
    expect(await eventually(async () => (await direct.exists(changed)) === 0, 5_000)).toBe(true);
    expect(await eventually(() => cached(changed, 'new'), 5_000)).toBe(true);
    expect(await cache.getOrLoad('test-outage', kept, 600, () => Promise.resolve('reloaded'))).toEqual({
      value: 'old',
      hit: true,
    });
  }, 20_000);
});
