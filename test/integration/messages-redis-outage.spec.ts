import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const bodies = (page: { items: { body: string }[] }) => page.items.map((item) => item.body);

describe('conversations and messages while Redis is down', () => {
  let redis: RedisProcess;
  let one: TestApp;
  let two: TestApp;
  let ann: SignedIn;
  let bob: SignedIn;
  let id: string;

  beforeAll(async () => {
    redis = await redisProcess();
    [one, two] = await startTwoTestApps({ REDIS_URL: redis.url });
    [ann, bob] = [await register(one), await register(one)];
    id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob]), 201).id;
    expectStatus(await chat(one, ann).send(id, 'before'), 201);
    // Warm every cache Bob reads, on both instances.
    for (const t of [one, two]) {
      expectStatus(await chat(t, bob).list(), 200);
      expectStatus(await chat(t, bob).messages(id), 200);
      expectStatus(await chat(t, bob).unread(), 200);
    }
    expect((await chat(two, bob).messages(id)).headers.get('x-cache')).toBe('HIT');
  }, 30_000);

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await redis.dispose();
  });

  it('stores sends and answers every read from Postgres, quickly', async () => {
    await redis.stop();
    const started = Date.now();
    expectStatus(await chat(one, ann).send(id, 'during'), 201);
    const page = await chat(two, bob).messages(id);
    expect(bodies(expectStatus(page, 200))).toEqual(['before', 'during']);
    expect(page.headers.get('x-cache')).toBe('MISS');
    const list = expectStatus(await chat(two, bob).list(), 200);
    expect(list.items[0]).toMatchObject({ id, unreadCount: 2, lastMessage: { body: 'during' } });
    expect(expectStatus(await chat(one, bob).unread(), 200).total).toBe(2);
    expect(expectStatus(await chat(one, bob).sync(id), 200).lastSeq).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('serves no entry made stale during the outage once Redis is back with its old data', async () => {
    await redis.start();
    // Redis still holds the list, unread counts and latest page from before the outage. Redis is
    // back for the service once both instances have reconnected: a page served from Redis (HIT) on
    // each, which on instance one (whose invalidations failed) also means they went through. Until
    // then an instance still cut off reads Postgres, and its writes miss Redis again.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const pages = await Promise.all([one, two].map((t) => chat(t, bob).messages(id)));
      const list = expectStatus(await chat(one, bob).list(), 200);
      const fresh = pages.every((page) => bodies(expectStatus(page, 200)).length === 2);
      const cached = pages.every((page) => page.headers.get('x-cache') === 'HIT');
      if (fresh && cached && list.items[0].lastMessage.body === 'during') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const t of [one, two]) {
      expect(bodies(expectStatus(await chat(t, bob).messages(id), 200))).toEqual(['before', 'during']);
      expect(expectStatus(await chat(t, bob).list(), 200).items[0]).toMatchObject({ unreadCount: 2 });
      expect(expectStatus(await chat(t, bob).unread(), 200).total).toBe(2);
    }
    expectStatus(await chat(one, ann).send(id, 'after'), 201);
    const page = await chat(two, bob).messages(id);
    expect(bodies(expectStatus(page, 200))).toEqual(['before', 'during', 'after']);
  });
});
