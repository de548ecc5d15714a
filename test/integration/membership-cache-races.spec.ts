import { Redis } from 'ioredis';
import { unpack } from 'msgpackr';
import { ConversationsRepository } from '#src/conversations/conversations.repository.js';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

// Every conversation route authorizes against the cached member list. These races put a rebuild of
// that list on one instance (its read of PostgreSQL done, its store not yet) around a removal or a
// role change made on the other, and then look for any right that survived the change.

const ROUNDS = 10;

/** Holds the next loads of one conversation's metadata on `t` between their read and their return. */
function holdMetaLoads(t: TestApp) {
  const repository = t.app.get(ConversationsRepository);
  const original = repository.findMeta.bind(repository);
  let hold: { conversationId: string; read: () => void; release: Promise<void> } | undefined;
  repository.findMeta = async (id: string) => {
    const meta = await original(id);
    if (hold?.conversationId === id) {
      hold.read();
      await hold.release;
    }
    return meta;
  };
  return {
    /** Holds the loads of `conversationId` until `release()`; `read` resolves once one has read. */
    arm(conversationId: string) {
      let read!: () => void;
      let release!: () => void;
      const readDone = new Promise<void>((resolve) => (read = resolve));
      hold = { conversationId, read, release: new Promise<void>((resolve) => (release = resolve)) };
      return {
        read: readDone,
        release: () => {
          hold = undefined;
          release();
        },
      };
    },
  };
}

describe('membership changes racing rebuilds of the cached member list', () => {
  let one: TestApp;
  let two: TestApp;
  let redis: Redis;
  let held: ReturnType<typeof holdMetaLoads>;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps();
    held = holdMetaLoads(one);
    redis = new Redis(testRedisUrl());
  });

  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  const forgetMeta = (conversationId: string) =>
    one.app.get(CacheService).invalidate(RedisKeys.conversationMeta(conversationId));

  it('a removed member keeps no right, though a rebuild read the member list before the removal', async () => {
    const [owner, ...members] = await Promise.all(Array.from({ length: ROUNDS + 1 }, () => register(one)));
    const group = expectStatus<{ id: string }>(await chat(two, owner).createGroup('race', members), 201);
    for (const removed of members) {
      await forgetMeta(group.id);
      const hold = held.arm(group.id);
      // The removed member's read rebuilds the member list on one instance, and is held there.
      const earlier = chat(one, removed).detail(group.id);
      await hold.read;
      expect((await chat(two, owner).call('DELETE', `/${group.id}/members/${removed.user.id}`)).status).toBe(204);
      hold.release();
      await earlier;

      for (const t of [one, two]) {
        expect((await chat(t, removed).detail(group.id)).status).toBe(404);
        expect((await chat(t, removed).messages(group.id)).status).toBe(404);
        expect((await chat(t, removed).send(group.id, 'still here?')).status).toBe(404);
      }
      const cached = await redis.getBuffer(RedisKeys.conversationMeta(group.id));
      if (cached) {
        const meta = unpack(cached) as ConversationMeta;
        expect(meta.members.map((member) => member.userId)).not.toContain(removed.user.id);
      }
    }
    const page = expectStatus<{ items: { body: string }[] }>(await chat(one, owner).messages(group.id), 200);
    expect(page.items.map((item) => item.body)).not.toContain('still here?');
  }, 60_000);

  it('a demoted admin keeps no admin right, though a rebuild read the roles before the change', async () => {
    const [owner, plain, ...admins] = await Promise.all(Array.from({ length: ROUNDS + 2 }, () => register(one)));
    const group = expectStatus<{ id: string }>(await chat(two, owner).createGroup('roles', [plain, ...admins]), 201);
    for (const admin of admins) {
      const promote = await chat(two, owner).call('PATCH', `/${group.id}/members/${admin.user.id}`, { role: 'admin' });
      expect(promote.status).toBe(200);
      await forgetMeta(group.id);
      const hold = held.arm(group.id);
      const earlier = chat(one, admin).detail(group.id);
      await hold.read;
      const demote = await chat(two, owner).call('PATCH', `/${group.id}/members/${admin.user.id}`, { role: 'member' });
      expect(demote.status).toBe(200);
      hold.release();
      await earlier;

      for (const t of [one, two]) {
        const removal = await chat(t, admin).call('DELETE', `/${group.id}/members/${plain.user.id}`);
        expect(removal.status).toBe(403);
        const rename = await chat(t, admin).call('PATCH', `/${group.id}`, { title: 'taken over' });
        expect(rename.status).toBe(403);
      }
    }
    const detail = expectStatus<{ title: string; members: { userId: string }[] }>(
      await chat(one, owner).detail(group.id),
      200,
    );
    expect(detail.title).toBe('roles');
    expect(detail.members.map((member) => member.userId)).toContain(plain.user.id);
  }, 60_000);

  it("refuses a removed member's send with 404 even when the cache still lists them", async () => {
    const [owner, removed] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, owner).createGroup('stale', [removed]), 201);
    expectStatus(await chat(one, removed).detail(group.id), 200);
    const key = RedisKeys.conversationMeta(group.id);
    const withRemoved = await redis.getBuffer(key);
    expect(withRemoved).not.toBeNull();
    expect((await chat(two, owner).call('DELETE', `/${group.id}/members/${removed.user.id}`)).status).toBe(204);
    // A member list from before the removal, as a cache could still hold it.
    await redis.set(key, withRemoved!, 'EX', 600);

    for (const t of [one, two]) {
      const send = await chat(t, removed).send(group.id, 'sent after removal');
      expect(send.status).toBe(404);
      expect(send.json()).toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    }
    const page = expectStatus<{ items: { body: string }[] }>(await chat(one, owner).messages(group.id), 200);
    expect(page.items).toEqual([]);
    expect(expectStatus(await chat(two, owner).send(group.id, 'members still send'), 201)).toMatchObject({ seq: 1 });
  });
});
