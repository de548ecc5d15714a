import { randomUUID } from 'node:crypto';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

interface Message {
  id: string;
  body: string;
  reactions: Record<string, number>;
}

const answer = (response: HttpResponse) => ({ status: response.status, code: response.json<{ code?: string }>().code });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * What a blocked user tries against the user who blocked them, through the API as any client
 * would, on two instances.
 */
describe('blocks', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const block = async (t: TestApp, blocker: SignedIn, blocked: SignedIn) =>
    expectStatus(
      await t.request('POST', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(blocker.accessToken) }),
      204,
    );
  const unblock = async (t: TestApp, blocker: SignedIn, blocked: SignedIn) =>
    expectStatus(
      await t.request('DELETE', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(blocker.accessToken) }),
      204,
    );
  const edit = (t: TestApp, who: SignedIn, conversation: string, message: string, body: string) =>
    chat(t, who).call('PATCH', `/${conversation}/messages/${message}`, { body });
  const react = (t: TestApp, who: SignedIn, conversation: string, message: string) =>
    chat(t, who).call('PUT', `/${conversation}/messages/${message}/reactions/${encodeURIComponent('👍')}`);
  const messages = async (t: TestApp, who: SignedIn, conversation: string) =>
    expectStatus<{ items: Message[] }>(await chat(t, who).messages(conversation), 200).items;
  const memberIds = async (t: TestApp, who: SignedIn, conversation: string) =>
    expectStatus<{ members: { userId: string }[] }>(await chat(t, who).detail(conversation), 200)
      .members.map((member) => member.userId)
      .sort();

  it('refuses sends across a block either way, storing nothing, and answers a retry of a message sent before it', async () => {
    const [blocker, blocked] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, blocked).openDirect(blocker), 201).id;
    expectStatus(await chat(one, blocker).call('POST', `/${id}/accept`), 200);
    const clientMessageId = randomUUID();
    const first = expectStatus<Message>(
      await chat(one, blocked).call('POST', `/${id}/messages`, { clientMessageId, body: 'before the block' }),
      201,
    );
    await block(two, blocker, blocked);
    for (const [t, who] of [
      [one, blocked],
      [two, blocked],
      [one, blocker],
      [two, blocker],
    ] as const) {
      expect(answer(await chat(t, who).send(id, 'across the block'))).toEqual({ status: 403, code: 'BLOCKED' });
    }
    // The same clientMessageId again: the message it stored, as before the block.
    const retry = await chat(two, blocked).call('POST', `/${id}/messages`, {
      clientMessageId,
      body: 'before the block',
    });
    expect([retry.status, retry.json<Message>().id]).toEqual([200, first.id]);
    expect((await messages(one, blocker, id)).map(({ body }) => body)).toEqual(['before the block']);
    await unblock(one, blocker, blocked);
    expectStatus(await chat(two, blocked).send(id, 'after the block'), 201);
  });

  it('refuses edits and reactions in a direct conversation across a block, either way, and keeps the messages', async () => {
    const [blocker, blocked] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, blocked).openDirect(blocker), 201).id;
    expectStatus(await chat(one, blocker).call('POST', `/${id}/accept`), 200);
    const fromBlocked = expectStatus<Message>(await chat(one, blocked).send(id, 'before the block'), 201);
    const fromBlocker = expectStatus<Message>(await chat(one, blocker).send(id, 'mine'), 201);
    await block(two, blocker, blocked);

    for (const [t, who, message] of [
      [one, blocked, fromBlocked],
      [two, blocked, fromBlocked],
      [one, blocker, fromBlocker],
    ] as const) {
      expect(answer(await edit(t, who, id, message.id, 'something nasty'))).toEqual({ status: 403, code: 'BLOCKED' });
    }
    for (const [t, who, message] of [
      [one, blocked, fromBlocker],
      [two, blocked, fromBlocked],
      [two, blocker, fromBlocked],
    ] as const) {
      expect(answer(await react(t, who, id, message.id))).toEqual({ status: 403, code: 'BLOCKED' });
    }
    for (const t of [one, two]) {
      expect((await messages(t, blocker, id)).map(({ body, reactions }) => ({ body, reactions }))).toEqual([
        { body: 'before the block', reactions: {} },
        { body: 'mine', reactions: {} },
      ]);
    }

    // It is the block that refuses them: without it, both work again.
    await unblock(one, blocker, blocked);
    expect(expectStatus<Message>(await edit(two, blocked, id, fromBlocked.id, 'edited'), 200).body).toBe('edited');
    expectStatus(await react(two, blocked, id, fromBlocker.id), 200);
  });

  it('does not let a blocked user mention the blocker in a group they share', async () => {
    const [blocker, blocked, other] = [await register(one), await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, other).createGroup('shared', [blocker, blocked]), 201).id;
    await block(one, blocker, blocked);
    const sent = expectStatus<{ id: string }>(
      await chat(two, blocked).send(id, `@${blocker.user.username} @${other.user.username} hey`),
      201,
    );
    const prisma = one.app.get(PrismaService);
    const kindsFor = async (who: SignedIn) =>
      (await prisma.notification.findMany({ where: { messageId: sent.id, userId: who.user.id } })).map(
        (row) => row.kind,
      );
    // Fan-out runs after the send is answered: the blocker's row (an ordinary one) tells it has run.
    const deadline = Date.now() + 5000;
    while ((await kindsFor(blocker)).length === 0 && Date.now() < deadline) await sleep(50);
    expect(await kindsFor(blocker)).toEqual(['message']);
    expect(await kindsFor(other)).toEqual(['mention']);
    const listed = expectStatus<{ items: { kind: string; messageId: string }[] }>(
      await two.request('GET', '/api/v1/notifications', { headers: bearer(blocker.accessToken) }),
      200,
    ).items;
    expect(listed.filter((item) => item.messageId === sent.id).map((item) => item.kind)).toEqual(['message']);
  });

  it('refuses a group of two users who block each other, whoever creates it', async () => {
    const [blocker, blocked, creator] = [await register(one), await register(one), await register(one)];
    await block(one, blocker, blocked);
    for (const [t, who, members] of [
      [one, creator, [blocker, blocked]],
      [two, creator, [blocked, blocker]],
      [one, blocker, [blocked]],
      [two, blocked, [blocker, creator]],
    ] as const) {
      expect(answer(await chat(t, who).createGroup('together', [...members]))).toEqual({
        status: 403,
        code: 'BLOCKED',
      });
    }
    const prisma = one.app.get(PrismaService);
    expect(await prisma.conversation.count({ where: { createdById: creator.user.id } })).toBe(0);
    expectStatus(await chat(one, creator).createGroup('apart', [blocker]), 201);
  });

  it('refuses to add a user to a group where a member blocks them or is blocked by them, whoever adds', async () => {
    const [blocker, blocked, owner, admin, bystander] = await Promise.all(
      Array.from({ length: 5 }, () => register(one)),
    );
    await block(one, blocker, blocked);
    const withBlocker = expectStatus<{ id: string }>(
      await chat(one, owner).createGroup('has the blocker', [blocker, admin]),
      201,
    ).id;
    const withBlocked = expectStatus<{ id: string }>(
      await chat(one, owner).createGroup('has the blocked', [blocked, admin]),
      201,
    ).id;
    const empty = expectStatus<{ id: string }>(await chat(one, owner).createGroup('neither', [admin]), 201).id;
    for (const id of [withBlocker, withBlocked, empty]) {
      expectStatus(await chat(one, owner).call('PATCH', `/${id}/members/${admin.user.id}`, { role: 'admin' }), 200);
    }
    const add = (t: TestApp, who: SignedIn, id: string, users: SignedIn[]) =>
      chat(t, who).call('POST', `/${id}/members`, { userIds: users.map((user) => user.user.id) });

    const before = await Promise.all([withBlocker, withBlocked, empty].map((id) => memberIds(one, owner, id)));
    for (const [t, who, id, users] of [
      [one, owner, withBlocker, [blocked]],
      [two, admin, withBlocker, [bystander, blocked]],
      [one, owner, withBlocked, [blocker]],
      [two, admin, withBlocked, [blocker]],
      [one, owner, empty, [blocker, blocked]],
    ] as const) {
      expect(answer(await add(t, who, id, [...users]))).toEqual({ status: 403, code: 'BLOCKED' });
    }
    const after = await Promise.all([withBlocker, withBlocked, empty].map((id) => memberIds(two, owner, id)));
    expect(after).toEqual(before);

    // Anyone else still joins, and so does the user once the block is lifted.
    expectStatus(await add(two, admin, withBlocker, [bystander]), 200);
    await unblock(two, blocker, blocked);
    expectStatus(await add(one, owner, withBlocker, [blocked]), 200);
  });
});
