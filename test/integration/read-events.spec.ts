import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, request, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

describe('read events', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('go out only when a read mark moves, over REST and conversation.read alike', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('reads', [bob]), 201).id;
    for (const body of ['one', 'two', 'three']) expectStatus(await chat(one, ann).send(id, body), 201);
    const [annSocket, bobSocket] = [await connect(two, ann), await connect(one, bob)];
    const reads = collect(annSocket, 'read');

    expect(expectStatus(await chat(one, bob).read(id, 2), 200)).toEqual({
      conversationId: id,
      lastReadSeq: 2,
      unreadCount: 1,
      unreadMentionCount: 0,
    });
    await reads.until((items) => items.length === 1);

    // At or below the mark: the same answer as ever, and nothing for the others.
    expect(expectStatus(await chat(one, bob).read(id, 2), 200)).toEqual({
      conversationId: id,
      lastReadSeq: 2,
      unreadCount: 1,
      unreadMentionCount: 0,
    });
    expect(expectStatus(await chat(two, bob).read(id, 1), 200)).toEqual({
      conversationId: id,
      lastReadSeq: 2,
      unreadCount: 1,
      unreadMentionCount: 0,
    });
    expect(await request(bobSocket, 'conversation.read', { conversationId: id, seq: 2 })).toEqual({
      ok: true,
      data: { conversationId: id, lastReadSeq: 2, unreadCount: 1, unreadMentionCount: 0 },
    });
    expect(await request(bobSocket, 'conversation.read', { conversationId: id, seq: 0 })).toMatchObject({
      ok: true,
      data: { lastReadSeq: 2 },
    });

    // A mark that moves is sent, and arrives after anything the calls above could have sent.
    expect(await request(bobSocket, 'conversation.read', { conversationId: id, seq: 3 })).toMatchObject({
      ok: true,
      data: { lastReadSeq: 3, unreadCount: 0 },
    });
    await reads.until((items) => items.length >= 2);
    expect(reads.received).toEqual([
      { conversationId: id, userId: bob.user.id, seq: 2 },
      { conversationId: id, userId: bob.user.id, seq: 3 },
    ]);
  });

  it('of two concurrent reads to the same seq, one moves the mark and is sent', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('race', [bob]), 201).id;
    for (const body of ['one', 'two']) expectStatus(await chat(one, ann).send(id, body), 201);
    const annSocket = await connect(one, ann);
    const reads = collect(annSocket, 'read');

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(i % 2 ? two : one, bob).read(id, 2)));
    expect(answers.map((answer) => answer.json().lastReadSeq)).toEqual(Array(10).fill(2));
    expect(expectStatus(await chat(one, bob).read(id, 1), 200)).toMatchObject({ lastReadSeq: 2 });
    // A later move is the marker that everything before it has arrived.
    expectStatus(await chat(one, ann).send(id, 'three'), 201);
    expectStatus(await chat(two, bob).read(id, 3), 200);
    await reads.until((items) => items.length >= 2);
    expect(reads.received).toEqual([
      { conversationId: id, userId: bob.user.id, seq: 2 },
      { conversationId: id, userId: bob.user.id, seq: 3 },
    ]);
  });
});
