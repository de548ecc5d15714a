import { Redis } from 'ioredis';
import { dataNodes } from '#src/infra/redis/redis-nodes.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { bearer, freshAddress, login, register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { connectSocket, request } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

/** The one key kept without a TTL (docs/realtime.md): live instances, each removed when it leaves or is swept. */
const PERMANENT = [RedisKeys.presenceInstances()];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every key of the test database that has no expiry (PTTL -1); a key gone meanwhile (-2) is fine. */
async function keysWithoutTtl(redis: Redis): Promise<string[]> {
  const found: string[] = [];
  for (const node of dataNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) if ((await node.pttl(key)) === -1) found.push(key);
    } while (cursor !== '0');
  }
  return found.filter((key) => !PERMANENT.includes(key));
}

describe('every Redis key that should expire has a TTL', () => {
  let one: TestApp;
  let two: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    [one, two] = await startTwoTestApps({ PRESENCE_HEARTBEAT_SECONDS: 1 });
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  it('after sign-ins, sends, reads, reactions, typing, presence, revocations, caches and rate limits', async () => {
    const [ann, bob, cat] = [await register(one), await register(two), await register(one)];
    const api = (t: TestApp, who: typeof ann, method: string, path: string, body?: unknown) =>
      t.request(method, `/api/v1${path}`, { headers: bearer(who.accessToken), body });

    // Sign-ins: a failure and a success (which refunds its attempt), another session, a refresh.
    expect((await login(one, ann.user.username, 'wrong password', freshAddress())).status).toBe(401);
    const second = expectStatus<{ sessionId: string; refreshToken: string }>(
      await login(two, ann.user.username, 'correct horse battery', freshAddress()),
      200,
    );
    expectStatus(
      await one.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } }),
      200,
    );

    // Sockets on both instances (presence, heartbeats), conversations, messages over REST and sockets.
    const [annSocket, bobSocket] = [
      await connectSocket(one.baseUrl, ann.accessToken),
      await connectSocket(two.baseUrl, bob.accessToken),
    ];
    try {
      const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('ttl', [bob, cat]), 201).id;
      const direct = expectStatus<{ id: string }>(await chat(two, bob).openDirect(cat), 201).id;
      const message = expectStatus<{ id: string }>(await chat(one, ann).send(id, `hello @${bob.user.username}`), 201);
      expect(
        await request(bobSocket, 'message.send', {
          conversationId: id,
          clientMessageId: crypto.randomUUID(),
          body: 'hi',
        }),
      ).toMatchObject({ ok: true });
      expectStatus(await chat(two, bob).send(direct, 'a request'), 201);
      expectStatus(
        await api(one, ann, 'PATCH', `/conversations/${id}/messages/${message.id}`, { body: 'edited' }),
        200,
      );
      expectStatus(
        await api(two, bob, 'PUT', `/conversations/${id}/messages/${message.id}/reactions/${encodeURIComponent('👍')}`),
        200,
      );
      expect(await request(annSocket, 'typing.start', { conversationId: id })).toMatchObject({ ok: true });
      expect(await request(bobSocket, 'conversation.read', { conversationId: id, seq: 1 })).toMatchObject({ ok: true });
      expect(await request(annSocket, 'sync', { conversationId: id, since: 0 })).toMatchObject({ ok: true });
      expect(await request(annSocket, 'presence.query', { userIds: [bob.user.id] })).toMatchObject({ ok: true });

      // Cached reads on both instances.
      for (const t of [one, two]) {
        for (const path of [
          '/users/me',
          `/users/${bob.user.id}`,
          '/conversations',
          '/conversations/unread',
          `/conversations/${id}/messages`,
          '/notifications/unread-count',
        ]) {
          expectStatus(await api(t, cat, 'GET', path), 200);
        }
      }
      expectStatus(await api(one, cat, 'POST', '/notifications/read-all'), 204);
      expectStatus(await api(one, cat, 'PATCH', '/users/me', { displayName: 'Cat' }), 200);
      expectStatus(await api(two, cat, 'POST', `/users/${ann.user.id}/block`), 204);

      // A revocation that finds no mirror of the session in Redis writes its marker with an expiry.
      await redis.del(RedisKeys.session(second.sessionId));
      expectStatus(await api(one, ann, 'DELETE', `/auth/sessions/${second.sessionId}`), 204);
      expect(await redis.pttl(RedisKeys.session(second.sessionId))).toBeGreaterThan(0);

      // Let both instances renew their presence with these sockets open.
      await sleep(1500);
    } finally {
      annSocket.close();
      bobSocket.close();
    }
    await sleep(300);
    expectStatus(await api(two, bob, 'POST', '/auth/logout'), 204);

    expect((await redis.dbsize()) > 20).toBe(true);
    expect(await keysWithoutTtl(redis)).toEqual([]);
  });
});
