import { bearer, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { createUsers } from '../support/bulk-users.js';
import { eventually } from '../support/eventually.js';

interface Message {
  id: string;
  seq: number;
  mentions: { userIds: string[]; all: boolean };
}
interface Notification {
  kind: string;
  messageId: string | null;
  conversationId: string;
}

describe('mentions over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => ([one, two] = await startTwoTestApps({ MESSAGES_PER_MINUTE_PER_USER: 1000 })));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const group = async (owner: SignedIn, members: (SignedIn | string)[]) =>
    expectStatus<{ id: string }>(
      await chat(one, owner).call('POST', '', {
        type: 'group',
        title: 'mentions',
        memberIds: members.map((member) => (typeof member === 'string' ? member : member.user.id)),
      }),
      201,
    ).id;
  const send = async (t: TestApp, who: SignedIn, id: string, body: string) =>
    expectStatus<Message>(await chat(t, who).send(id, body), 201);
  const mentionsOf = async (t: TestApp, who: SignedIn, id: string, body: string) =>
    (await send(t, who, id, body)).mentions;
  const block = async (blocker: SignedIn, blocked: SignedIn) =>
    expect(
      (await one.request('POST', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(blocker.accessToken) }))
        .status,
    ).toBeLessThan(300);
  const notifications = async (t: TestApp, who: SignedIn) =>
    expectStatus<{ items: Notification[] }>(
      await t.request('GET', '/api/v1/notifications?limit=100', { headers: bearer(who.accessToken) }),
      200,
    ).items;
  const kindsFor = (items: Notification[], messageId: string) =>
    items.filter((item) => item.messageId === messageId).map((item) => item.kind);

  it('stores the members a body names, leaving out outsiders, unknown names, blockers and the sender', async () => {
    const [ann, bob, cat, dan, eve] = [
      await register(one),
      await register(one),
      await register(one),
      await register(one),
      await register(one),
    ];
    const id = await group(ann, [bob, cat, eve]);
    await block(eve, ann);
    const body =
      `@${bob.user.username.toUpperCase()}, @${dan.user.username} @nobody_at_all @${eve.user.username} ` +
      `@${ann.user.username} mail ${cat.user.username}@example.com or x@${cat.user.username}`;
    const sent = await send(one, ann, id, body);
    expect(sent.mentions).toEqual({ userIds: [bob.user.id], all: false });
    // As stored: the other instance's page and sync show the same, and an edit keeps them.
    const edited = expectStatus<Message>(
      await chat(two, ann).call('PATCH', `/${id}/messages/${sent.id}`, { body: `now @${cat.user.username}` }),
      200,
    );
    expect(edited.mentions).toEqual({ userIds: [bob.user.id], all: false });
    const page = expectStatus<{ items: Message[] }>(await chat(two, cat).messages(id), 200);
    expect(page.items.find((item) => item.id === sent.id)?.mentions).toEqual({ userIds: [bob.user.id], all: false });

    // Bob mentions the blocker: they can see each other, eve did not block bob.
    const both = await mentionsOf(two, bob, id, `@${eve.user.username} @${cat.user.username}`);
    expect([...both.userIds].sort()).toEqual([cat.user.id, eve.user.id].sort());

    // At most 50 names are looked up: the 51st is plain text.
    const ghosts = Array.from({ length: 50 }, (_, i) => `@ghost_${i}`).join(' ');
    expect(await mentionsOf(one, ann, id, `${ghosts} @${bob.user.username}`)).toEqual({ userIds: [], all: false });
    expect(await mentionsOf(one, ann, id, `@${bob.user.username} ${ghosts}`)).toEqual({
      userIds: [bob.user.id],
      all: false,
    });
    // Repeating a name does not use up the budget.
    const repeated = Array(60).fill(`@${cat.user.username}`).join(' ');
    expect(await mentionsOf(one, ann, id, `${repeated} @${bob.user.username}`)).toMatchObject({
      userIds: expect.arrayContaining([bob.user.id, cat.user.id]),
    });
  });

  it('lets anyone say @all and @here in a group up to 50 members, and only owner and admins past that', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const here = await register(one, { ...newAccount(), username: 'here' });
    const small = await group(ann, [bob, cat, here]);
    expect(await mentionsOf(one, bob, small, '@here standup')).toEqual({ userIds: [], all: true });
    expect(await mentionsOf(two, cat, small, 'hey @ALL')).toEqual({ userIds: [], all: true });
    expect(await mentionsOf(two, cat, small, 'no one at all')).toEqual({ userIds: [], all: false });

    const crowd = await createUsers(one, 47, ann.user.id);
    const big = await group(ann, [bob, cat, here, ...crowd.map((user) => user.id)]);
    expect(expectStatus<{ memberCount: number }>(await chat(one, ann).detail(big), 200).memberCount).toBe(51);
    expect(await mentionsOf(two, bob, big, '@all please')).toEqual({ userIds: [], all: false });
    expect(await mentionsOf(one, bob, big, '@here please')).toEqual({ userIds: [], all: false });
    expect(await mentionsOf(one, ann, big, '@all from the owner')).toEqual({ userIds: [], all: true });
    expectStatus(await chat(one, ann).call('PATCH', `/${big}/members/${cat.user.id}`, { role: 'admin' }), 200);
    expect(await mentionsOf(two, cat, big, '@here from an admin')).toEqual({ userIds: [], all: true });

    // Direct conversations are two people: either may.
    const direct = expectStatus<{ id: string }>(await chat(one, bob).openDirect(cat), 201).id;
    expectStatus(await chat(one, cat).call('POST', `/${direct}/accept`), 200);
    expect(await mentionsOf(two, bob, direct, '@all')).toEqual({ userIds: [], all: true });
  });

  it('notifies every mentioned member, connected or muted, in groups and direct conversations; @all skips blockers', async () => {
    const [ann, bob, cat, eve] = [await register(one), await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob, cat, eve]);
    await block(eve, ann);
    expectStatus(await chat(two, bob).call('PATCH', `/${id}`, { muted: true }), 200);
    await connect(two, bob);

    const named = await send(one, ann, id, `@${bob.user.username} look`);
    const bobs = await eventually(
      () => notifications(one, bob),
      (items) => kindsFor(items, named.id).length > 0,
    );
    expect(kindsFor(bobs, named.id)).toEqual(['mention']);

    const everyone = await send(one, ann, id, '@all standup');
    for (const who of [bob, cat]) {
      const items = await eventually(
        () => notifications(two, who),
        (list) => kindsFor(list, everyone.id).length > 0,
      );
      expect(kindsFor(items, everyone.id)).toEqual(['mention']);
    }
    // A later mention is the marker that the @all fan-out is done: eve got no mention from it.
    const marker = await send(one, bob, id, `@${eve.user.username} ping`);
    await eventually(
      () => notifications(one, eve),
      (items) => kindsFor(items, marker.id).length > 0,
    );
    const eves = await notifications(one, eve);
    expect(kindsFor(eves, marker.id)).toEqual(['mention']);
    expect(kindsFor(eves, everyone.id)).not.toContain('mention');
    expect((await notifications(one, ann)).filter((item) => item.kind === 'mention')).toEqual([]);

    // A mention in a thread reply notifies too.
    const reply = expectStatus<Message>(await chat(two, cat).reply(id, named.id, `@${bob.user.username} in here`), 201);
    expect(reply.mentions.userIds).toEqual([bob.user.id]);
    const afterReply = await eventually(
      () => notifications(two, bob),
      (items) => kindsFor(items, reply.id).length > 0,
    );
    expect(kindsFor(afterReply, reply.id)).toEqual(['mention']);

    // Direct: the recipient is connected and muted, the mention still notifies.
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(cat), 201).id;
    expectStatus(await chat(one, cat).call('POST', `/${direct}/accept`), 200);
    expectStatus(await chat(two, cat).call('PATCH', `/${direct}`, { muted: true }), 200);
    await connect(one, cat);
    const plain = await send(one, ann, direct, 'no mention');
    const directMention = await send(two, ann, direct, `@${cat.user.username} see this`);
    const cats = await eventually(
      () => notifications(one, cat),
      (items) => kindsFor(items, directMention.id).length > 0,
    );
    expect(kindsFor(cats, directMention.id)).toEqual(['mention']);
    expect(kindsFor(cats, plain.id)).toEqual([]);
  });

  it('has a thread reply notify the offline members who follow the thread, not the others', async () => {
    const [ann, bob, cat, dan] = [await register(one), await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob, cat, dan]);
    const root = await send(one, ann, id, 'a topic');
    // Bob replies first (he and the root's author ann follow from then on), then cat.
    expectStatus(await chat(one, bob).reply(id, root.id, 'first'), 201);
    const reply = expectStatus<Message>(await chat(two, cat).reply(id, root.id, 'second'), 201);
    // One outbox event stores every notification of a message at once: once ann has hers, all are there.
    await eventually(
      () => notifications(one, ann),
      (items) => kindsFor(items, reply.id).length > 0,
    );
    expect(kindsFor(await notifications(two, ann), reply.id)).toEqual(['message']);
    expect(kindsFor(await notifications(one, bob), reply.id)).toEqual(['message']);
    expect(kindsFor(await notifications(two, dan), reply.id)).toEqual([]);
    expect(kindsFor(await notifications(one, cat), reply.id)).toEqual([]);
  });

  it('counts unread mentions in the timeline past the read mark, not deleted, exact through the other instance cache', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob, cat]);
    const counts = async (t: TestApp, who: SignedIn) => {
      const list = await chat(t, who).list();
      const unread = await chat(t, who).unread();
      const item = expectStatus<{ items: { id: string; unreadCount: number; unreadMentionCount: number }[] }>(
        list,
        200,
      ).items.find((entry) => entry.id === id);
      const unreadItem = expectStatus<{
        items: { conversationId: string; unreadCount: number; unreadMentionCount: number }[];
      }>(unread, 200).items.find((entry) => entry.conversationId === id);
      return {
        list: [item?.unreadCount, item?.unreadMentionCount],
        unread: [unreadItem?.unreadCount ?? 0, unreadItem?.unreadMentionCount ?? 0],
        cache: [list.headers.get('x-cache'), unread.headers.get('x-cache')],
      };
    };
    const bobName = `@${bob.user.username}`;
    await send(one, ann, id, `${bobName} one`); // 1
    const plain = await send(one, ann, id, 'plain'); // 2
    await send(one, ann, id, `${bobName} three`); // 3
    await send(one, ann, id, '@all four'); // 4
    await send(one, ann, id, 'plain five'); // 5

    expect(await counts(two, bob)).toEqual({ list: [5, 3], unread: [5, 3], cache: ['MISS', 'MISS'] });
    expect(await counts(two, bob)).toEqual({ list: [5, 3], unread: [5, 3], cache: ['HIT', 'HIT'] });
    expect((await counts(one, cat)).list).toEqual([5, 1]);

    // The read mark passes two of them.
    expect(expectStatus(await chat(one, bob).read(id, 3), 200)).toMatchObject({
      unreadCount: 2,
      unreadMentionCount: 1,
    });
    expect(await counts(two, bob)).toMatchObject({ list: [2, 1], unread: [2, 1] });

    // A deleted mention no longer counts, also when it is not the last message.
    const six = await send(one, ann, id, `${bobName} six`); // 6
    await send(one, ann, id, 'plain seven'); // 7
    expect((await counts(two, bob)).list).toEqual([4, 2]);
    expect(await counts(two, bob)).toMatchObject({ list: [4, 2], cache: ['HIT', 'HIT'] });
    expect((await chat(one, ann).call('DELETE', `/${id}/messages/${six.id}`)).status).toBe(204);
    expect(await counts(two, bob)).toMatchObject({ list: [4, 1], unread: [4, 1] });

    // A mention in a thread reply counts in the thread, not in the conversation.
    const reply = expectStatus<Message>(await chat(one, cat).reply(id, plain.id, `${bobName} in a thread`), 201);
    expect(reply.mentions.userIds).toEqual([bob.user.id]);
    expect(await counts(two, bob)).toMatchObject({ list: [4, 1], unread: [4, 1] });
    const threads = expectStatus<{ items: { root: { id: string }; unreadCount: number }[] }>(
      await chat(two, bob).threads(id),
      200,
    );
    expect(threads.items).toMatchObject([{ root: { id: plain.id }, unreadCount: 1 }]);

    // Reading to the end clears them; the mark in the conversation may be a reply's seq.
    expect(expectStatus(await chat(two, bob).read(id, reply.seq), 200)).toMatchObject({
      unreadCount: 0,
      unreadMentionCount: 0,
    });
    expect(await counts(one, bob)).toMatchObject({ list: [0, 0], unread: [0, 0] });
  });
});
