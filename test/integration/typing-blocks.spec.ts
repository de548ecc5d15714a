import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach, request } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Typing across a block: refused in a direct conversation (403 BLOCKED, either side); in a group the
 * typist's events reach the other members but never someone with a block either way with them.
 */
describe('typing across a block', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect } = socketsClosedAfterEach();

  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const block = async (blocker: SignedIn, blocked: SignedIn) =>
    expectStatus(
      await one.request('POST', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(blocker.accessToken) }),
      204,
    );

  it('refuses typing.start in a direct conversation across a block, both ways, and tells the other side nothing', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    expectStatus(await chat(one, bob).call('POST', `/${direct}/accept`), 200);
    const annSocket = await connect(one, ann);
    const bobSocket = await connect(two, bob);
    const annTyping = collect(annSocket, 'typing');
    const bobTyping = collect(bobSocket, 'typing');
    expect(await request(annSocket, 'typing.start', { conversationId: direct })).toEqual({ ok: true, data: null });
    await bobTyping.until((items) => items.length === 1);

    await block(bob, ann);
    const refused = { ok: false, error: expect.objectContaining({ statusCode: 403, code: 'BLOCKED' }) };
    expect(await request(annSocket, 'typing.start', { conversationId: direct })).toEqual(refused);
    expect(await request(bobSocket, 'typing.start', { conversationId: direct })).toEqual(refused);
    // Stopping is harmless and answered, but the blocker hears nothing of it either.
    expect(await request(annSocket, 'typing.stop', { conversationId: direct })).toEqual({ ok: true, data: null });
    await sleep(300);
    expect(bobTyping.received).toEqual([{ conversationId: direct, userId: ann.user.id, isTyping: true }]);
    expect(annTyping.received).toEqual([]);
  });

  it('passes typing in a group to the other members, but not between two with a block either way', async () => {
    const [ann, bob, cid] = [await register(one), await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob, cid]), 201).id;
    await block(bob, ann);
    const annSocket = await connect(one, ann);
    const bobSocket = await connect(two, bob);
    const cidSocket = await connect(one, cid);
    const [annTyping, bobTyping, cidTyping] = [annSocket, bobSocket, cidSocket].map((socket) =>
      collect(socket, 'typing'),
    );

    expect(await request(annSocket, 'typing.start', { conversationId: group })).toEqual({ ok: true, data: null });
    expect(await request(bobSocket, 'typing.start', { conversationId: group })).toEqual({ ok: true, data: null });
    expect(await request(annSocket, 'typing.stop', { conversationId: group })).toEqual({ ok: true, data: null });
    await cidTyping.until((items) => items.length === 3);
    expect(cidTyping.received).toEqual([
      { conversationId: group, userId: ann.user.id, isTyping: true },
      { conversationId: group, userId: bob.user.id, isTyping: true },
      { conversationId: group, userId: ann.user.id, isTyping: false },
    ]);
    await sleep(300);
    expect(bobTyping.received).toEqual([]);
    expect(annTyping.received).toEqual([]);

    // Once the block is lifted they hear each other again.
    expectStatus(
      await one.request('DELETE', `/api/v1/users/${ann.user.id}/block`, { headers: bearer(bob.accessToken) }),
      204,
    );
    await request(annSocket, 'typing.start', { conversationId: group });
    await bobTyping.until((items) => items.some((item) => item.userId === ann.user.id && item.isTyping));
  });
});
