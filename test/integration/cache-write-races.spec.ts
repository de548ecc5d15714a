import { Redis } from 'ioredis';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { MessagesRepository } from '#src/messages/messages.repository.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import type { HttpResponse } from '../support/test-app.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

// For every cache: a rebuild on instance two reads PostgreSQL, then waits; a write on instance one
// commits and returns; then the rebuild goes on to store what it read. Afterwards both instances
// must answer the write's result: the value read before the write is never stored after it.

/** A rebuild held between its read of PostgreSQL and its return. */
interface Held {
  read: Promise<void>;
  release(): void;
}

function holdOnce(): { held: Held; around<T>(load: () => Promise<T>): Promise<T> } {
  let read!: () => void;
  let release!: () => void;
  const readDone = new Promise<void>((resolve) => (read = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    held: { read: readDone, release },
    async around(load) {
      const value = await load();
      read();
      await released;
      return value;
    },
  };
}

/** Holds the next load of `key` by the cache service of `t` (every cache built on getOrLoad). */
function holdCacheLoad(t: TestApp, key: string): Held {
  const cache = t.app.get(CacheService);
  const original = cache.getOrLoad.bind(cache);
  const hold = holdOnce();
  cache.getOrLoad = (name, loadedKey, ttl, loader) => {
    if (loadedKey !== key) return original(name, loadedKey, ttl, loader);
    cache.getOrLoad = original;
    return original(name, loadedKey, ttl, () => hold.around(loader));
  };
  return hold.held;
}

/** Holds the next load of a conversation's latest-messages window on `t`. */
function holdWindowLoad(t: TestApp): Held {
  const messages = t.app.get(MessagesRepository);
  const original = messages.latest.bind(messages);
  const hold = holdOnce();
  messages.latest = (conversationId, count) => {
    messages.latest = original;
    return hold.around(() => original(conversationId, count));
  };
  return hold.held;
}

describe('every cache, with a rebuild racing a write across two instances', () => {
  let one: TestApp;
  let two: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps();
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  /** Ann and Bob in a group of two with one message from Ann. */
  const pair = async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('pair', [bob]), 201).id;
    const first = expectStatus<{ id: string }>(await chat(one, ann).send(id, 'first'), 201);
    return { ann, bob, id, firstId: first.id };
  };

  /**
   * Runs the race for `key`: the key is dropped (so the read on two rebuilds it), the read starts
   * and is held after its load, `write` runs on one, the read goes on; then `fresh` must hold for a
   * read on each instance.
   */
  async function race(
    key: string | null,
    hold: () => Held,
    read: (t: TestApp) => Promise<HttpResponse>,
    write: () => Promise<unknown>,
    fresh: (response: HttpResponse) => void,
  ) {
    if (key) await redis.del(key);
    const held = hold();
    const racing = read(two);
    await held.read;
    await write();
    held.release();
    await racing;
    for (const t of [two, one, two]) fresh(await read(t));
  }

  const patchMe = (who: SignedIn, body: Record<string, unknown>) =>
    one
      .request('PATCH', '/api/v1/users/me', { headers: bearer(who.accessToken), body })
      .then((r) => expectStatus(r, 200));

  it('user:profile', async () => {
    const { ann, bob } = await pair();
    const key = RedisKeys.userProfile(ann.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      (t) => t.request('GET', `/api/v1/users/${ann.user.id}`, { headers: bearer(bob.accessToken) }),
      () => patchMe(ann, { displayName: 'after' }),
      (response) => expect(expectStatus(response, 200).displayName).toBe('after'),
    );
  });

  it('user:me', async () => {
    const { ann } = await pair();
    const key = RedisKeys.userMe(ann.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      (t) => t.request('GET', '/api/v1/users/me', { headers: bearer(ann.accessToken) }),
      () => patchMe(ann, { bio: 'after' }),
      (response) => expect(expectStatus(response, 200).bio).toBe('after'),
    );
  });

  it('conv:list-json, against a send', async () => {
    const { ann, bob, id } = await pair();
    const key = RedisKeys.conversationList(bob.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      (t) => chat(t, bob).list(),
      async () => expectStatus(await chat(one, ann).send(id, 'after'), 201),
      (response) => expect(expectStatus(response, 200).items[0].lastMessage.body).toBe('after'),
    );
  });

  it('conv:list-json, against a profile change of a member', async () => {
    const { ann, bob } = await pair();
    const key = RedisKeys.conversationList(bob.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      (t) => chat(t, bob).list(),
      () => patchMe(ann, { displayName: 'after' }),
      (response) => {
        const members: { userId: string; displayName: string }[] = expectStatus(response, 200).items[0].members;
        expect(members.find((member) => member.userId === ann.user.id)?.displayName).toBe('after');
      },
    );
  });

  it('conv:unread', async () => {
    const { ann, bob, id } = await pair();
    const key = RedisKeys.conversationUnread(bob.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      (t) => chat(t, bob).unread(),
      async () => expectStatus(await chat(one, ann).send(id, 'second'), 201),
      (response) => expect(expectStatus(response, 200).total).toBe(2),
    );
  });

  it('conv:meta', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob]), 201).id;
    const key = RedisKeys.conversationMeta(id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      // Reading messages authorizes against the cached member list alone.
      (t) => chat(t, bob).messages(id),
      async () =>
        expect(
          (
            await one.request('DELETE', `/api/v1/conversations/${id}/members/${bob.user.id}`, {
              headers: bearer(ann.accessToken),
            })
          ).status,
        ).toBe(204),
      (response) => expect(response.status).toBe(404),
    );
  });

  it('conv:timeline (the latest-messages window)', async () => {
    const { ann, bob, id, firstId } = await pair();
    await race(
      RedisKeys.latestMessages(id),
      () => holdWindowLoad(two),
      (t) => chat(t, bob).messages(id),
      async () =>
        expectStatus(
          await one.request('PATCH', `/api/v1/conversations/${id}/messages/${firstId}`, {
            headers: bearer(ann.accessToken),
            body: { body: 'after' },
          }),
          200,
        ),
      (response) =>
        expect(expectStatus(response, 200).items.map((item: { body: string }) => item.body)).toEqual(['after']),
    );
  });

  it('notif:unread', async () => {
    const { bob } = await pair();
    // Bob had no socket when Ann wrote: the fan-out stores him a notification, in the background.
    const count = (t: TestApp) =>
      t.request('GET', '/api/v1/notifications/unread-count', { headers: bearer(bob.accessToken) });
    const deadline = Date.now() + 5000;
    while (expectStatus(await count(one), 200).count === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await redis.del(RedisKeys.notificationUnread(bob.user.id));
    }
    const key = RedisKeys.notificationUnread(bob.user.id);
    await race(
      key,
      () => holdCacheLoad(two, key),
      count,
      async () =>
        expect(
          (await one.request('POST', '/api/v1/notifications/read-all', { headers: bearer(bob.accessToken) })).status,
        ).toBe(204),
      (response) => expect(expectStatus(response, 200).count).toBe(0),
    );
  });
});
