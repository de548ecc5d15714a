import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

interface Message {
  id: string;
  seq: number;
  body: string;
}
interface Pin {
  message: Message;
  pinnedBy: string;
  pinnedAt: string;
}

const answer = (response: HttpResponse) => ({ status: response.status, code: response.json<{ code?: string }>().code });

describe('pins', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => {
    // The cap tests send and pin dozens of messages within seconds.
    [one, two] = await startTwoTestApps({
      MESSAGES_PER_MINUTE_PER_USER: 1000,
      PINS_PER_MINUTE_PER_USER: 1000,
    });
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const pin = (t: TestApp, who: SignedIn, conversation: string, message: string) =>
    chat(t, who).call('PUT', `/${conversation}/pins/${message}`);
  const unpin = (t: TestApp, who: SignedIn, conversation: string, message: string) =>
    chat(t, who).call('DELETE', `/${conversation}/pins/${message}`);
  const pins = async (t: TestApp, who: SignedIn, conversation: string) =>
    expectStatus<{ items: Pin[] }>(await chat(t, who).call('GET', `/${conversation}/pins`), 200).items;
  const pinnedIds = async (t: TestApp, who: SignedIn, conversation: string) =>
    (await pins(t, who, conversation)).map((item) => item.message.id);
  const send = async (t: TestApp, who: SignedIn, conversation: string, body = 'pin me') =>
    expectStatus<Message>(await chat(t, who).send(conversation, body), 201);
  const sendMany = async (who: SignedIn, conversation: string, count: number) => {
    const sent: Message[] = [];
    for (let i = 0; i < count; i += 1) sent.push(await send(one, who, conversation, `message ${i}`));
    return sent;
  };
  /** A group of an owner, an admin and a plain member. */
  const group = async () => {
    const [owner, admin, member] = [await register(one), await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, owner).createGroup('pins', [admin, member]), 201).id;
    expectStatus(await chat(one, owner).call('PATCH', `/${id}/members/${admin.user.id}`, { role: 'admin' }), 200);
    return { id, owner, admin, member };
  };
  /** A direct conversation both members accepted. */
  const direct = async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expectStatus(await chat(one, bob).call('POST', `/${id}/accept`), 200);
    return { id, ann, bob };
  };
  const prisma = () => one.app.get(PrismaService);

  it('in a group lets the owner and admins pin and unpin, and refuses plain members with 403 NOT_GROUP_ADMIN', async () => {
    const { id, owner, admin, member } = await group();
    const [first, second] = [await send(one, member, id), await send(one, owner, id)];

    expect(answer(await pin(one, member, id, first.id))).toEqual({ status: 403, code: 'NOT_GROUP_ADMIN' });
    const byAdmin = expectStatus<Pin>(await pin(two, admin, id, first.id), 200);
    expect(byAdmin).toEqual({
      message: expect.objectContaining({ id: first.id, seq: first.seq, body: 'pin me' }),
      pinnedBy: admin.user.id,
      pinnedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expectStatus(await pin(one, owner, id, second.id), 200);
    expect(answer(await unpin(two, member, id, first.id))).toEqual({ status: 403, code: 'NOT_GROUP_ADMIN' });

    // Every member reads the list, newest pin first, each message as the message routes show it.
    const listed = await pins(two, member, id);
    expect(listed.map((item) => [item.message.id, item.pinnedBy])).toEqual([
      [second.id, owner.user.id],
      [first.id, admin.user.id],
    ]);
    const page = expectStatus<{ items: Message[] }>(await chat(one, member).messages(id), 200).items;
    expect(listed[1].message).toEqual(page.find((message) => message.id === first.id));
    expect(listed[1].pinnedAt).toBe(byAdmin.pinnedAt);

    expectStatus(await unpin(one, owner, id, first.id), 204);
    expect(await pinnedIds(one, admin, id)).toEqual([second.id]);
  });

  it('in a direct conversation lets either member pin and unpin the other’s pins', async () => {
    const { id, ann, bob } = await direct();
    const message = await send(one, ann, id);
    expect(expectStatus<Pin>(await pin(one, bob, id, message.id), 200).pinnedBy).toBe(bob.user.id);
    expect(await pinnedIds(two, ann, id)).toEqual([message.id]);
    expectStatus(await unpin(two, ann, id, message.id), 204);
    expect(await pinnedIds(one, bob, id)).toEqual([]);
  });

  it('refuses the recipient of an unanswered request (403 REQUEST_PENDING), who still reads the pins', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const message = await send(one, ann, id, 'hello stranger');
    expectStatus(await pin(one, ann, id, message.id), 200);

    expect(answer(await pin(one, bob, id, message.id))).toEqual({ status: 403, code: 'REQUEST_PENDING' });
    expect(answer(await unpin(two, bob, id, message.id))).toEqual({ status: 403, code: 'REQUEST_PENDING' });
    expect(await pinnedIds(two, bob, id)).toEqual([message.id]);
    expectStatus(await chat(one, bob).call('POST', `/${id}/decline`), 204);
    expect(answer(await unpin(one, bob, id, message.id))).toEqual({ status: 403, code: 'REQUEST_DECLINED' });
    expect(await pinnedIds(one, ann, id)).toEqual([message.id]);
  });

  it('refuses pinning across a block with 403 BLOCKED, either way, and lets either unpin', async () => {
    const { id, ann, bob } = await direct();
    const message = await send(one, ann, id);
    expectStatus(await pin(one, ann, id, message.id), 200);
    expectStatus(
      await two.request('POST', `/api/v1/users/${ann.user.id}/block`, { headers: bearer(bob.accessToken) }),
      204,
    );
    expectStatus(await unpin(one, ann, id, message.id), 204);
    for (const [t, who] of [
      [one, ann],
      [two, bob],
    ] as const) {
      expect(answer(await pin(t, who, id, message.id))).toEqual({ status: 403, code: 'BLOCKED' });
    }
    expect(await pinnedIds(one, bob, id)).toEqual([]);
  });

  it('answers outsiders and removed members 404 CONVERSATION_NOT_FOUND on every pin route', async () => {
    const { id, owner, admin } = await group();
    const message = await send(one, owner, id);
    expectStatus(await pin(one, owner, id, message.id), 200);
    const outsider = await register(one);
    expectStatus(await chat(one, owner).call('DELETE', `/${id}/members/${admin.user.id}`), 204);

    for (const who of [outsider, admin]) {
      for (const response of [
        await pin(two, who, id, message.id),
        await unpin(one, who, id, message.id),
        await chat(two, who).call('GET', `/${id}/pins`),
      ]) {
        expect(answer(response)).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
      }
    }
    expect(await pinnedIds(one, owner, id)).toEqual([message.id]);
  });

  it('answers 404 MESSAGE_NOT_FOUND for a message of another conversation or none, and 400 for a bad id', async () => {
    const { id, owner } = await group();
    const elsewhere = await group();
    // The caller is a member there too: the message is one they can see, just not in this conversation.
    expectStatus(
      await chat(one, elsewhere.owner).call('POST', `/${elsewhere.id}/members`, { userIds: [owner.user.id] }),
      200,
    );
    const foreign = await send(one, elsewhere.owner, elsewhere.id);

    for (const message of [foreign.id, '00000000-0000-4000-8000-000000000000']) {
      expect(answer(await pin(one, owner, id, message))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
      expect(answer(await unpin(two, owner, id, message))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    }
    expect(answer(await pin(one, owner, id, 'not-a-uuid'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(answer(await chat(one, owner).call('GET', '/not-a-uuid/pins'))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(await pinnedIds(one, owner, id)).toEqual([]);
    expect(await prisma().messagePin.count({ where: { messageId: foreign.id } })).toBe(0);
  });

  it('keeps messages a member hid out of their pins: 404 on them, and left out of their list', async () => {
    const { id, ann, bob } = await direct();
    const old = await send(one, ann, id, 'old');
    expectStatus(await pin(one, ann, id, old.id), 200);
    expectStatus(await chat(two, bob).call('DELETE', `/${id}`), 204);

    expect(await pinnedIds(two, bob, id)).toEqual([]);
    expect(await pinnedIds(one, ann, id)).toEqual([old.id]);
    expect(answer(await pin(one, bob, id, old.id))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    expect(answer(await unpin(two, bob, id, old.id))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });

    const fresh = await send(one, ann, id, 'after the hide');
    expectStatus(await pin(two, bob, id, fresh.id), 200);
    expect(await pinnedIds(one, bob, id)).toEqual([fresh.id]);
    expect(await pinnedIds(one, ann, id)).toEqual([fresh.id, old.id]);
  });

  it('unpins a message when it is deleted, telling the members; a deleted message cannot be pinned', async () => {
    const { id, owner, admin, member } = await group();
    const [kept, doomed, unpinned, marker] = await sendMany(member, id, 4);
    expectStatus(await pin(one, owner, id, kept.id), 200);
    expectStatus(await pin(one, admin, id, doomed.id), 200);
    const events = collect(await connect(two, member), 'pins.updated');

    expectStatus(await chat(one, member).call('DELETE', `/${id}/messages/${doomed.id}`), 204);
    await events.until((items) => items.length === 1);
    expect(events.received).toEqual([{ conversationId: id }]);
    expect(await pinnedIds(two, admin, id)).toEqual([kept.id]);
    expect(await prisma().messagePin.count({ where: { conversationId: id } })).toBe(1);

    // Deleting a message that was not pinned says nothing about pins; nor does unpinning a deleted one.
    expectStatus(await chat(one, member).call('DELETE', `/${id}/messages/${unpinned.id}`), 204);
    for (const message of [doomed, unpinned]) {
      expect(answer(await pin(two, owner, id, message.id))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    }
    expectStatus(await unpin(one, owner, id, doomed.id), 204);
    // A last pin is the marker that anything the calls above could have sent has arrived.
    expectStatus(await pin(one, owner, id, marker.id), 200);
    await events.until((items) => items.length === 2);
    expect(events.received).toEqual([{ conversationId: id }, { conversationId: id }]);
    expect(await pinnedIds(one, member, id)).toEqual([marker.id, kept.id]);
  });

  it('holds at most 50 pins: the 51st is 409 PIN_LIMIT until one is unpinned', async () => {
    const { id, owner, admin } = await group();
    const sent = await sendMany(owner, id, 51);
    for (const message of sent.slice(0, 50)) expectStatus(await pin(one, owner, id, message.id), 200);
    expect(answer(await pin(two, admin, id, sent[50].id))).toEqual({ status: 409, code: 'PIN_LIMIT' });
    // Pinning one already pinned is no new pin: it still answers.
    expectStatus(await pin(two, admin, id, sent[0].id), 200);

    const listed = await pinnedIds(one, admin, id);
    expect(listed).toHaveLength(50);
    expect(listed[0]).toBe(sent[49].id);
    expectStatus(await unpin(one, admin, id, sent[10].id), 204);
    expectStatus(await pin(two, admin, id, sent[50].id), 200);
    expect((await pinnedIds(one, owner, id))[0]).toBe(sent[50].id);
    expect(await prisma().messagePin.count({ where: { conversationId: id } })).toBe(50);
  });

  it('ends at exactly 50 when 10 pins race at 45 over two instances', async () => {
    const { id, owner, admin } = await group();
    const sent = await sendMany(owner, id, 55);
    for (const message of sent.slice(0, 45)) expectStatus(await pin(one, owner, id, message.id), 200);

    const responses = await Promise.all(
      sent.slice(45).map((message, i) => pin(i % 2 ? two : one, i % 3 ? owner : admin, id, message.id)),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([...Array(5).fill(200), ...Array(5).fill(409)]);
    expect(responses.filter((response) => response.status === 409).map((response) => answer(response).code)).toEqual(
      Array(5).fill('PIN_LIMIT'),
    );
    expect(await prisma().messagePin.count({ where: { conversationId: id } })).toBe(50);
    expect(await pinnedIds(two, owner, id)).toHaveLength(50);
  });

  it('is idempotent: a second PUT answers the same pin, a second DELETE 204, each change one event on the other instance', async () => {
    const { id, ann, bob } = await direct();
    const [message, marker] = [await send(one, ann, id), await send(one, ann, id)];
    const [annEvents, bobEvents] = [
      collect(await connect(two, ann), 'pins.updated'),
      collect(await connect(two, bob), 'pins.updated'),
    ];

    const first = expectStatus<Pin>(await pin(one, ann, id, message.id), 200);
    expect(expectStatus<Pin>(await pin(one, ann, id, message.id), 200)).toEqual(first);
    // Pinned by ann, whoever pins it again.
    expect(expectStatus<Pin>(await pin(two, bob, id, message.id), 200)).toEqual(first);
    await bobEvents.until((items) => items.length === 1);

    expectStatus(await unpin(one, bob, id, message.id), 204);
    expectStatus(await unpin(one, bob, id, message.id), 204);
    expectStatus(await unpin(two, ann, id, message.id), 204);
    // Unpinning what was never pinned changes nothing either.
    expectStatus(await unpin(two, ann, id, marker.id), 204);
    await bobEvents.until((items) => items.length === 2);

    // A last change is the marker that anything the calls above could have sent has arrived.
    expectStatus(await pin(one, ann, id, marker.id), 200);
    for (const events of [annEvents, bobEvents]) {
      await events.until((items) => items.length === 3);
      expect(events.received).toEqual(Array(3).fill({ conversationId: id }));
    }
    expect(await pinnedIds(one, bob, id)).toEqual([marker.id]);
  });
});
