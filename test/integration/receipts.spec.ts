import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, request, socketsClosedAfterEach, type ClientSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const byUser = <T extends { userId: string }>(items: T[]) =>
  [...items].sort((a, b) => a.userId.localeCompare(b.userId));
const idsOf = (...who: SignedIn[]) => who.map((one) => one.user.id).sort();

interface Receipt {
  userId: string;
  lastReadSeq: number;
  lastDeliveredSeq: number;
}

/**
 * Delivery marks and the marks members share (`GET /conversations/:id/reads`), on two instances,
 * and the `readReceipts: false` rule: such a member's marks reach nobody else, anywhere.
 */
describe('receipts', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const delivered = (t: TestApp, who: SignedIn, id: string, seq: unknown) =>
    chat(t, who).call('POST', `/${id}/delivered`, { seq });
  /** The items of `GET /reads`, by user id: members who joined together have no order between them. */
  const reads = async (t: TestApp, who: SignedIn, id: string) =>
    byUser(expectStatus<{ items: Receipt[] }>(await chat(t, who).call('GET', `/${id}/reads`), 200).items);
  const setReceipts = async (t: TestApp, who: SignedIn, readReceipts: boolean) =>
    expectStatus(
      await t.request('PATCH', '/api/v1/users/me', {
        headers: bearer(who.accessToken),
        body: { settings: { readReceipts } },
      }),
      200,
    );
  /** A group of `owner` and `members` with `count` messages from the owner. */
  const group = async (owner: SignedIn, members: SignedIn[], count: number) => {
    const id = expectStatus<{ id: string }>(await chat(one, owner).createGroup('receipts', members), 201).id;
    for (let i = 0; i < count; i += 1) expectStatus(await chat(one, owner).send(id, `message ${i + 1}`), 201);
    return id;
  };

  it('moves a delivery mark forward only, never past the last message, and shares the REST answer with the socket ack', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob], 3);
    const bobSocket = await connect(two, bob);

    expect(expectStatus(await delivered(one, bob, id, 2), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 2 });
    expect(expectStatus(await delivered(two, bob, id, 1), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 2 });
    expect(expectStatus(await delivered(one, bob, id, 0), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 2 });
    expect(await request(bobSocket, 'conversation.delivered', { conversationId: id, seq: 3 })).toEqual({
      ok: true,
      data: { conversationId: id, lastDeliveredSeq: 3 },
    });

    const past = await delivered(one, bob, id, 4);
    expect(past.status).toBe(400);
    expect(past.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'seq' }] });
    expect(await request(bobSocket, 'conversation.delivered', { conversationId: id, seq: 4 })).toMatchObject({
      ok: false,
      error: { statusCode: 400, code: 'VALIDATION_FAILED' },
    });
    for (const seq of [-1, 1.5, '2', null, 2 ** 31]) {
      expect((await delivered(one, bob, id, seq)).status).toBe(400);
    }
    expect((await chat(one, bob).call('POST', `/${id}/delivered`, { seq: 1, extra: true })).status).toBe(400);
    expect(await reads(two, ann, id)).toEqual(
      byUser([
        { userId: ann.user.id, lastReadSeq: 3, lastDeliveredSeq: 3 },
        { userId: bob.user.id, lastReadSeq: 0, lastDeliveredSeq: 3 },
      ]),
    );
  });

  it('sends delivered to the other members on the other instance exactly once per move, even when calls race', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob], 2);
    const annDelivered = collect(await connect(two, ann), 'delivered');
    const bobSocket = await connect(one, bob);

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? delivered(i % 4 === 1 ? one : two, bob, id, 2).then((response) => expectStatus(response, 200))
          : request(bobSocket, 'conversation.delivered', { conversationId: id, seq: 2 }).then((ack) =>
              ack.ok ? ack.data : ack.error,
            ),
      ),
    );
    expect(answers).toEqual(Array(10).fill({ conversationId: id, lastDeliveredSeq: 2 }));
    expect(expectStatus(await delivered(two, bob, id, 1), 200)).toMatchObject({ lastDeliveredSeq: 2 });

    // A later move, from the instance of every call above, is the marker that all of theirs arrived.
    expectStatus(await chat(one, ann).send(id, 'three'), 201);
    expectStatus(await delivered(one, bob, id, 3), 200);
    expectStatus(await delivered(two, bob, id, 3), 200);
    await annDelivered.until((items) => items.length >= 2);
    await sleep(200);
    expect(annDelivered.received).toEqual([
      { conversationId: id, userId: bob.user.id, seq: 2 },
      { conversationId: id, userId: bob.user.id, seq: 3 },
    ]);
  });

  it('takes a read as a delivery: no delivered event for what a read covers, and the read event alone when a read passes it', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob], 4);
    const annSocket = await connect(two, ann);
    const annDelivered = collect(annSocket, 'delivered');
    const annReads = collect(annSocket, 'read');

    expectStatus(await delivered(one, bob, id, 1), 200);
    // The read passes the delivery mark: one read event, no delivered one.
    expect(expectStatus(await chat(one, bob).read(id, 3), 200)).toMatchObject({ lastReadSeq: 3 });
    // Below or at the read mark: the mark as shown, and no event.
    expect(expectStatus(await delivered(one, bob, id, 2), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 3 });
    expect(expectStatus(await delivered(one, bob, id, 3), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 3 });
    expect(await reads(one, ann, id)).toContainEqual({ userId: bob.user.id, lastReadSeq: 3, lastDeliveredSeq: 3 });
    // Past it: delivered again.
    expect(expectStatus(await delivered(one, bob, id, 4), 200)).toEqual({ conversationId: id, lastDeliveredSeq: 4 });

    await annDelivered.until((items) => items.length >= 2);
    await sleep(200);
    expect(annDelivered.received).toEqual([
      { conversationId: id, userId: bob.user.id, seq: 1 },
      { conversationId: id, userId: bob.user.id, seq: 4 },
    ]);
    expect(annReads.received).toEqual([{ conversationId: id, userId: bob.user.id, seq: 3 }]);
  });

  it('answers 404 to a non-member and to a removed member, over REST and the socket, and tells no one', async () => {
    const [ann, bob, eve] = [await register(one), await register(one), await register(one)];
    const id = await group(ann, [bob], 2);
    const annDelivered = collect(await connect(one, ann), 'delivered');
    const eveSocket = await connect(two, eve);

    for (const response of [await delivered(two, eve, id, 1), await chat(two, eve).call('GET', `/${id}/reads`)]) {
      expect(response.status).toBe(404);
      expect(response.json().code).toBe('CONVERSATION_NOT_FOUND');
    }
    expect(await request(eveSocket, 'conversation.delivered', { conversationId: id, seq: 1 })).toMatchObject({
      ok: false,
      error: { statusCode: 404, code: 'CONVERSATION_NOT_FOUND' },
    });
    // An unknown conversation is the same 404, past seqs included.
    expect((await delivered(one, eve, '00000000-0000-4000-8000-000000000000', 99)).status).toBe(404);

    const bobSocket = await connect(two, bob);
    expectStatus(await delivered(two, bob, id, 1), 200);
    expectStatus(await chat(one, ann).call('DELETE', `/${id}/members/${bob.user.id}`), 204);
    for (const response of [await delivered(two, bob, id, 2), await chat(one, bob).call('GET', `/${id}/reads`)]) {
      expect(response.status).toBe(404);
      expect(response.json().code).toBe('CONVERSATION_NOT_FOUND');
    }
    expect(await request(bobSocket, 'conversation.delivered', { conversationId: id, seq: 2 })).toMatchObject({
      ok: false,
      error: { statusCode: 404, code: 'CONVERSATION_NOT_FOUND' },
    });
    expect(await reads(two, ann, id)).toEqual([{ userId: ann.user.id, lastReadSeq: 2, lastDeliveredSeq: 2 }]);
    await sleep(200);
    expect(annDelivered.received).toEqual([{ conversationId: id, userId: bob.user.id, seq: 1 }]);
  });

  it('lists every member who shares receipts, for any member, and leaves out a request not yet accepted', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    // Bob shares no conversation with Ann: a message request to him.
    const id = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expectStatus(await chat(one, ann).send(id, 'hello?'), 201);
    const annEvents = await connect(two, ann);
    const annReads = collect(annEvents, 'read');
    const annDelivered = collect(annEvents, 'delivered');

    // The recipient may read and ask, but is not seen reading before answering.
    expectStatus(await delivered(two, bob, id, 1), 200);
    expectStatus(await chat(two, bob).read(id, 1), 200);
    expect(await reads(two, bob, id)).toEqual([{ userId: ann.user.id, lastReadSeq: 1, lastDeliveredSeq: 1 }]);
    expect(await reads(one, ann, id)).toEqual([{ userId: ann.user.id, lastReadSeq: 1, lastDeliveredSeq: 1 }]);

    expectStatus(await chat(one, bob).call('POST', `/${id}/accept`), 200);
    expect(await reads(one, ann, id)).toEqual(
      byUser([
        { userId: ann.user.id, lastReadSeq: 1, lastDeliveredSeq: 1 },
        { userId: bob.user.id, lastReadSeq: 1, lastDeliveredSeq: 1 },
      ]),
    );
    expectStatus(await chat(one, ann).send(id, 'thanks'), 201);
    expectStatus(await delivered(two, bob, id, 2), 200);
    await annDelivered.until((items) => items.length >= 1);
    await sleep(200);
    expect(annDelivered.received).toEqual([{ conversationId: id, userId: bob.user.id, seq: 2 }]);
    expect(annReads.received).toEqual([]);
  });

  describe('a member with readReceipts false', () => {
    /**
     * Ann and Bob share their marks, Cid does not. Ann listens on both instances, and so does Cid
     * (his own devices). A move of Bob's through an instance comes after everything Cid did through
     * it, so once it has arrived, anything about Cid would have too.
     */
    const cast = async () => {
      const [ann, bob, cid] = [await register(one), await register(one), await register(one)];
      const id = await group(ann, [bob, cid], 6);
      await setReceipts(one, cid, false);
      const annSockets = [await connect(one, ann), await connect(two, ann)];
      const cidSockets = [await connect(one, cid), await connect(two, cid)];
      const listen = (sockets: ClientSocket[]) =>
        sockets.map((socket) => ({ read: collect(socket, 'read'), delivered: collect(socket, 'delivered') }));
      return { ann, bob, cid, id, annHears: listen(annSockets), cidHears: listen(cidSockets), cidSockets };
    };
    const about =
      (userId: string) =>
      <T extends { userId: string }>(items: T[]) =>
        items.filter((item) => item.userId === userId);

    it('keeps their read and delivered marks from every other member on either instance, and out of every answer', async () => {
      const { ann, bob, cid, id, annHears, cidHears, cidSockets } = await cast();

      // Through each instance, REST and socket alike.
      expectStatus(await delivered(one, cid, id, 1), 200);
      expectStatus(await chat(one, cid).read(id, 2), 200);
      expect(await request(cidSockets[1], 'conversation.delivered', { conversationId: id, seq: 3 })).toMatchObject({
        ok: true,
      });
      expect(await request(cidSockets[1], 'conversation.read', { conversationId: id, seq: 3 })).toMatchObject({
        ok: true,
      });
      expectStatus(await chat(two, cid).read(id, 4), 200);
      expectStatus(await delivered(two, cid, id, 5), 200);
      // The markers: Bob's moves through both instances.
      expectStatus(await chat(one, bob).read(id, 1), 200);
      expectStatus(await chat(two, bob).read(id, 2), 200);
      for (const heard of annHears) await heard.read.until((items) => about(bob.user.id)(items).length === 2);

      for (const heard of annHears) {
        expect(about(cid.user.id)(heard.read.received)).toEqual([]);
        expect(about(cid.user.id)(heard.delivered.received)).toEqual([]);
      }
      // His own devices, on both instances, follow his marks.
      for (const heard of cidHears) {
        await heard.delivered.until((items) => about(cid.user.id)(items).length === 3);
        await heard.read.until((items) => about(cid.user.id)(items).length === 3);
        expect(about(cid.user.id)(heard.read.received).map((item) => item.seq)).toEqual([2, 3, 4]);
        expect(about(cid.user.id)(heard.delivered.received).map((item) => item.seq)).toEqual([1, 3, 5]);
      }

      // Not in GET /reads, for anyone, himself included, on either instance.
      for (const t of [one, two]) {
        for (const who of [ann, bob, cid]) {
          expect((await reads(t, who, id)).map((item) => item.userId)).toEqual(idsOf(ann, bob));
        }
      }
      // Nor in any other answer a member gets.
      for (const path of [`/${id}`, '', `/${id}/messages`, `/${id}/sync?since=0`]) {
        const text = (await chat(two, ann).call('GET', path)).text;
        expect(text).not.toMatch(/lastDeliveredSeq/);
        const lastReadSeqs = [...text.matchAll(/"lastReadSeq":(\d+)/g)].map((match) => Number(match[1]));
        // Only Ann's own mark (6: her sends), never one of Cid's.
        expect(lastReadSeqs.every((seq) => seq === 6)).toBe(true);
      }
    });

    it('keeps their own unread counts working', async () => {
      const { cid, id } = await cast();
      expect(expectStatus(await chat(two, cid).unread(), 200)).toEqual({
        total: 6,
        items: [{ conversationId: id, unreadCount: 6, unreadMentionCount: 0 }],
      });
      expect(expectStatus(await chat(one, cid).read(id, 4), 200)).toEqual({
        conversationId: id,
        lastReadSeq: 4,
        unreadCount: 2,
        unreadMentionCount: 0,
      });
      expect(expectStatus(await chat(two, cid).unread(), 200)).toMatchObject({ total: 2 });
      expect(expectStatus(await chat(one, cid).detail(id), 200)).toMatchObject({ lastReadSeq: 4, unreadCount: 2 });
    });

    it('shows them again once turned back on, marks moved meanwhile included', async () => {
      const { ann, bob, cid, id, annHears } = await cast();
      expectStatus(await chat(one, cid).read(id, 2), 200);
      expectStatus(await delivered(one, cid, id, 3), 200);

      await setReceipts(two, cid, true);
      for (const t of [one, two]) {
        expect(await reads(t, ann, id)).toEqual(
          byUser([
            { userId: ann.user.id, lastReadSeq: 6, lastDeliveredSeq: 6 },
            { userId: bob.user.id, lastReadSeq: 0, lastDeliveredSeq: 0 },
            { userId: cid.user.id, lastReadSeq: 2, lastDeliveredSeq: 3 },
          ]),
        );
      }
      expectStatus(await chat(two, cid).read(id, 4), 200);
      expectStatus(await delivered(one, cid, id, 5), 200);
      for (const heard of annHears) {
        await heard.read.until((items) => about(cid.user.id)(items).length === 1);
        await heard.delivered.until((items) => about(cid.user.id)(items).length === 1);
        expect(about(cid.user.id)(heard.read.received)).toEqual([{ conversationId: id, userId: cid.user.id, seq: 4 }]);
        expect(about(cid.user.id)(heard.delivered.received)).toEqual([
          { conversationId: id, userId: cid.user.id, seq: 5 },
        ]);
      }

      // And off again: from the answer on, on the other instance too.
      await setReceipts(one, cid, false);
      expectStatus(await chat(two, cid).read(id, 6), 200);
      expectStatus(await chat(two, bob).read(id, 1), 200);
      for (const heard of annHears) await heard.read.until((items) => about(bob.user.id)(items).length === 1);
      for (const heard of annHears) expect(about(cid.user.id)(heard.read.received)).toHaveLength(1);
      expect((await reads(two, bob, id)).map((item) => item.userId)).toEqual(idsOf(ann, bob));
    });
  });
});
