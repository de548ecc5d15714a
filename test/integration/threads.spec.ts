import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

interface Thread {
  replyCount: number;
  lastReplyAt: string | null;
  lastReplySeq: number | null;
  participantIds: string[];
}
interface Message {
  id: string;
  seq: number;
  senderId: string;
  body: string;
  threadRootId: string | null;
  thread: Thread | null;
  createdAt: string;
  deletedAt: string | null;
}
interface Page {
  items: Message[];
  hasMore: boolean;
}
interface ThreadItem {
  root: Message;
  thread: Thread | null;
  unreadCount: number;
}
interface ConversationItem {
  id: string;
  unreadCount: number;
  unreadMentionCount: number;
}

describe('threads over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => ([one, two] = await startTwoTestApps({ MESSAGES_PER_MINUTE_PER_USER: 1000 })));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const group = async (owner: SignedIn, members: SignedIn[]) =>
    expectStatus<{ id: string }>(await chat(one, owner).createGroup('threads', members), 201).id;
  const send = async (t: TestApp, who: SignedIn, id: string, body: string) =>
    expectStatus<Message>(await chat(t, who).send(id, body), 201);
  const reply = async (t: TestApp, who: SignedIn, id: string, rootId: string, body: string) =>
    expectStatus<Message>(await chat(t, who).reply(id, rootId, body), 201);
  const threadsOf = async (t: TestApp, who: SignedIn, id: string, query = '') =>
    expectStatus<{ items: ThreadItem[]; nextCursor: string | null }>(await chat(t, who).threads(id, query), 200);
  const page = async (t: TestApp, who: SignedIn, id: string, query = '') => {
    const response = await chat(t, who).messages(id, query);
    return { ...expectStatus<Page>(response, 200), cache: response.headers.get('x-cache') };
  };
  const seqs = (items: { seq: number }[]) => items.map((item) => item.seq);
  const unreadIn = async (t: TestApp, who: SignedIn, id: string) => {
    const response = await chat(t, who).unread();
    const body = expectStatus<{ total: number; items: { conversationId: string; unreadCount: number }[] }>(
      response,
      200,
    );
    return {
      count: body.items.find((item) => item.conversationId === id)?.unreadCount ?? 0,
      cache: response.headers.get('x-cache'),
    };
  };
  const listed = async (t: TestApp, who: SignedIn, id: string) => {
    const response = await chat(t, who).list();
    const body = expectStatus<{ items: ConversationItem[] }>(response, 200);
    return { item: body.items.find((item) => item.id === id), cache: response.headers.get('x-cache') };
  };

  it('keeps seq gap-free and every root summary exact when replies race timeline sends on both instances', async () => {
    const users = [await register(one), await register(one), await register(one)];
    const id = await group(users[0], users.slice(1));
    const roots = [await send(one, users[0], id, 'root a'), await send(two, users[1], id, 'root b')];
    const perUser = 15;
    await Promise.all(
      users.map(async (user, u) => {
        const sends = Array.from({ length: perUser * 2 }, (_, i) => {
          const t = (i + u) % 2 ? two : one;
          return i % 2
            ? chat(t, user).reply(id, roots[(i >> 1) % 2].id, `reply ${u}.${i}`)
            : chat(t, user).send(id, `timeline ${u}.${i}`);
        });
        for (const response of await Promise.all(sends)) expectStatus(response, 201);
      }),
    );
    const total = 2 + users.length * perUser * 2;

    const sync = expectStatus<{ items: Message[]; lastSeq: number; hasMore: boolean }>(
      await chat(two, users[2]).sync(id, '?since=0'),
      200,
    );
    expect(sync.lastSeq).toBe(total);
    expect(sync.hasMore).toBe(false);
    expect([...seqs(sync.items)].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Messages that changed only when created come in the order they were stored.
    const unchanged = sync.items.filter((item) => !roots.some((root) => root.id === item.id));
    expect(seqs(unchanged)).toEqual([...seqs(unchanged)].sort((a, b) => a - b));

    const bySeq = [...sync.items].sort((a, b) => a.seq - b.seq);
    for (const root of roots) {
      const replies = bySeq.filter((item) => item.threadRootId === root.id);
      // Each user's replies alternate between the roots, the first one first: 8 and 7 of 15.
      expect(replies).toHaveLength(users.length * (root === roots[0] ? 8 : 7));
      const firstRepliers = [...new Set(replies.map((item) => item.senderId))].slice(0, 5);
      const expected = {
        replyCount: replies.length,
        lastReplySeq: Math.max(...seqs(replies)),
        participantIds: firstRepliers,
      };
      expect(sync.items.find((item) => item.id === root.id)?.thread).toMatchObject(expected);
      // The thread route and the timeline page show the same replies and summary, on either instance.
      const thread = expectStatus<Page>(await chat(one, users[1]).threadMessages(id, root.id, '?limit=100'), 200);
      expect(seqs(thread.items)).toEqual(seqs(replies));
      const timeline = await page(two, users[0], id, '?limit=100');
      expect(timeline.items.find((item) => item.id === root.id)?.thread).toMatchObject(expected);
    }
    const timeline = await page(one, users[2], id, '?limit=100');
    expect(seqs(timeline.items)).toEqual(seqs(bySeq.filter((item) => item.threadRootId === null)));
    expect(timeline.items).toHaveLength(2 + users.length * perUser);
  });

  it('counts replies in the thread, never in the conversation, through the cached lists of the other instance', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob, cat]);
    const root = await send(one, ann, id, 'root');
    await send(one, ann, id, 'timeline two');

    expect(await unreadIn(two, bob, id)).toEqual({ count: 2, cache: 'MISS' });
    expect(await unreadIn(two, bob, id)).toEqual({ count: 2, cache: 'HIT' });
    expect((await listed(two, bob, id)).item?.unreadCount).toBe(2);
    expect(await listed(two, bob, id)).toMatchObject({ item: { unreadCount: 2 }, cache: 'HIT' });

    const catReplies = [];
    for (const body of ['c1', 'c2', 'c3']) catReplies.push(await reply(one, cat, id, root.id, body));
    expect((await unreadIn(two, bob, id)).count).toBe(2);
    expect(await unreadIn(two, bob, id)).toEqual({ count: 2, cache: 'HIT' });
    expect((await listed(two, bob, id)).item?.unreadCount).toBe(2);
    expect(await listed(two, bob, id)).toMatchObject({ item: { unreadCount: 2 }, cache: 'HIT' });
    // The replier's own conversation unread count is what it was: their reply marked nothing read.
    expect((await unreadIn(two, cat, id)).count).toBe(2);
    expect((await listed(one, cat, id)).item?.unreadCount).toBe(2);

    // The root's author follows it and has the replies to read.
    const annThreads = await threadsOf(two, ann, id);
    expect(annThreads.items).toHaveLength(1);
    expect(annThreads.items[0]).toMatchObject({ root: { id: root.id }, thread: { replyCount: 3 }, unreadCount: 3 });
    const marked = expectStatus(await chat(two, ann).readThread(id, root.id, catReplies[1].seq), 200);
    expect(marked).toEqual({ conversationId: id, rootId: root.id, lastReadSeq: catReplies[1].seq, unreadCount: 1 });
    // Forward only: an older seq leaves the mark where it is.
    expect(expectStatus(await chat(one, ann).readThread(id, root.id, catReplies[0].seq), 200)).toMatchObject({
      lastReadSeq: catReplies[1].seq,
      unreadCount: 1,
    });
    expect((await threadsOf(one, ann, id)).items[0].unreadCount).toBe(1);
    const past = await chat(one, ann).readThread(id, root.id, catReplies[2].seq + 1);
    expect(expectStatus(past, 400)).toMatchObject({ code: 'VALIDATION_FAILED' });
    // A timeline message after the replies is not in the thread either.
    const later = await send(two, bob, id, 'timeline after the replies');
    expect(await chat(one, ann).readThread(id, root.id, later.seq)).toMatchObject({ status: 400 });

    // Own replies never count: cat replied three times and has nothing to read; ann's reply is one for cat.
    expect((await threadsOf(two, cat, id)).items[0].unreadCount).toBe(0);
    const annReply = await reply(two, ann, id, root.id, 'a1');
    expect((await threadsOf(one, cat, id)).items[0]).toMatchObject({
      unreadCount: 1,
      thread: { replyCount: 4, lastReplySeq: annReply.seq },
    });
    // A reply moves its sender's mark in the thread to it.
    expect((await threadsOf(one, ann, id)).items[0].unreadCount).toBe(0);

    // Bob has the two timeline messages and his own, which marked them read; replies and timeline sends since.
    expect((await unreadIn(two, bob, id)).count).toBe(0);
    await send(one, cat, id, 'timeline four');
    await reply(one, cat, id, root.id, 'c4');
    expect((await unreadIn(two, bob, id)).count).toBe(1);
    expect(await unreadIn(two, bob, id)).toEqual({ count: 1, cache: 'HIT' });
    expect((await listed(two, bob, id)).item?.unreadCount).toBe(1);
    expect(await listed(two, bob, id)).toMatchObject({ item: { unreadCount: 1 }, cache: 'HIT' });
    // Ann's reply did not mark bob's and cat's timeline messages before it read for her.
    expect((await unreadIn(one, ann, id)).count).toBe(2);
    // Bob's reply leaves his conversation count alone too.
    await reply(two, bob, id, root.id, 'b1');
    expect((await unreadIn(two, bob, id)).count).toBe(1);
    expect((await listed(one, bob, id)).item?.unreadCount).toBe(1);
  });

  it('leaves replies out of the timeline unless asked, pages both exactly, and shows the root summary from the cached page', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(one, ann, id, 'root'); // 1
    await send(one, ann, id, 't2'); // 2
    await reply(one, bob, id, root.id, 'r3'); // 3
    await reply(two, ann, id, root.id, 'r4'); // 4
    await send(two, bob, id, 't5'); // 5
    await reply(one, bob, id, root.id, 'r6'); // 6
    await send(one, ann, id, 't7'); // 7

    const cases: [string, number[], boolean][] = [
      ['', [1, 2, 5, 7], false],
      ['?limit=2', [5, 7], true],
      ['?before=5&limit=2', [1, 2], false],
      ['?before=7&limit=2', [2, 5], true],
      ['?after=0&limit=2', [1, 2], true],
      ['?after=2&limit=2', [5, 7], false],
      ['?after=5', [7], false],
      ['?includeThreadReplies=true', [1, 2, 3, 4, 5, 6, 7], false],
      ['?includeThreadReplies=true&limit=3', [5, 6, 7], true],
      ['?includeThreadReplies=true&limit=7', [1, 2, 3, 4, 5, 6, 7], false],
      ['?includeThreadReplies=true&before=5&limit=3', [2, 3, 4], true],
      ['?includeThreadReplies=true&before=4&limit=3', [1, 2, 3], false],
      ['?includeThreadReplies=true&after=2&limit=4', [3, 4, 5, 6], true],
      ['?includeThreadReplies=true&after=4&limit=3', [5, 6, 7], false],
      ['?includeThreadReplies=false&limit=3', [2, 5, 7], true],
    ];
    for (const [query, expected, hasMore] of cases) {
      const result = await page(two, bob, id, query);
      expect({ query, seqs: seqs(result.items), hasMore: result.hasMore }).toEqual({ query, seqs: expected, hasMore });
    }

    // The latest timeline page, warm in Redis, shows the root's new summary on both instances after a reply.
    await page(one, ann, id);
    expect((await page(one, ann, id)).cache).toBe('HIT');
    const before = expectStatus<{ lastSeq: number }>(await chat(one, ann).sync(id, '?since=7'), 200);
    expect(before.lastSeq).toBe(7);
    const newest = await reply(two, bob, id, root.id, 'r8');
    for (const t of [one, two]) {
      const latest = await page(t, ann, id);
      expect(latest.cache).toBe('HIT');
      expect(seqs(latest.items)).toEqual([1, 2, 5, 7]);
      expect(latest.items[0].thread).toMatchObject({
        replyCount: 4,
        lastReplySeq: 8,
        lastReplyAt: newest.createdAt,
        participantIds: [bob.user.id, ann.user.id],
      });
    }
    // Sync returns the reply and the root with its new summary.
    const sync = expectStatus<{ items: Message[]; lastSeq: number }>(await chat(two, ann).sync(id, '?since=7'), 200);
    expect(sync.lastSeq).toBe(8);
    expect(sync.items.map((item) => [item.seq, item.threadRootId, item.thread?.replyCount ?? null])).toEqual([
      [8, root.id, null],
      [1, null, 4],
    ]);

    // The thread route pages its replies by seq, ascending, with hasMore in the direction asked.
    const threadCases: [string, number[], boolean][] = [
      ['', [3, 4, 6, 8], false],
      ['?limit=2', [3, 4], true],
      ['?after=4&limit=2', [6, 8], false],
      ['?after=3&limit=2', [4, 6], true],
      ['?before=8&limit=2', [4, 6], true],
      ['?before=4&limit=2', [3], false],
      ['?before=3', [], false],
      ['?after=8', [], false],
    ];
    for (const [query, expected, hasMore] of threadCases) {
      const result = expectStatus<Page>(await chat(one, bob).threadMessages(id, root.id, query), 200);
      expect({ query, seqs: seqs(result.items), hasMore: result.hasMore }).toEqual({ query, seqs: expected, hasMore });
      expect(result.items.every((item) => item.threadRootId === root.id)).toBe(true);
    }
  });

  it('sends a reply and its root summary to members on the other instance, and to no outsider', async () => {
    const [ann, bob, cat, dan] = [await register(one), await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob, cat]);
    const side = expectStatus<{ id: string }>(await chat(one, ann).openDirect(dan), 201).id;
    const root = await send(one, ann, id, 'root');
    const [bobSocket, danSocket] = [await connect(two, bob), await connect(two, dan)];
    const bobCreated = collect(bobSocket, 'message.created');
    const bobThreads = collect(bobSocket, 'thread.updated');
    const danCreated = collect(danSocket, 'message.created');
    const danThreads = collect(danSocket, 'thread.updated');

    const sent = await reply(one, cat, id, root.id, 'a reply');
    await bobCreated.until((items) => items.length === 1);
    await bobThreads.until((items) => items.length === 1);
    expect(bobCreated.received[0]).toMatchObject({
      conversationId: id,
      message: { id: sent.id, seq: 2, threadRootId: root.id, body: 'a reply' },
    });
    expect(bobThreads.received[0]).toEqual({
      conversationId: id,
      rootId: root.id,
      thread: { replyCount: 1, lastReplyAt: sent.createdAt, lastReplySeq: 2, participantIds: [cat.user.id] },
    });

    // Dan hears of his own conversation, sent after the reply, and of nothing before it.
    const marker = await send(one, ann, side, 'for dan');
    await danCreated.until((items) => items.length === 1);
    expect(danCreated.received.map((event) => event.message.id)).toEqual([marker.id]);
    expect(danThreads.received).toEqual([]);
  });

  it('follows for the replier, the root author and the mentioned, until they unfollow; lists by latest reply with a cursor', async () => {
    const [ann, bob, cat, dan, eve] = [
      await register(one),
      await register(one),
      await register(one),
      await register(one),
      await register(one),
    ];
    const id = await group(ann, [bob, cat, dan, eve]);
    const root = await send(one, ann, id, 'root');
    const ids = (list: { items: ThreadItem[] }) => list.items.map((item) => item.root.id);
    // A root with no reply is no thread yet, even for its author.
    expect(ids(await threadsOf(one, ann, id))).toEqual([]);

    await reply(two, bob, id, root.id, `what do you think @${cat.user.username}?`);
    for (const who of [ann, bob, cat]) expect(ids(await threadsOf(two, who, id))).toEqual([root.id]);
    expect(ids(await threadsOf(one, dan, id))).toEqual([]);
    expect(ids(await threadsOf(one, eve, id))).toEqual([]);

    // Unfollowing takes it off the list, and stays so; replying follows again.
    expect((await chat(one, bob).unfollow(id, root.id)).status).toBe(204);
    expect((await chat(two, bob).unfollow(id, root.id)).status).toBe(204);
    expect(ids(await threadsOf(two, bob, id))).toEqual([]);
    await reply(one, cat, id, root.id, 'more');
    expect(ids(await threadsOf(two, bob, id))).toEqual([]);
    await reply(one, bob, id, root.id, 'back in');
    expect(ids(await threadsOf(two, bob, id))).toEqual([root.id]);
    // The author who unfollowed is not made to follow again by later replies.
    expect((await chat(two, ann).unfollow(id, root.id)).status).toBe(204);
    await reply(one, cat, id, root.id, 'and more');
    expect(ids(await threadsOf(one, ann, id))).toEqual([]);

    // Following a thread you never replied in.
    expect((await chat(two, dan).follow(id, root.id)).status).toBe(204);
    expect((await chat(one, dan).follow(id, root.id)).status).toBe(204);
    expect((await threadsOf(one, dan, id)).items).toMatchObject([{ root: { id: root.id }, unreadCount: 4 }]);

    // Reading a thread is not a choice about following it: a later mention still makes eve follow.
    expectStatus(await chat(one, eve).readThread(id, root.id, 2), 200);
    expect(ids(await threadsOf(one, eve, id))).toEqual([]);
    await reply(two, cat, id, root.id, `@${eve.user.username} have a look`);
    expect(ids(await threadsOf(one, eve, id))).toEqual([root.id]);
    expect((await threadsOf(one, eve, id)).items[0].unreadCount).toBe(4);

    // Most recent reply first, page by page.
    const others = [await send(one, ann, id, 'second root'), await send(one, ann, id, 'third root')];
    await reply(one, dan, id, others[0].id, 'x');
    await reply(two, dan, id, others[1].id, 'y');
    await reply(one, dan, id, others[0].id, 'z');
    const order = [others[0].id, others[1].id, root.id];
    expect(ids(await threadsOf(two, dan, id))).toEqual(order);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const got = await threadsOf(seen.length % 2 ? one : two, dan, id, query);
      expect(got.items.length).toBeLessThanOrEqual(1);
      seen.push(...ids(got));
      cursor = got.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(order);
    // A new reply moves its thread to the top.
    await reply(two, bob, id, root.id, 'latest');
    expect(ids(await threadsOf(one, dan, id))).toEqual([root.id, others[0].id, others[1].id]);
  });
});
