import type { Redis } from 'ioredis';
import { REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';
import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startPrivateRedis, type EmbeddedServer } from '../support/embedded.js';
import { eventually } from '../support/eventually.js';
import { connectSocket } from '../support/socket-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const status = async (t: TestApp, path: string) => (await t.request('GET', path)).status;

describe('component health routes', () => {
  let t: TestApp;

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('reports PostgreSQL with its pool, and Redis, up', async () => {
    const postgres = await t.request('GET', '/health/postgres');
    expect(postgres.status).toBe(200);
    expect(postgres.json()).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
    const pool = postgres.json().pool;
    expect(pool.total).toBeGreaterThanOrEqual(1);
    expect(pool.idle).toBeLessThanOrEqual(pool.total);
    expect(pool.waiting).toBe(0);

    const redis = await t.request('GET', '/health/redis');
    expect(redis.status).toBe(200);
    expect(redis.json()).toEqual({ status: 'up', latencyMs: expect.any(Number) });
  });

  it('times a real publish → subscribe round trip through the adapter clients', async () => {
    const pubsub = await t.request('GET', '/health/pubsub');
    expect(pubsub.status).toBe(200);
    expect(pubsub.json()).toEqual({ status: 'up', latencyMs: expect.any(Number) });
    expect(pubsub.json().latencyMs).toBeGreaterThan(0);
    const metrics = (await t.request('GET', '/health/metrics')).text;
    expect(metrics).toMatch(/^dependency_up\{dependency="pubsub"\} 1$/m);
  });

  it('reports hit counts per cache since start and over the last minute, keys per cache and Redis memory', async () => {
    const ann = await register(t);
    const bob = await register(t);
    expectStatus(await chat(t, ann).createGroup('g', [bob]), 201);
    for (let i = 0; i < 3; i++) expectStatus(await chat(t, ann).list(), 200);

    // Reports are reused for two seconds: wait for one built after the reads above.
    const cache = await eventually(
      async () => (await t.request('GET', '/health/cache')).json(),
      (body) => (body.caches?.['conversation-list']?.lastMinute.hits ?? 0) >= 2,
    );
    expect(cache.status).toBe('up');
    const list = cache.caches['conversation-list'];
    expect(list.sinceStart.hits + list.sinceStart.misses).toBeGreaterThanOrEqual(3);
    expect(list.sinceStart.hitRatio).toBeCloseTo(
      list.sinceStart.hits / (list.sinceStart.hits + list.sinceStart.misses),
    );
    expect(list.lastMinute.hits).toBeGreaterThanOrEqual(2);
    expect(cache.keys.byCache['conversation-list']).toBeGreaterThanOrEqual(1);
    expect(cache.keys.complete).toBe(true);
    expect(cache.keys.totalKeys).toBeGreaterThanOrEqual(cache.keys.sampledKeys);
    // Sessions and revocations are kept in Redis too, and are no cache.
    expect(cache.keys.other).toBeGreaterThanOrEqual(1);
    expect(cache.memory.usedBytes).toBeGreaterThan(0);
    expect(typeof cache.memory.policy).toBe('string');
    expect(cache.memory.policy.length).toBeGreaterThan(0);
    expect(cache.memory.evictedKeys).toBeGreaterThanOrEqual(0);
  });

  it('counts active sessions and the users online on any instance', async () => {
    const ann = await register(t);
    const socket = await connectSocket(t.baseUrl, ann.accessToken);
    try {
      const sessions = await eventually(
        async () => (await t.request('GET', '/health/sessions')).json(),
        (body) => body.onlineUsers >= 1,
      );
      expect(sessions).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
      expect(sessions.activeSessions).toBeGreaterThanOrEqual(1);
      expect(sessions.onlineUsers).toBeGreaterThanOrEqual(1);
    } finally {
      socket.disconnect();
    }
  });
});

describe('/health/pubsub while the subscriber is cut off', () => {
  let t: TestApp;

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('answers 503 while the subscriber client is disconnected, with the command client fine, and 200 once it is back', async () => {
    expect(await status(t, '/health/pubsub')).toBe(200);
    const subscriber = t.app.get<Redis>(REDIS_SUBSCRIBER);
    subscriber.disconnect();
    try {
      const down = await eventually(
        () => t.request('GET', '/health/pubsub'),
        (response) => response.status === 503,
      );
      expect(down.status).toBe(503);
      expect(down.json()).toMatchObject({ status: 'down', error: expect.stringMatching(/^(timeout|unavailable)$/) });
      expect(await status(t, '/health/redis')).toBe(200);
      expect(await status(t, '/health/readiness')).toBe(200);
    } finally {
      await subscriber.connect();
    }
    const back = await eventually(
      () => t.request('GET', '/health/pubsub'),
      (response) => response.status === 200,
    );
    expect(back.json()).toMatchObject({ status: 'up' });
  });
});

describe('component health routes while Redis is down', () => {
  let redis: EmbeddedServer;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers 503 for Redis, pub/sub, the cache and sessions, each saying what it still knows; PostgreSQL and readiness stay 200', async () => {
    const ann = await register(t);
    expectStatus(await chat(t, ann).list(), 200);
    await redis.stop();

    const redisReport = await eventually(
      () => t.request('GET', '/health/redis'),
      (response) => response.status === 503,
    );
    expect(redisReport.json()).toMatchObject({ status: 'down' });
    expect(await status(t, '/health/pubsub')).toBe(503);

    const cache = await eventually(
      () => t.request('GET', '/health/cache'),
      (response) => response.status === 503,
    );
    expect(cache.json()).toMatchObject({ status: 'down', keys: null, memory: null });
    // This instance's own counts do not need Redis.
    expect(cache.json().caches['conversation-list'].sinceStart.misses).toBeGreaterThanOrEqual(1);

    const sessions = await eventually(
      () => t.request('GET', '/health/sessions'),
      (response) => response.status === 503,
    );
    expect(sessions.json()).toMatchObject({ status: 'down', onlineUsers: null });
    expect(sessions.json().activeSessions).toBeGreaterThanOrEqual(1);

    expect(await status(t, '/health/postgres')).toBe(200);
    expect(await status(t, '/health/readiness')).toBe(200);
  });
});
