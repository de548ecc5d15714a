import { jest } from '@jest/globals';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { NotificationsRepository } from '#src/notifications/notifications.repository.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { createUsers } from '../support/bulk-users.js';
import { eventually } from '../support/eventually.js';

interface Notification {
  id: string;
  kind: string;
  conversationId: string;
  messageId: string | null;
  actorId: string;
  preview: string | null;
  readAt: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const notifications = async (t: TestApp, who: SignedIn, query = '') =>
    expectStatus<{ items: Notification[]; nextCursor: string | null }>(
      await t.request('GET', `/api/v1/notifications${query}`, { headers: bearer(who.accessToken) }),
      200,
    );

  it('stores a message notification for an offline member only, and pushes a mention live on the other instance', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('team', [bob, cat]), 201).id;
    const bobSocket = await connect(two, bob);
    const pushed = collect(bobSocket, 'notification');

    const plain = expectStatus<{ id: string }>(await chat(one, ann).send(id, 'hello both'), 201);
    const catList = await eventually(
      () => notifications(two, cat),
      (page) => page.items.length === 1,
    );
    expect(catList.items[0]).toMatchObject({
      kind: 'message',
      conversationId: id,
      messageId: plain.id,
      actorId: ann.user.id,
      preview: 'hello both',
      readAt: null,
    });
    const mention = expectStatus<{ id: string }>(await chat(one, ann).send(id, `@${bob.user.username} look`), 201);
    await pushed.until((items) => items.length === 1);
    expect(pushed.received[0].notification).toMatchObject({ kind: 'mention', messageId: mention.id });
    // Bob was connected: the plain message made no notification for him.
    expect((await notifications(one, bob)).items.map((item) => item.kind)).toEqual(['mention']);
  });

  it('creates exactly one notification per mentioned member in a 100-member group', async () => {
    const ann = await register(one);
    const [bob, cat] = [await register(one), await register(one)];
    const prisma = one.app.get(PrismaService);
    const extra = await createUsers(one, 97, ann.user.id);
    const members = [bob.user.id, cat.user.id, ...extra.map((user) => user.id)];
    const group = await one.request('POST', '/api/v1/conversations', {
      headers: bearer(ann.accessToken),
      body: { type: 'group', title: 'crowd', memberIds: members },
    });
    const id = expectStatus<{ id: string; memberCount: number }>(group, 201).id;
    const body = `@${bob.user.username} @${extra[0].username.toUpperCase()} and @${bob.user.username} again, @nobody_here @${ann.user.username}`;
    const sent = expectStatus<{ id: string }>(await chat(one, ann).send(id, body), 201);

    const count = (kind: string) => prisma.notification.count({ where: { messageId: sent.id, kind: kind as never } });
    await eventually(
      async () => (await count('mention')) + (await count('message')),
      (total) => total === 99,
    );
    const rows = await prisma.notification.findMany({ where: { messageId: sent.id } });
    const byUser = new Map<string, string[]>();
    for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.kind]);
    expect(byUser.size).toBe(99);
    expect(byUser.get(bob.user.id)).toEqual(['mention']);
    expect(byUser.get(extra[0].id)).toEqual(['mention']);
    expect(byUser.get(cat.user.id)).toEqual(['message']);
    expect(byUser.has(ann.user.id)).toBe(false);
    expect(rows.filter((row) => row.kind === 'mention')).toHaveLength(2);
  });

  it('lets a member mute message notifications but not mentions', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('quiet', [bob]), 201).id;
    const muted = await chat(two, bob).call('PATCH', `/${id}`, { muted: true });
    expect(expectStatus(muted, 200)).toMatchObject({ muted: true });
    expectStatus(await chat(one, ann).send(id, 'nobody hears this'), 201);
    expectStatus(await chat(one, ann).send(id, `@${bob.user.username} but this one`), 201);
    const page = await eventually(
      () => notifications(one, bob),
      (value) => value.items.length >= 1,
    );
    await sleep(300);
    expect((await notifications(one, bob)).items.map((item) => [item.kind, item.preview])).toEqual([
      ['mention', `@${bob.user.username} but this one`],
    ]);
    expect(page.items).toHaveLength(1);

    expectStatus(await chat(two, bob).call('PATCH', `/${id}`, { muted: false }), 200);
    expectStatus(await chat(one, ann).send(id, 'heard again'), 201);
    await eventually(
      () => notifications(one, bob),
      (value) => value.items.length === 2,
    );
    expect((await notifications(one, bob)).items[0]).toMatchObject({ kind: 'message', preview: 'heard again' });
  });

  it('notifies message requests and additions, keeps counts right, and keeps each user to their own', async () => {
    const [ann, bob, eve] = [await register(one), await register(one), await register(one)];
    const bobSocket = await connect(two, bob);
    const pushed = collect(bobSocket, 'notification');
    const request = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201);
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [eve]), 201);
    expectStatus(await chat(one, ann).call('POST', `/${group.id}/members`, { userIds: [bob.user.id] }), 200);
    await pushed.until((items) => items.length === 2);
    expect(pushed.received.map(({ notification }) => [notification.kind, notification.conversationId]).sort()).toEqual(
      [
        ['member_added', group.id],
        ['request', request.id],
      ].sort(),
    );

    const count = async (t: TestApp, who: SignedIn) => {
      const response = await t.request('GET', '/api/v1/notifications/unread-count', {
        headers: bearer(who.accessToken),
      });
      return { count: expectStatus<{ count: number }>(response, 200).count, cache: response.headers.get('x-cache') };
    };
    expect(await count(one, bob)).toEqual({ count: 2, cache: 'MISS' });
    expect(await count(two, bob)).toEqual({ count: 2, cache: 'HIT' });
    const unread = await notifications(one, bob, '?unreadOnly=true');
    expect(unread.items).toHaveLength(2);

    // Eve can neither see nor mark Bob's notifications.
    expect((await notifications(two, eve)).items.some((item) => item.conversationId === request.id)).toBe(false);
    const foreign = await two.request('POST', '/api/v1/notifications/read', {
      headers: bearer(eve.accessToken),
      body: { ids: unread.items.map((item) => item.id) },
    });
    expect(foreign.status).toBe(204);
    expect((await count(one, bob)).count).toBe(2);

    expect(
      (
        await one.request('POST', '/api/v1/notifications/read', {
          headers: bearer(bob.accessToken),
          body: { ids: [unread.items[0].id] },
        })
      ).status,
    ).toBe(204);
    expect((await count(two, bob)).count).toBe(1);
    expect((await notifications(one, bob, '?unreadOnly=true')).items.map((item) => item.id)).toEqual([
      unread.items[1].id,
    ]);
    expect(
      (await two.request('POST', '/api/v1/notifications/read-all', { headers: bearer(bob.accessToken) })).status,
    ).toBe(204);
    expect((await count(one, bob)).count).toBe(0);
    expect((await notifications(one, bob)).items.every((item) => item.readAt !== null)).toBe(true);

    const limited = await notifications(one, bob, '?limit=1');
    const rest = await notifications(one, bob, `?limit=1&cursor=${limited.nextCursor}`);
    expect([...limited.items, ...rest.items].map((item) => item.id).sort()).toEqual(
      unread.items.map((item) => item.id).sort(),
    );
    expect(
      (await one.request('GET', '/api/v1/notifications?unreadOnly=maybe', { headers: bearer(bob.accessToken) })).status,
    ).toBe(400);
  });

  it('shows the preview of a message as it is now: edited text after an edit, none after a delete', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('drafts', [bob, cat]), 201).id;
    const sent = expectStatus<{ id: string }>(await chat(one, ann).send(id, `@${cat.user.username} first draft`), 201);
    const long = expectStatus<{ id: string }>(await chat(one, ann).send(id, '🙂'.repeat(300)), 201);
    const previews = async (t: TestApp, who: SignedIn) =>
      Object.fromEntries(
        (await notifications(t, who)).items.map((item) => [`${item.kind}:${item.messageId}`, item.preview]),
      );
    await eventually(
      () => previews(one, bob),
      (seen) => Object.keys(seen).length === 2,
    );
    await eventually(
      () => previews(one, cat),
      (seen) => Object.keys(seen).length === 2,
    );
    expect(await previews(two, bob)).toEqual({
      [`message:${sent.id}`]: `@${cat.user.username} first draft`,
      // 200 characters as PostgreSQL counts them, not a split surrogate pair.
      [`message:${long.id}`]: '🙂'.repeat(200),
    });

    const edit = (message: string, body: string) =>
      chat(two, ann).call('PATCH', `/${id}/messages/${message}`, { body });
    expectStatus(await edit(sent.id, `@${cat.user.username} final text`), 200);
    expectStatus(await edit(long.id, 'short now'), 200);
    for (const t of [one, two]) {
      expect(await previews(t, bob)).toEqual({
        [`message:${sent.id}`]: `@${cat.user.username} final text`,
        [`message:${long.id}`]: 'short now',
      });
      expect((await previews(t, cat))[`mention:${sent.id}`]).toBe(`@${cat.user.username} final text`);
    }

    expectStatus(await chat(one, ann).call('DELETE', `/${id}/messages/${sent.id}`), 204);
    for (const t of [one, two]) {
      expect(await previews(t, bob)).toEqual({ [`message:${sent.id}`]: null, [`message:${long.id}`]: 'short now' });
      expect((await previews(t, cat))[`mention:${sent.id}`]).toBeNull();
    }
    // The text is gone from the list's pages too, not only the first one.
    const first = await notifications(one, bob, '?limit=1');
    const second = await notifications(one, bob, `?limit=1&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((item) => item.preview).sort()).toEqual([null, 'short now'].sort());
  });

  it('retries a failed fan-out, and a failing fan-out never touches the message', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob]), 201).id;
    // Either instance may claim the event and either may claim its retry: count both.
    const create = jest
      .spyOn(NotificationsRepository.prototype, 'create')
      .mockRejectedValueOnce(new Error('database hiccup'));
    try {
      const sent = expectStatus<{ id: string; seq: number }>(await chat(one, ann).send(id, 'survives'), 201);
      const page = await eventually(
        () => notifications(two, bob),
        (value) => value.items.length === 1,
      );
      expect(page.items[0]).toMatchObject({ kind: 'message', messageId: sent.id });
      expect(create).toHaveBeenCalledTimes(2);
      expect(expectStatus(await chat(two, bob).sync(id), 200).items).toEqual([
        expect.objectContaining({ id: sent.id }),
      ]);
    } finally {
      create.mockRestore();
    }
  });
});
