import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';
import { createUsers } from '../support/bulk-users.js';

interface Conversation {
  id: string;
  status: string;
  unreadCount: number;
  lastSeq: number;
  lastReadSeq: number;
  lastMessage: { body: string; seq: number } | null;
  members: { userId: string; role: string }[];
  memberCount: number;
}

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

describe('conversations over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  // One user here creates 25 groups within seconds, past the default CONVERSATIONS_PER_MINUTE_PER_USER.
  beforeAll(async () => ([one, two] = await startTwoTestApps({ CONVERSATIONS_PER_MINUTE_PER_USER: 100 })));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const listOf = async (t: TestApp, who: SignedIn) => {
    const response = await chat(t, who).list();
    return { cache: response.headers.get('x-cache'), page: expectStatus<{ items: Conversation[] }>(response, 200) };
  };

  it('opens one direct conversation per pair, even when both open it at the same moment', async () => {
    const pairs = await Promise.all(range(5).map(async () => [await register(one), await register(one)] as const));
    for (const [ann, bob] of pairs) {
      const [mine, theirs] = await Promise.all([chat(one, ann).openDirect(bob), chat(two, bob).openDirect(ann)]);
      expect([mine.status, theirs.status].sort()).toEqual([200, 201]);
      expect(mine.json().id).toBe(theirs.json().id);
      const again = await chat(two, ann).openDirect(bob);
      expect(again.status).toBe(200);
      expect(again.json().id).toBe(mine.json().id);
    }
  });

  it('makes one conversation of ten opens of one pair at once, over two instances', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const opens = await Promise.all(
      range(10).map((i) => (i % 2 ? chat(one, ann).openDirect(bob) : chat(two, bob).openDirect(ann))),
    );
    expect(opens.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(opens.map((response) => response.json().id));
    expect(ids.size).toBe(1);
    const prisma = one.app.get(PrismaService);
    const members = await prisma.conversationMember.findMany({ where: { userId: { in: [ann.user.id, bob.user.id] } } });
    expect(members.map((member) => member.conversationId)).toEqual([...ids, ...ids]);
    expect(await prisma.directPair.count({ where: { conversationId: { in: [...ids] } } })).toBe(1);
  });

  it('serves the warm list from the cache, and the read after a send shows the message and unread +1 to others', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const group = expectStatus<Conversation>(await chat(one, ann).createGroup('trip', [bob, cat]), 201);
    expectStatus(await chat(one, ann).send(group.id, 'hello'), 201);

    expect((await listOf(one, bob)).cache).toBe('MISS');
    const warm = await listOf(two, bob);
    expect(warm.cache).toBe('HIT');
    expect(warm.page.items[0]).toMatchObject({ id: group.id, unreadCount: 1, lastMessage: { body: 'hello', seq: 1 } });
    expect((await listOf(two, ann)).page.items[0].unreadCount).toBe(0);
    expect((await listOf(one, ann)).cache).toBe('HIT');

    expectStatus(await chat(two, cat).send(group.id, 'second'), 201);
    for (const [who, unread] of [
      [bob, 2],
      [ann, 1],
      [cat, 0],
    ] as const) {
      const { page } = await listOf(one, who);
      expect(page.items[0]).toMatchObject({ id: group.id, unreadCount: unread, lastMessage: { body: 'second' } });
    }
    const unread = expectStatus(await chat(two, bob).unread(), 200);
    expect(unread).toEqual({ total: 2, items: [{ conversationId: group.id, unreadCount: 2, unreadMentionCount: 0 }] });
    expect((await chat(one, bob).unread()).headers.get('x-cache')).toBe('HIT');

    // Read marks move forward only; the counts follow on every instance.
    expect(expectStatus(await chat(one, bob).read(group.id, 2), 200)).toEqual({
      conversationId: group.id,
      lastReadSeq: 2,
      unreadCount: 0,
      unreadMentionCount: 0,
    });
    expect(expectStatus(await chat(two, bob).read(group.id, 1), 200)).toMatchObject({ lastReadSeq: 2, unreadCount: 0 });
    expect(expectStatus(await chat(two, bob).unread(), 200)).toEqual({ total: 0, items: [] });
    expect((await listOf(two, bob)).page.items[0]).toMatchObject({ unreadCount: 0, lastReadSeq: 2 });
  });

  it('rebuilds the same list and unread counts from Postgres when Redis lost everything', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<Conversation>(await chat(one, ann).createGroup('g', [bob]), 201);
    for (const body of ['a', 'b', 'c']) expectStatus(await chat(one, ann).send(group.id, body), 201);
    expectStatus(await chat(one, bob).read(group.id, 1), 200);
    const before = { list: (await listOf(one, bob)).page, unread: expectStatus(await chat(one, bob).unread(), 200) };
    const redis = new Redis(testRedisUrl());
    await redis.flushdb();
    await redis.quit();
    const after = await listOf(two, bob);
    expect(after.cache).toBe('MISS');
    expect(after.page).toEqual(before.list);
    expect(expectStatus(await chat(two, bob).unread(), 200)).toEqual(before.unread);
    expect(before.unread.total).toBe(2);
  });

  it('pages the list by most recent activity, whatever the limit', async () => {
    const owner = await register(one);
    const friends = await Promise.all(range(7).map(() => register(one)));
    const groups: string[] = [];
    for (const friend of friends) {
      groups.push(expectStatus<Conversation>(await chat(one, owner).createGroup('g', [friend]), 201).id);
    }
    expectStatus(await chat(one, friends[2]).send(groups[2], 'bump'), 201);
    const expected = [groups[2], ...groups.filter((id) => id !== groups[2]).reverse()];
    const first = expectStatus(await chat(two, owner).list('?limit=3'), 200);
    const second = expectStatus(await chat(two, owner).list(`?limit=3&cursor=${first.nextCursor}`), 200);
    const third = expectStatus(await chat(two, owner).list(`?limit=3&cursor=${second.nextCursor}`), 200);
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(expected);
    expect(third.nextCursor).toBeNull();
    expect(ids(expectStatus(await chat(one, owner).list('?limit=100'), 200))).toEqual(expected);
  });

  it('builds the list in the same few queries whatever the number of conversations', async () => {
    const prisma = one.app.get(PrismaService);
    const queriesFor = async (who: SignedIn) => {
      const redis = new Redis(testRedisUrl());
      await redis.flushdb();
      await redis.quit();
      // The sends' notifications are made in the background on the same client: let them finish.
      while ((await prisma.outboxEvent.count()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const spy = jest.spyOn(prisma, '$queryRaw');
      expectStatus(await chat(one, who).list(), 200);
      // The outbox workers keep polling on the same client: their claims are not the list's.
      const claims = (sql: unknown) => /outbox_events|push_deliveries/.test((sql as string[]).join(''));
      const count = spy.mock.calls.filter(([sql]) => !claims(sql)).length;
      spy.mockRestore();
      return count;
    };
    const few = await register(one);
    const many = await register(one);
    const peers = await Promise.all(range(25).map(() => register(one)));
    expectStatus(await chat(one, few).createGroup('g', [peers[0]]), 201);
    for (const peer of peers) {
      const group = expectStatus<Conversation>(await chat(one, many).createGroup('g', [peer, few]), 201);
      expectStatus(await chat(one, peer).send(group.id, 'hi'), 201);
    }
    const page = expectStatus(await chat(one, many).list(), 200);
    expect(page.items).toHaveLength(20);
    expect(page.items.every((item: Conversation) => item.lastMessage?.body === 'hi' && item.members.length === 3)).toBe(
      true,
    );
    const alone = await register(one);
    const single = expectStatus<Conversation>(await chat(one, alone).createGroup('g', [peers[1]]), 201);
    expectStatus(await chat(one, peers[1]).send(single.id, 'hi'), 201);
    expect(await queriesFor(many)).toBe(await queriesFor(alone));
  });

  it('hides a conversation for one member until a new message brings it back, without the older messages', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<Conversation>(await chat(one, ann).createGroup('g', [bob]), 201);
    for (const body of ['old 1', 'old 2']) expectStatus(await chat(one, ann).send(group.id, body), 201);

    expectStatus(await chat(two, bob).call('DELETE', `/${group.id}`), 204);
    expect(ids((await listOf(one, bob)).page)).toEqual([]);
    expect(ids((await listOf(one, ann)).page)).toEqual([group.id]);
    expect(expectStatus(await chat(one, bob).messages(group.id), 200)).toEqual({ items: [], hasMore: false });
    expect(expectStatus(await chat(one, bob).sync(group.id), 200).items).toEqual([]);
    expect(expectStatus(await chat(one, bob).unread(), 200).total).toBe(0);
    expect(expectStatus(await chat(one, ann).messages(group.id), 200).items).toHaveLength(2);

    expectStatus(await chat(two, ann).send(group.id, 'new'), 201);
    const back = (await listOf(one, bob)).page.items;
    expect(back.map((item) => [item.id, item.unreadCount, item.lastMessage?.body])).toEqual([[group.id, 1, 'new']]);
    const visible = expectStatus(await chat(two, bob).messages(group.id), 200);
    expect(visible.items.map((item: { body: string }) => item.body)).toEqual(['new']);
    expect(visible.hasMore).toBe(false);
    expect(expectStatus(await chat(one, bob).sync(group.id), 200).items).toHaveLength(1);
  });

  it('runs a message request: pending for the stranger, declined stays out, accepted opens both ways', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const request = expectStatus<Conversation>(await chat(one, ann).openDirect(bob), 201);
    expect(request.status).toBe('accepted');
    expectStatus(await chat(one, ann).send(request.id, 'hi, we have not met'), 201);

    const bobs = (await listOf(two, bob)).page.items;
    expect(bobs.map((item) => [item.id, item.status, item.unreadCount])).toEqual([[request.id, 'pending', 1]]);
    expect(expectStatus(await chat(two, bob).unread(), 200).total).toBe(0);
    expect(expectStatus(await chat(two, bob).messages(request.id), 200).items).toHaveLength(1);
    const early = await chat(two, bob).send(request.id, 'reply');
    expect(early.status).toBe(403);
    expect(early.json().code).toBe('REQUEST_PENDING');

    expectStatus(await chat(two, bob).call('POST', `/${request.id}/decline`), 204);
    expect(ids((await listOf(one, bob)).page)).toEqual([]);
    const refused = await chat(one, ann).send(request.id, 'hello?');
    expect(refused.status).toBe(403);
    expect(refused.json().code).toBe('REQUEST_DECLINED');
    expect(expectStatus(await chat(one, ann).sync(request.id), 200).lastSeq).toBe(1);

    const accepted = expectStatus<Conversation>(await chat(two, bob).call('POST', `/${request.id}/accept`), 200);
    expect(accepted.status).toBe('accepted');
    expectStatus(await chat(one, ann).send(request.id, 'thanks'), 201);
    expectStatus(await chat(two, bob).send(request.id, 'sure'), 201);
    expect((await listOf(one, bob)).page.items[0]).toMatchObject({ status: 'accepted', unreadCount: 0 });
    expect((await chat(one, bob).call('POST', `/${request.id}/decline`)).json().code).toBe('NOT_A_REQUEST');

    // Users who already share a group start a direct conversation with no request.
    const cat = await register(one);
    expectStatus(await chat(one, bob).createGroup('g', [cat]), 201);
    const direct = expectStatus<Conversation>(await chat(one, cat).openDirect(bob), 201);
    expectStatus(await chat(one, cat).send(direct.id, 'hey'), 201);
    expect((await listOf(two, bob)).page.items[0]).toMatchObject({ id: direct.id, status: 'accepted' });
    expectStatus(await chat(two, bob).send(direct.id, 'hey back'), 201);
  });

  it('enforces blocks on direct conversations and groups', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const direct = expectStatus<Conversation>(await chat(one, ann).openDirect(bob), 201);
    expectStatus(await chat(one, bob).call('POST', `/${direct.id}/accept`), 200);
    await one.request('POST', `/api/v1/users/${ann.user.id}/block`, { headers: bearer(bob.accessToken) });
    for (const [t, who] of [
      [one, ann],
      [two, bob],
    ] as const) {
      const send = await chat(t, who).send(direct.id, 'blocked?');
      expect([send.status, send.json().code]).toEqual([403, 'BLOCKED']);
    }
    expect((await chat(two, ann).openDirect(bob)).json().code).toBe('BLOCKED');
    expect((await chat(two, ann).createGroup('g', [bob, cat])).json().code).toBe('BLOCKED');
    const group = expectStatus<Conversation>(await chat(one, ann).createGroup('g', [cat]), 201);
    const add = await chat(one, ann).call('POST', `/${group.id}/members`, { userIds: [bob.user.id] });
    expect([add.status, add.json().code]).toEqual([403, 'BLOCKED']);
  });

  it('manages group members: add, roles, remove, leave, and the owner handed on', async () => {
    const [owner, admin, member, late] = [
      await register(one),
      await register(one),
      await register(one),
      await register(one),
    ];
    const group = expectStatus<Conversation>(await chat(one, owner).createGroup('g', [admin, member]), 201);
    expect(group.memberCount).toBe(3);
    expectStatus(await chat(one, owner).call('PATCH', `/${group.id}/members/${admin.user.id}`, { role: 'admin' }), 200);
    const added = expectStatus<Conversation>(
      await chat(two, admin).call('POST', `/${group.id}/members`, { userIds: [late.user.id, member.user.id] }),
      200,
    );
    expect(added.memberCount).toBe(4);
    expect(ids((await listOf(one, late)).page)).toEqual([group.id]);
    const renamed = await chat(two, admin).call('PATCH', `/${group.id}`, { title: 'renamed' });
    expect(renamed.json()).toMatchObject({ title: 'renamed' });

    expectStatus(await chat(one, admin).call('DELETE', `/${group.id}/members/${late.user.id}`), 204);
    expect((await chat(one, late).detail(group.id)).status).toBe(404);
    expect(ids((await listOf(two, late)).page)).toEqual([]);

    expectStatus(await chat(one, owner).call('DELETE', `/${group.id}/members/${owner.user.id}`), 204);
    const detail = expectStatus<Conversation>(await chat(two, member).detail(group.id), 200);
    // Members who joined together are in id order.
    expect(detail.members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [admin.user.id, 'owner'],
        [member.user.id, 'member'],
      ].sort(),
    );
    expectStatus(await chat(one, member).call('DELETE', `/${group.id}/members/${member.user.id}`), 204);
    expect(expectStatus<Conversation>(await chat(one, admin).detail(group.id), 200).memberCount).toBe(1);
  });

  it('holds a group at 500 members', async () => {
    const owner = await register(one);
    const extra = await createUsers(one, 500, owner.user.id);
    const memberIds = extra.slice(0, 499).map((user) => user.id);
    const full = await one.request('POST', '/api/v1/conversations', {
      headers: bearer(owner.accessToken),
      body: { type: 'group', title: 'big', memberIds },
    });
    expect(full.status).toBe(201);
    expect(full.json().memberCount).toBe(500);
    const more = await chat(two, owner).call('POST', `/${full.json().id}/members`, { userIds: [extra[499].id] });
    expect([more.status, more.json().code]).toEqual([409, 'GROUP_FULL']);
    const tooMany = await one.request('POST', '/api/v1/conversations', {
      headers: bearer(owner.accessToken),
      body: { type: 'group', title: 'too big', memberIds: extra.map((user) => user.id) },
    });
    expect(tooMany.status).toBe(400);
  });
});

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
