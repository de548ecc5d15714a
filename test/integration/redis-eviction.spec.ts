import { Redis } from 'ioredis';
import pg from 'pg';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { insertMessages } from '../support/bulk-messages.js';
import { createUsers } from '../support/bulk-users.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { collect, connectSocket, socketsClosedAfterEach, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';

/** A Redis of a few MB that evicts any key, least recently used first, as a cache-only Redis would. */
const MAXMEMORY = '4mb';
const HEARTBEAT_SECONDS = 2;
const SEARCH_LIMIT = 3;
/** Long bodies, so each conversation's cached window (101 messages) weighs about 200 KB. */
const BULK_PREFIX = 'history '.repeat(250);
const FILLER = 'f'.repeat(8 * 1024);

describe('Redis under allkeys-lru eviction', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let db: pg.Client;
  let one: TestApp;
  let two: TestApp;
  /** Reads straight from PostgreSQL (no cache), on the same servers: what every answer must equal. */
  let truth: TestApp;
  const { track } = socketsClosedAfterEach();
  const statuses: number[] = [];
  let cacheHits = 0;
  let fillers = 0;

  const call = async (app: TestApp, who: SignedIn, method: string, path: string, body?: unknown) => {
    const response = await app.request(method, path, { headers: bearer(who.accessToken), body });
    statuses.push(response.status);
    if (response.headers.get('x-cache') === 'HIT') cacheHits += 1;
    return response;
  };
  const ok = (response: HttpResponse) => expectStatus(response, 200);
  /** Writes `count` filler keys of 8 KB: about twice the limit's worth evicts nearly everything older. */
  const fill = async (count: number) => {
    const batch = admin.pipeline();
    for (let i = 0; i < count; i += 1) batch.set(`filler:${(fillers += 1)}`, FILLER);
    await batch.exec();
  };
  const evictedKeys = async () => Number(/evicted_keys:(\d+)/.exec(await admin.info('stats'))![1]);
  const exists = async (pattern: string) => (await admin.scan('0', 'MATCH', pattern, 'COUNT', 100000))[1].length > 0;
  /** Fills until no key matches `pattern`: LRU eviction reaches any key once enough newer ones arrive. */
  const fillUntilGone = async (...patterns: string[]) => {
    const anyLeft = async () => (await Promise.all(patterns.map(exists))).some(Boolean);
    for (const pattern of patterns) expect(await exists(pattern)).toBe(true);
    for (let round = 0; round < 100 && (await anyLeft()); round += 1) await fill(100);
    expect(await anyLeft()).toBe(false);
  };

  beforeAll(async () => {
    redis = await redisProcess(['--maxmemory', MAXMEMORY, '--maxmemory-policy', 'allkeys-lru']);
    admin = new Redis(redis.url);
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    const settings = {
      REDIS_URL: redis.url,
      PRESENCE_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS,
      MESSAGES_PER_MINUTE_PER_USER: 100_000,
      CONVERSATIONS_PER_MINUTE_PER_USER: 1000,
      SEARCHES_PER_MINUTE_PER_USER: SEARCH_LIMIT,
    };
    [[one, two], truth] = await Promise.all([
      startTwoTestApps(settings),
      startTestApp({ ...settings, CACHE_ENABLED: false }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close(), truth?.close()]);
    admin?.disconnect();
    await db?.end();
    await redis?.dispose();
  });

  it('keeps every read correct, sends gap-free and delivery live while keys are evicted', async () => {
    const people: SignedIn[] = [];
    for (let i = 0; i < 6; i += 1) people.push(await register(one));
    const crowd = await createUsers(one, 40, `evict-${process.pid}`);
    const conversations: { id: string; members: SignedIn[] }[] = [];
    for (let i = 0; i < people.length; i += 1) {
      for (let j = i + 1; j < people.length; j += 1) {
        const id = expectStatus<{ id: string }>(await chat(one, people[i]).openDirect(people[j]), 201).id;
        expectStatus(await chat(one, people[j]).call('POST', `/${id}/accept`), 200);
        conversations.push({ id, members: [people[i], people[j]] });
      }
    }
    for (let g = 0; g < 3; g += 1) {
      const group = await chat(one, people[0]).call('POST', '', {
        type: 'group',
        title: `group ${g}`,
        memberIds: [...people.slice(1), ...crowd].map((member) => ('user' in member ? member.user.id : member.id)),
      });
      conversations.push({ id: expectStatus<{ id: string }>(group, 201).id, members: people });
    }
    for (const { id, members } of conversations) await insertMessages(db, id, members[0].user.id, 120, BULK_PREFIX);

    const [ann, bob] = people;
    const annBob = conversations[0].id;
    const connectTo = async (app: TestApp, who: SignedIn): Promise<ClientSocket> =>
      track(await connectSocket(app.baseUrl, who.accessToken));
    const annSocket = collect(await connectTo(one, ann), 'message.created');
    const bobSocket = collect(await connectTo(two, bob), 'message.created');

    /** Every cached read of every person, on both instances, against the uncached answer. */
    const readAll = async () => {
      for (const who of people) {
        const mine = conversations.filter(({ members }) => members.includes(who));
        const expected = {
          list: ok(await call(truth, who, 'GET', '/api/v1/conversations')),
          unread: ok(await call(truth, who, 'GET', '/api/v1/conversations/unread')),
        };
        for (const app of [one, two]) {
          expect(ok(await call(app, who, 'GET', '/api/v1/conversations'))).toEqual(expected.list);
          expect(ok(await call(app, who, 'GET', '/api/v1/conversations/unread'))).toEqual(expected.unread);
        }
        for (const { id } of mine) {
          const latest = ok(await call(truth, who, 'GET', `/api/v1/conversations/${id}/messages`));
          const lastSeq = latest.items.at(-1).seq;
          const sync = ok(await call(truth, who, 'GET', `/api/v1/conversations/${id}/sync?since=${lastSeq - 10}`));
          for (const app of [one, two]) {
            expect(ok(await call(app, who, 'GET', `/api/v1/conversations/${id}/messages`))).toEqual(latest);
            expect(ok(await call(app, who, 'GET', `/api/v1/conversations/${id}/sync?since=${lastSeq - 10}`))).toEqual(
              sync,
            );
          }
        }
      }
    };
    /** Ten sends into each conversation, alternating instances, all at once. */
    const sendAll = async (round: number) => {
      const sends = conversations.flatMap(({ id, members }) =>
        Array.from({ length: 10 }, async (_, k) => {
          const sender = members[k % members.length];
          const response = await chat(k % 2 ? two : one, sender).send(id, `round ${round} #${k} ${'x'.repeat(1000)}`);
          statuses.push(response.status);
          return { id, message: expectStatus<{ id: string; seq: number }>(response, 201) };
        }),
      );
      return Promise.all(sends);
    };

    const sent: { id: string; message: { id: string; seq: number } }[] = [];
    for (let round = 0; round < 3; round += 1) {
      await readAll();
      await fill(150);
      sent.push(...(await sendAll(round)));
      await fill(100);
      await readAll();
    }
    expect(await evictedKeys()).toBeGreaterThan(100);
    // Answers came from the caches as well as from PostgreSQL: both were checked.
    expect(cacheHits).toBeGreaterThan(50);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);

    // Every conversation's seqs are 1..lastSeq with no gap, and every acknowledged send is among them once.
    for (const { id, members } of conversations) {
      const { items, lastSeq } = ok(await call(truth, members[0], 'GET', `/api/v1/conversations/${id}/sync?since=0`));
      expect(items.map((message: { seq: number }) => message.seq)).toEqual(
        Array.from({ length: lastSeq }, (_, i) => i + 1),
      );
      const ids = new Set(items.map((message: { id: string }) => message.id));
      for (const { message } of sent.filter((entry) => entry.id === id)) expect(ids.has(message.id)).toBe(true);
    }

    // Live delivery across instances: every send of the ann–bob conversation reached both of them.
    const annBobIds = sent.filter((entry) => entry.id === annBob).map(({ message }) => message.id);
    for (const socket of [annSocket, bobSocket]) {
      const received = await socket.until(
        (items) => annBobIds.every((id) => items.some((item) => item.message.id === id)),
        10_000,
      );
      expect(received.filter((item) => item.conversationId === annBob)).toHaveLength(annBobIds.length);
    }
  }, 180_000);

  it('an evicted rate-limit window starts afresh', async () => {
    const searcher = await register(one);
    const search = () => call(one, searcher, 'GET', '/api/v1/search/messages?q=history');
    for (let i = 0; i < SEARCH_LIMIT; i += 1) expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(429);
    await fillUntilGone('ratelimit:searches:*');
    expect((await search()).status).toBe(200);
  }, 60_000);

  it('a revoked session stays revoked when its Redis markers are evicted', async () => {
    const carol = await register(one);
    expectStatus(await call(one, carol, 'POST', '/api/v1/auth/logout'), 204);
    expect((await call(two, carol, 'GET', '/api/v1/users/me')).status).toBe(401);
    await fillUntilGone(RedisKeys.session(carol.sessionId), 'auth:revoked-jti:*');
    for (const app of [one, two]) expect((await call(app, carol, 'GET', '/api/v1/users/me')).status).toBe(401);
  }, 60_000);

  it('evicted presence comes back with the next heartbeat', async () => {
    const [dan, eve] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, dan).openDirect(eve), 201).id;
    expectStatus(await chat(one, eve).call('POST', `/${id}/accept`), 200);
    track(await connectSocket(two.baseUrl, eve.accessToken));
    const online = async () => ok(await call(one, dan, 'GET', `/api/v1/users/${eve.user.id}/presence`)).online;
    expect(await eventually(online, (value) => value === true)).toBe(true);
    await fillUntilGone(RedisKeys.presenceUser(eve.user.id));
    expect(await eventually(online, (value) => value === true, HEARTBEAT_SECONDS * 3000)).toBe(true);
  }, 60_000);
});

describe('Redis full under noeviction', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let one: TestApp;
  let two: TestApp;
  let truth: TestApp;
  const { track } = socketsClosedAfterEach();
  const statuses: number[] = [];

  const call = async (app: TestApp, who: SignedIn, method: string, path: string, body?: unknown) => {
    const response = await app.request(method, path, { headers: bearer(who.accessToken), body });
    statuses.push(response.status);
    return response;
  };
  const ok = (response: HttpResponse) => expectStatus(response, 200);

  beforeAll(async () => {
    redis = await redisProcess(['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction']);
    admin = new Redis(redis.url);
    const settings = { REDIS_URL: redis.url, PRESENCE_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS };
    [[one, two], truth] = await Promise.all([
      startTwoTestApps(settings),
      startTestApp({ ...settings, CACHE_ENABLED: false }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close(), truth?.close()]);
    admin?.disconnect();
    await redis?.dispose();
  });

  it('keeps serving when Redis refuses writes: sign-up, sends, correct reads, revocation and delivery', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expectStatus(await chat(one, bob).call('POST', `/${id}/accept`), 200);
    expectStatus(await chat(one, ann).send(id, 'before Redis is full'), 201);
    for (const app of [one, two])
      for (const who of [ann, bob]) ok(await call(app, who, 'GET', '/api/v1/conversations'));

    // Fill it until Redis refuses a write.
    let refused: Error | undefined;
    for (let i = 0; !refused && i < 10_000; i += 1) {
      await admin.set(`filler:${i}`, FILLER).catch((error: Error) => (refused = error));
    }
    expect(refused?.message).toMatch(/^OOM /);

    const carol = await register(two);
    const bobSocket = collect(track(await connectSocket(two.baseUrl, bob.accessToken)), 'message.created');
    const sent: { id: string; seq: number }[] = [];
    for (let k = 0; k < 4; k += 1) {
      const response = await chat(k % 2 ? two : one, ann).send(id, `while Redis is full #${k}`);
      statuses.push(response.status);
      sent.push(expectStatus<{ id: string; seq: number }>(response, 201));
    }
    expect(sent.map((message) => message.seq)).toEqual([2, 3, 4, 5]);
    await bobSocket.until((items) => sent.every((message) => items.some((item) => item.message.id === message.id)));

    for (const who of [ann, bob]) {
      const expected = {
        list: ok(await call(truth, who, 'GET', '/api/v1/conversations')),
        unread: ok(await call(truth, who, 'GET', '/api/v1/conversations/unread')),
        latest: ok(await call(truth, who, 'GET', `/api/v1/conversations/${id}/messages`)),
      };
      expect(expected.latest.items.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3, 4, 5]);
      for (const app of [one, two]) {
        expect(ok(await call(app, who, 'GET', '/api/v1/conversations'))).toEqual(expected.list);
        expect(ok(await call(app, who, 'GET', '/api/v1/conversations/unread'))).toEqual(expected.unread);
        expect(ok(await call(app, who, 'GET', `/api/v1/conversations/${id}/messages`))).toEqual(expected.latest);
      }
    }

    expectStatus(await call(one, carol, 'POST', '/api/v1/auth/logout'), 204);
    for (const app of [one, two]) expect((await call(app, carol, 'GET', '/api/v1/users/me')).status).toBe(401);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // Still full: what passed, passed with Redis refusing writes.
    await expect(admin.set('filler:last', FILLER)).rejects.toThrow(/^OOM /);
  }, 120_000);
});
