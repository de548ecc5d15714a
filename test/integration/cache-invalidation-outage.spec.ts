import { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

// Instance one reaches Redis through a proxy that the test cuts; instance two reaches it directly.
// An invalidation that fails on one must be made good for its own keys only: the other entries stay
// cached for everyone, and the stale entry is served by no instance once one reaches Redis again.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Entry {
  id: string;
  title: string | null;
}

describe('an invalidation that failed on one instance', () => {
  let proxy: TcpProxy;
  let one: TestApp;
  let two: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    const url = new URL(testRedisUrl());
    proxy = await tcpProxy(url.hostname, Number(url.port));
    const throughProxy = new URL(url);
    throughProxy.port = String(proxy.port);
    [one, two] = await Promise.all([startTestApp({ REDIS_URL: throughProxy.toString() }), startTestApp()]);
    redis = new Redis(testRedisUrl());
  });

  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
    await proxy.close();
  });

  const list = async (t: TestApp, who: SignedIn) => {
    const response = await chat(t, who).list();
    return { cache: response.headers.get('x-cache'), items: expectStatus<{ items: Entry[] }>(response, 200).items };
  };

  const redisState = async (t: TestApp) =>
    (await t.request('GET', '/health')).json<{ components: { redis: { status: string } } }>().components.redis.status;

  it('is made good for its own keys once Redis answers, and leaves every other entry cached', async () => {
    const [ann, bob, cat, dan] = await Promise.all([register(two), register(two), register(two), register(two)]);
    const changed = expectStatus<Entry>(await chat(two, ann).createGroup('before', [bob]), 201);
    const other = expectStatus<Entry>(await chat(two, cat).createGroup('elsewhere', [dan]), 201);
    for (const who of [bob, dan]) {
      await list(two, who);
      expect((await list(two, who)).cache).toBe('HIT');
    }

    await proxy.cut();
    // The rename commits; its invalidations cannot reach Redis from this instance.
    const renamed = await chat(one, ann).call('PATCH', `/${changed.id}`, { title: 'after' });
    expect(expectStatus<Entry>(renamed, 200).title).toBe('after');
    // Meanwhile this instance answers from PostgreSQL.
    expect((await list(one, bob)).items.find((item) => item.id === changed.id)?.title).toBe('after');
    await proxy.restore();

    const deadline = Date.now() + 10_000;
    while ((await redisState(one)) !== 'up' && Date.now() < deadline) await sleep(50);
    expect(await redisState(one)).toBe('up');

    // From the moment instance one reaches Redis, no instance serves the stale list or title.
    for (let round = 0; round < 3; round++) {
      for (const t of [one, two]) {
        expect((await list(t, bob)).items.find((item) => item.id === changed.id)?.title).toBe('after');
        expect(expectStatus<Entry>(await chat(t, bob).detail(changed.id), 200).title).toBe('after');
      }
    }
    // The other conversation's entries were never dropped.
    expect(await redis.exists(RedisKeys.conversationList(dan.user.id))).toBe(1);
    for (const t of [two, one]) {
      const { cache, items } = await list(t, dan);
      expect(cache).toBe('HIT');
      expect(items.map((item) => item.title)).toEqual(['elsewhere']);
    }
    expect(other.title).toBe('elsewhere');
  }, 30_000);
});
