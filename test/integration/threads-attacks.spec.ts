import { randomUUID } from 'node:crypto';
import { MessagesRepository } from '#src/messages/messages.repository.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

interface Message {
  id: string;
  seq: number;
  threadRootId: string | null;
  thread: { replyCount: number; lastReplySeq: number | null } | null;
}

describe('thread attacks', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(
    async () =>
      ([one, two] = await startTwoTestApps({
        MESSAGES_PER_MINUTE_PER_USER: 1000,
        MEMBER_CHANGES_PER_MINUTE_PER_USER: 1000,
        READ_MARKS_PER_MINUTE_PER_USER: 1000,
      })),
  );
  afterAll(() => Promise.all([one.close(), two.close()]));

  /** Every answer a test saw: none may be a 5xx, whatever was sent. */
  const answers: HttpResponse[] = [];
  const seen = (response: HttpResponse) => {
    answers.push(response);
    return response;
  };
  afterEach(() => {
    expect(answers.filter((answer) => answer.status >= 500).map((answer) => answer.text)).toEqual([]);
    answers.length = 0;
  });

  const group = async (owner: SignedIn, members: SignedIn[]) =>
    expectStatus<{ id: string }>(await chat(one, owner).createGroup('attacks', members), 201).id;
  const send = async (who: SignedIn, id: string, body = 'message') =>
    expectStatus<Message>(await chat(one, who).send(id, body), 201);
  const reply = async (who: SignedIn, id: string, rootId: string, body = 'reply') =>
    expectStatus<Message>(await chat(two, who).reply(id, rootId, body), 201);

  /** Every thread route, and a reply's send, as `who` calls them on `rootId`. */
  const everyRoute = (t: TestApp, who: SignedIn, id: string, rootId: string) => {
    const c = chat(t, who);
    return Promise.all([
      c.threads(id),
      c.threadMessages(id, rootId),
      c.readThread(id, rootId, 0),
      c.follow(id, rootId),
      c.unfollow(id, rootId),
      c.reply(id, rootId, 'let me in'),
    ]).then((responses) => responses.map(seen));
  };
  const codes = (responses: HttpResponse[]) => responses.map((response) => [response.status, response.json().code]);

  it('stores no reply in a root deleted after the send looked at it, and takes no seq for it', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(ann, id);
    expect(seen(await chat(one, ann).call('DELETE', `/${id}/messages/${root.id}`)).status).toBe(204);
    // The send's own statement, as a reply that passed the service's check just before the deletion.
    const stored = await one.app.get(MessagesRepository).insertOnce({
      conversationId: id,
      senderId: bob.user.id,
      clientMessageId: randomUUID(),
      body: 'too late',
      replyToId: null,
      threadRootId: root.id,
      attachments: [],
      mentionNames: [],
      mentionAll: false,
    });
    expect(stored).toBe('rootDeleted');
    const next = await send(bob, id);
    expect(next.seq).toBe(root.seq + 1);
    const tombstone = expectStatus<Message>(await chat(two, bob).call('GET', `/${id}/messages`), 200);
    expect(JSON.stringify(tombstone)).not.toContain('too late');
  });

  it('answers an outsider and a removed member 404 on every thread route and on a reply', async () => {
    const [ann, bob, eve] = [await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(ann, id);
    await reply(bob, id, root.id);
    const notFound = Array(6).fill([404, 'CONVERSATION_NOT_FOUND']);
    expect(codes(await everyRoute(one, eve, id, root.id))).toEqual(notFound);
    // A conversation that does not exist answers the same.
    expect(codes(await everyRoute(two, eve, randomUUID(), root.id))).toEqual(notFound);

    expect(seen(await chat(one, ann).call('DELETE', `/${id}/members/${bob.user.id}`)).status).toBe(204);
    expect(codes(await everyRoute(two, bob, id, root.id))).toEqual(notFound);
    // The removed member's reply and follow changed nothing.
    const thread = expectStatus<{ items: Message[] }>(await chat(one, ann).threadMessages(id, root.id), 200);
    expect(thread.items).toHaveLength(1);
  });

  it('refuses a root that is no timeline message the sender can see: 400 on send, 404 on the thread routes', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const elsewhere = await send(ann, await group(ann, [bob]), 'in another conversation');
    const root = await send(ann, id, 'root');
    const aReply = await reply(bob, id, root.id);
    const deleted = await send(ann, id, 'to delete');
    expect(seen(await chat(one, ann).call('DELETE', `/${id}/messages/${deleted.id}`)).status).toBe(204);

    const sendCode = async (rootId: string, who = bob) => {
      const response = seen(await chat(two, who).reply(id, rootId, 'reply'));
      return [response.status, response.json().code, response.json().details?.[0]?.field];
    };
    const refused = [400, 'VALIDATION_FAILED', 'threadRootId'];
    for (const rootId of [elsewhere.id, aReply.id, deleted.id, randomUUID()])
      expect(await sendCode(rootId)).toEqual(refused);
    const routes = (rootId: string, who = bob) =>
      everyRoute(one, who, id, rootId).then((all) => codes(all.slice(1, 5)));
    const messageNotFound = Array(4).fill([404, 'MESSAGE_NOT_FOUND']);
    for (const rootId of [elsewhere.id, aReply.id, randomUUID()]) expect(await routes(rootId)).toEqual(messageNotFound);

    // A deleted root keeps its replies readable (its tombstone shows the thread), but takes no new one.
    const deletedRoot = await send(ann, id, 'a root with replies, then deleted');
    await reply(bob, id, deletedRoot.id);
    expect(seen(await chat(one, ann).call('DELETE', `/${id}/messages/${deletedRoot.id}`)).status).toBe(204);
    expect(await sendCode(deletedRoot.id)).toEqual(refused);
    const kept = expectStatus<{ items: Message[] }>(await chat(two, bob).threadMessages(id, deletedRoot.id), 200);
    expect(kept.items).toHaveLength(1);

    // After hiding the conversation, its roots up to then are gone for bob, not for ann.
    expect(seen(await chat(one, bob).call('DELETE', `/${id}`)).status).toBe(204);
    expect(await sendCode(root.id)).toEqual(refused);
    expect(await routes(root.id)).toEqual(messageNotFound);
    expect(expectStatus<{ items: unknown[] }>(await chat(two, bob).threads(id), 200).items).toEqual([]);
    expect(seen(await chat(two, ann).reply(id, root.id, 'still mine')).status).toBe(201);
    // A root sent after the hide is a thread bob can use.
    const fresh = await send(ann, id, 'after the hide');
    expect(seen(await chat(two, bob).reply(id, fresh.id, 'seen')).status).toBe(201);
  });

  it('refuses malformed ids, flags and seqs with 400', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(ann, id);
    await reply(bob, id, root.id);
    const c = chat(one, bob);
    const bad = [
      c.threadMessages(id, 'not-a-uuid'),
      c.threadMessages('not-a-uuid', root.id),
      c.threads('not-a-uuid'),
      c.readThread(id, 'x', 1),
      c.follow(id, `${root.id}0`),
      c.unfollow(id, "' OR 1=1 --"),
      c.reply(id, 'not-a-uuid', 'hi'),
      c.reply(id, 42 as unknown as string, 'hi'),
      c.messages(id, '?includeThreadReplies=yes'),
      c.messages(id, '?includeThreadReplies=1'),
      c.messages(id, '?includeThreadReplies='),
      c.threadMessages(id, root.id, '?before=99999999999'),
      c.threadMessages(id, root.id, '?after=-1'),
      c.threadMessages(id, root.id, '?before=0'),
      c.threadMessages(id, root.id, '?after=1.5'),
      c.threadMessages(id, root.id, '?before=3&after=1'),
      c.threadMessages(id, root.id, '?limit=0'),
      c.threadMessages(id, root.id, '?limit=101'),
      c.threads(id, '?limit=1000'),
      c.threads(id, '?cursor=garbage'),
      c.readThread(id, root.id, -1),
      c.readThread(id, root.id, 2 ** 31),
      c.readThread(id, root.id, 1e300),
      c.readThread(id, root.id, '2' as unknown as number),
      c.call('POST', `/${id}/threads/${root.id}/read`, {}),
      c.messages(id, '?includeThreadReplies=true&before=99999999999'),
      c.messages(id, '?includeThreadReplies=true&after=-5'),
    ];
    const responses = (await Promise.all(bad)).map(seen);
    expect(responses.map((response) => [response.status, response.json().code])).toEqual(
      Array(bad.length).fill([400, 'VALIDATION_FAILED']),
    );
  });

  it('lets a blocked user in a direct conversation not reply', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expect(seen(await chat(two, bob).call('POST', `/${id}/accept`)).status).toBeLessThan(300);
    const root = await send(ann, id, 'root');
    await reply(bob, id, root.id);
    const block = seen(
      await one.request('POST', `/api/v1/users/${ann.user.id}/block`, { headers: bearer(bob.accessToken) }),
    );
    expect(block.status).toBeLessThan(300);
    const refused = seen(await chat(two, ann).reply(id, root.id, 'can you hear me'));
    expect([refused.status, refused.json().code]).toEqual([403, 'BLOCKED']);
    const thread = expectStatus<{ items: Message[] }>(await chat(one, bob).threadMessages(id, root.id), 200);
    expect(thread.items).toHaveLength(1);
    expect(
      expectStatus<{ items: { thread: { replyCount: number } }[] }>(await chat(one, bob).threads(id), 200).items,
    ).toMatchObject([{ thread: { replyCount: 1 } }]);
  });

  it('ends racing follows, unfollows and read marks in one consistent state', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(ann, id);
    const replies: Message[] = [];
    for (let i = 0; i < 6; i += 1) replies.push(await reply(ann, id, root.id, `r${i}`));
    const listed = async () =>
      expectStatus<{ items: { root: Message; unreadCount: number }[] }>(await chat(two, bob).threads(id), 200).items;

    const race = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const c = chat(i % 2 ? one : two, bob);
        return [c.follow(id, root.id), c.unfollow(id, root.id), c.readThread(id, root.id, replies[i % 6].seq)][i % 3];
      }),
    );
    race.map(seen);
    expect(race.map((response) => response.status).sort()).toEqual([...Array(10).fill(200), ...Array(20).fill(204)]);
    // Whatever won, the list and the mark agree with it: the mark went to the largest seq asked.
    const mark = expectStatus(await chat(one, bob).readThread(id, root.id, 0), 200);
    expect(mark).toMatchObject({ lastReadSeq: replies[5].seq, unreadCount: 0 });
    const now = await listed();
    expect(now.length === 0 || (now.length === 1 && now[0].unreadCount === 0)).toBe(true);

    await Promise.all([chat(one, bob).unfollow(id, root.id), chat(two, bob).unfollow(id, root.id)]).then((all) =>
      all.map(seen),
    );
    expect(await listed()).toEqual([]);
    await Promise.all([chat(one, bob).follow(id, root.id), chat(two, bob).follow(id, root.id)]).then((all) =>
      all.map(seen),
    );
    expect(await listed()).toMatchObject([{ root: { id: root.id }, unreadCount: 0 }]);
  });

  it('stores one reply for racing retries with the same clientMessageId, and counts it once', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const root = await send(ann, id);
    const clientMessageId = randomUUID();
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        chat(i % 2 ? one : two, bob).call('POST', `/${id}/messages`, {
          clientMessageId,
          body: 'only once',
          threadRootId: root.id,
        }),
      ),
    );
    attempts.map(seen);
    expect(attempts.map((attempt) => attempt.status).sort()).toEqual([...Array(11).fill(200), 201]);
    expect(new Set(attempts.map((attempt) => attempt.json().id)).size).toBe(1);
    expect(attempts.every((attempt) => attempt.json().threadRootId === root.id)).toBe(true);
    // A later retry, after the fact, is the same message too.
    const late = seen(
      await chat(one, bob).call('POST', `/${id}/messages`, {
        clientMessageId,
        body: 'only once',
        threadRootId: root.id,
      }),
    );
    expect([late.status, late.json().id]).toEqual([200, attempts[0].json().id]);

    const thread = expectStatus<{ items: Message[] }>(await chat(two, ann).threadMessages(id, root.id), 200);
    expect(thread.items).toHaveLength(1);
    const timeline = expectStatus<{ items: Message[] }>(await chat(one, ann).messages(id), 200);
    expect(timeline.items).toMatchObject([{ id: root.id, thread: { replyCount: 1, lastReplySeq: 2 } }]);
    const sync = expectStatus<{ items: Message[]; lastSeq: number }>(await chat(two, ann).sync(id, '?since=0'), 200);
    expect(sync.lastSeq).toBe(2);
  });
});
