import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { connectSocket, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl, testRedisUrl } from '../support/test-config.js';

/** The sum of a metric's samples whose labels include `labels`, at /health/metrics. */
async function metric(t: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await t.request('GET', '/health/metrics')).text;
  let sum = 0;
  for (const [, sampleLabels = '', value] of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    if (Object.entries(labels).every(([key, wanted]) => sampleLabels.includes(`${key}="${wanted}"`)))
      sum += Number(value);
  }
  return sum;
}

const warmed = (t: TestApp, cache: string, result: string) => metric(t, 'cache_warm_total', { cache, result });
const listLoads = (t: TestApp) => metric(t, 'cache_load_duration_seconds_count', { cache: 'conversation-list' });

describe('cache warming', () => {
  const sockets: ClientSocket[] = [];
  const connect = async (t: TestApp, who: SignedIn) => {
    const socket = await connectSocket(t.baseUrl, who.accessToken);
    sockets.push(socket);
    return socket;
  };

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  describe('on connect', () => {
    let app: TestApp;
    let off: TestApp;
    let redis: Redis;

    beforeAll(async () => {
      [app, off] = await Promise.all([startTestApp(), startTestApp({ CACHE_ENABLED: false })]);
      redis = new Redis(testRedisUrl());
    });

    afterAll(async () => {
      redis.disconnect();
      await Promise.all([app.close(), off.close()]);
    });

    it('loads the list of a connecting user, so their first list read is a HIT with the body of a cold read', async () => {
      const [ann, bob] = [await register(app), await register(app)];
      const id = expectStatus<{ id: string }>(await chat(app, ann).createGroup('warm', [bob]), 201).id;
      expectStatus(await chat(app, ann).send(id, 'hello'), 201);
      expect(await redis.exists(RedisKeys.conversationList(bob.user.id))).toBe(0);
      const [loadsBefore, warmedBefore] = [await listLoads(app), await warmed(app, 'conversation-list', 'warmed')];

      await connect(app, bob);
      await eventually(
        () => warmed(app, 'conversation-list', 'warmed'),
        (count) => count > warmedBefore,
      );
      const first = await chat(app, bob).list();
      expect(first.headers.get('x-cache')).toBe('HIT');
      // What a read from PostgreSQL answers (caching off): the same text.
      const cold = await chat(off, bob).list();
      expect(cold.headers.get('x-cache')).toBe('MISS');
      expect(first.text).toBe(cold.text);
      expect(expectStatus<{ items: { id: string }[] }>(first, 200).items.map((item) => item.id)).toEqual([id]);
      expect((await listLoads(app)) - loadsBefore).toBe(1);

      // Warm already: a reconnect costs one EXISTS, no load and no lookup.
      const lookupsBefore = await metric(app, 'cache_requests_total', { cache: 'conversation-list' });
      const cachedBefore = await warmed(app, 'conversation-list', 'cached');
      const loadsWarm = await listLoads(app);
      await connect(app, bob);
      await eventually(
        () => warmed(app, 'conversation-list', 'cached'),
        (count) => count > cachedBefore,
      );
      expect(await listLoads(app)).toBe(loadsWarm);
      expect(await metric(app, 'cache_requests_total', { cache: 'conversation-list' })).toBe(lookupsBefore);
    });

    it('does nothing while caching is off', async () => {
      const cat = await register(off);
      const loadsBefore = await listLoads(off);
      await connect(off, cat);
      await sleep(500);
      expect(await redis.exists(RedisKeys.conversationList(cat.user.id))).toBe(0);
      expect(await metric(off, 'cache_warm_total')).toBe(0);
      expect(await listLoads(off)).toBe(loadsBefore);
    });

    it('runs a few loads at once in a reconnect storm and drops what it cannot do soon', async () => {
      const users = await Promise.all(Array.from({ length: 40 }, () => register(app)));
      const counts = async () => ({
        warmed: await warmed(app, 'conversation-list', 'warmed'),
        dropped: await warmed(app, 'conversation-list', 'dropped'),
        loads: await listLoads(app),
      });
      const before = await counts();
      // Every list load waits behind this lock until the test lets go: the storm's loads pile up.
      const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE');
        await Promise.all(users.map((who) => connect(app, who)));
        const waitingLoads = async () =>
          Number(
            (
              await blocker.query<{ count: string }>(
                `SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%conversation_members m JOIN conversations c%'`,
              )
            ).rows[0].count,
          );
        // Four loads at once, however many sockets connected; the others wait in line.
        expect(await eventually(waitingLoads, (count) => count >= 4, 3000)).toBe(4);
        await sleep(2500);
        expect(await waitingLoads()).toBe(4);
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }
      const after = await eventually(
        counts,
        (now) => now.warmed + now.dropped - before.warmed - before.dropped === users.length,
      );
      // The four ran; the rest waited past 2 s for a turn and were dropped, never loaded.
      expect(after.warmed - before.warmed).toBe(4);
      expect(after.dropped - before.dropped).toBe(users.length - 4);
      expect(after.loads - before.loads).toBe(4);
    }, 30_000);
  });

  describe('after a Redis outage', () => {
    let redis: RedisProcess;
    let app: TestApp;
    let client: Redis;

    beforeAll(async () => {
      redis = await redisProcess();
      app = await startTestApp({ REDIS_URL: redis.url, CACHE_WARM_PER_SECOND: 5 });
    });

    afterAll(async () => {
      client?.disconnect();
      await app.close();
      await redis.dispose();
    });

    it("rebuilds its connected users' lists and its busy conversations' windows, at the configured rate", async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => register(app)));
      const ids: string[] = [];
      for (let i = 0; i < 8; i += 1) {
        const [owner, other] = [users[i], users[i + 1]];
        const id = expectStatus<{ id: string }>(await chat(app, owner).createGroup(`g${i}`, [other]), 201).id;
        expectStatus(await chat(app, owner).send(id, `hello ${i}`), 201);
        ids.push(id);
      }
      await Promise.all(users.map((who) => connect(app, who)));
      // Their lists were loaded on connect; Redis then loses them all.
      await eventually(
        () => warmed(app, 'conversation-list', 'warmed'),
        (count) => count === users.length,
      );
      const keys = [
        ...users.map((who) => RedisKeys.conversationList(who.user.id)),
        ...ids.map((id) => RedisKeys.latestMessages(id)),
      ];

      await redis.stop();
      await sleep(500);
      await redis.start({ empty: true });
      const back = Date.now();
      client = new Redis(redis.url);
      expect(await client.exists(...keys)).toBe(0);

      const present = await eventually(
        () => client.exists(...keys),
        (count) => count === keys.length,
        20_000,
      );
      const took = Date.now() - back;
      expect(present).toBe(keys.length);
      // 20 rebuilds at 5 a second: 19 intervals of 200 ms at least, and no stampede before.
      expect(took).toBeGreaterThanOrEqual(3000);
      expect(took).toBeLessThan(15_000);

      // Every one is served from Redis, with no request having loaded it.
      for (const who of users) expect((await chat(app, who).list()).headers.get('x-cache')).toBe('HIT');
      for (const [i, id] of ids.entries()) {
        expect((await chat(app, users[i]).messages(id)).headers.get('x-cache')).toBe('HIT');
      }
      expect(await warmed(app, 'conversation-list', 'warmed')).toBeGreaterThanOrEqual(users.length * 2);
      expect(await warmed(app, 'latest-messages', 'warmed')).toBe(ids.length);
    }, 40_000);
  });

  describe('after a Redis outage, on two instances', () => {
    let redis: RedisProcess;
    let apps: TestApp[];
    let client: Redis;

    beforeAll(async () => {
      redis = await redisProcess();
      apps = await Promise.all([0, 1].map(() => startTestApp({ REDIS_URL: redis.url, CACHE_WARM_PER_SECOND: 20 })));
    });

    afterAll(async () => {
      client?.disconnect();
      await Promise.all(apps.map((t) => t.close()));
      await redis.dispose();
    });

    it('loads each key once, whichever instance rebuilds it', async () => {
      const [one, two] = apps;
      const users = await Promise.all(Array.from({ length: 10 }, () => register(one)));
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const id = expectStatus<{ id: string }>(await chat(one, users[i]).createGroup(`g${i}`, [users[i + 5]]), 201).id;
        // Sent through both: each instance counts it among its busy conversations.
        for (const t of apps) expectStatus(await chat(t, users[i]).send(id, 'hi'), 201);
        ids.push(id);
      }
      // Every user on both instances, in the same order: both rebuild the same keys in the same order.
      for (const who of users) await connect(one, who);
      for (const who of users) await connect(two, who);
      const loads = async (cache: string) => {
        const [a, b] = await Promise.all(apps.map((t) => metric(t, 'cache_load_duration_seconds_count', { cache })));
        return a + b;
      };
      await eventually(
        () => loads('conversation-list'),
        (count) => count === users.length,
      );
      const [listsBefore, windowsBefore] = [await loads('conversation-list'), await loads('latest-messages')];

      await redis.stop();
      await redis.start({ empty: true });
      client = new Redis(redis.url);
      const keys = [
        ...users.map((who) => RedisKeys.conversationList(who.user.id)),
        ...ids.map((id) => RedisKeys.latestMessages(id)),
      ];
      await eventually(
        () => client.exists(...keys),
        (count) => count === keys.length,
        20_000,
      );
      // Let both runs end, then count: one load per key over the two instances.
      await sleep(1500);
      expect((await loads('conversation-list')) - listsBefore).toBe(users.length);
      expect((await loads('latest-messages')) - windowsBefore).toBe(ids.length);
    }, 40_000);
  });
});
