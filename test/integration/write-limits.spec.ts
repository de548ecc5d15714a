import { Redis } from 'ioredis';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { bearer, freshAddress, login, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

/** Every per-user write limit at 2, so the third write of a kind is the one refused. */
const LIMIT = 2;
const LOW_LIMITS: Partial<AppConfig> = {
  MESSAGE_CHANGES_PER_MINUTE_PER_USER: LIMIT,
  REACTIONS_PER_MINUTE_PER_USER: LIMIT,
  PINS_PER_MINUTE_PER_USER: LIMIT,
  READ_MARKS_PER_MINUTE_PER_USER: LIMIT,
  DELIVERY_MARKS_PER_MINUTE_PER_USER: LIMIT,
  CONVERSATIONS_PER_MINUTE_PER_USER: LIMIT,
  MEMBER_CHANGES_PER_MINUTE_PER_USER: LIMIT,
  ACCOUNT_CHANGES_PER_MINUTE_PER_USER: LIMIT,
  PRESENCE_READS_PER_MINUTE_PER_USER: LIMIT,
  SYNCS_PER_MINUTE_PER_USER: LIMIT,
  SEARCHES_PER_MINUTE_PER_USER: LIMIT,
  TYPING_EVENTS_PER_MINUTE_PER_USER: LIMIT,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectLimited(response: HttpResponse): void {
  expect(response.status).toBe(429);
  expect(response.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(response.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
  expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
}

const expectAckLimited = (ack: { ok: boolean; error?: { code: string; statusCode: number } }) =>
  expect(ack).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', statusCode: 429 } });

describe('per-user limits on every write', () => {
  let t: TestApp;
  let redis: Redis;
  const sockets: ClientSocket[] = [];
  const connect = async (who: SignedIn) => {
    const socket = await connectSocket(t.baseUrl, who.accessToken);
    sockets.push(socket);
    return socket;
  };
  const api = (who: SignedIn, method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1${path}`, { headers: bearer(who.accessToken), body });
  const users = (count: number) => Promise.all(Array.from({ length: count }, () => register(t)));
  /** A group of `owner` and `members`, with `messages` messages sent by the owner. */
  const group = async (owner: SignedIn, members: SignedIn[], messages = 0) => {
    const id = expectStatus<{ id: string }>(await chat(t, owner).createGroup('limits', members), 201).id;
    const sent: { id: string; seq: number }[] = [];
    for (let i = 0; i < messages; i += 1) sent.push(expectStatus(await chat(t, owner).send(id, `message ${i}`), 201));
    return { id, sent };
  };

  beforeAll(async () => {
    t = await startTestApp(LOW_LIMITS);
    redis = new Redis(testRedisUrl());
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('message edits and deletions', async () => {
    const [ann, bob] = await users(2);
    const { id, sent } = await group(ann, [bob], 2);
    const [first, second] = sent;
    const edit = (who: SignedIn, messageId: string, body: string) =>
      api(who, 'PATCH', `/conversations/${id}/messages/${messageId}`, { body });
    expect((await edit(ann, first.id, 'edit 1')).status).toBe(200);
    expect((await edit(ann, first.id, 'edit 2')).status).toBe(200);
    expectLimited(await edit(ann, first.id, 'edit 3'));
    expectLimited(await api(ann, 'DELETE', `/conversations/${id}/messages/${second.id}`));

    const page = expectStatus<{ items: { id: string; body: string; deletedAt: string | null }[] }>(
      await chat(t, bob).messages(id),
      200,
    );
    expect(page.items.map(({ body, deletedAt }) => ({ body, deletedAt }))).toEqual([
      { body: 'edit 2', deletedAt: null },
      { body: 'message 1', deletedAt: null },
    ]);
    // Bob's budget is his own.
    const own = expectStatus<{ id: string }>(await chat(t, bob).send(id, 'mine'), 201);
    expect((await edit(bob, own.id, 'mine, edited')).status).toBe(200);
  });

  it('reactions', async () => {
    const [ann, bob] = await users(2);
    const { id, sent } = await group(ann, [bob], 1);
    const react = (who: SignedIn, method: 'PUT' | 'DELETE', emoji: string) =>
      api(who, method, `/conversations/${id}/messages/${sent[0].id}/reactions/${encodeURIComponent(emoji)}`);
    expect((await react(ann, 'PUT', '👍')).status).toBe(200);
    expect((await react(ann, 'PUT', '❤️')).status).toBe(200);
    expectLimited(await react(ann, 'DELETE', '👍'));
    expectLimited(await react(ann, 'PUT', '😀'));

    const unaffected = await react(bob, 'PUT', '😀');
    expect(unaffected.status).toBe(200);
    expect(unaffected.json().reactions).toEqual({ '👍': 1, '❤️': 1, '😀': 1 });
  });

  it('pins: pinning and unpinning share one budget, which is not that of member changes', async () => {
    const [ann, bob] = await users(2);
    const { id, sent } = await group(ann, [bob], 3);
    const pins = (who: SignedIn, method: 'PUT' | 'DELETE', messageId: string) =>
      api(who, method, `/conversations/${id}/pins/${messageId}`);
    expect((await pins(ann, 'PUT', sent[0].id)).status).toBe(200);
    expect((await pins(ann, 'DELETE', sent[0].id)).status).toBe(204);
    expectLimited(await pins(ann, 'PUT', sent[1].id));
    expectLimited(await pins(ann, 'DELETE', sent[0].id));
    expect((await api(ann, 'PATCH', `/conversations/${id}`, { title: 'still allowed' })).status).toBe(200);

    expect((await api(ann, 'PATCH', `/conversations/${id}/members/${bob.user.id}`, { role: 'admin' })).status).toBe(
      200,
    );
    expect((await pins(bob, 'PUT', sent[2].id)).status).toBe(200);
    const listed = await api(bob, 'GET', `/conversations/${id}/pins`);
    expect(listed.json().items.map((item: { message: { id: string } }) => item.message.id)).toEqual([sent[2].id]);
  });

  it('read marks: REST, conversation.read and notification read marks share one budget', async () => {
    const [ann, bob] = await users(2);
    const { id } = await group(bob, [ann], 3);
    // Ann was offline for those: a notification each (stored after the sends are answered).
    const unreadNotifications = async () =>
      expectStatus<{ count: number }>(await api(ann, 'GET', '/notifications/unread-count'), 200).count;
    for (let i = 0; i < 100 && (await unreadNotifications()) < 3; i += 1) await sleep(50);
    expect(await unreadNotifications()).toBe(3);
    const socket = await connect(ann);

    expect((await chat(t, ann).read(id, 1)).status).toBe(200);
    expect(await request(socket, 'conversation.read', { conversationId: id, seq: 2 })).toMatchObject({ ok: true });
    expectLimited(await chat(t, ann).read(id, 3));
    expectAckLimited(await request(socket, 'conversation.read', { conversationId: id, seq: 3 }));
    expectLimited(await api(ann, 'POST', '/notifications/read-all'));

    const unread = expectStatus<{ items: { conversationId: string; unreadCount: number }[] }>(
      await chat(t, ann).unread(),
      200,
    );
    expect(unread.items).toEqual([expect.objectContaining({ conversationId: id, unreadCount: 1 })]);
    expect(await unreadNotifications()).toBe(3);
    // Bob's budget is his own.
    expect((await chat(t, bob).read(id, 3)).status).toBe(200);
  });

  it('delivery marks: REST and conversation.delivered share one budget, apart from read marks', async () => {
    const [ann, bob] = await users(2);
    const { id } = await group(bob, [ann], 3);
    const socket = await connect(ann);
    const deliver = (seq: number) => api(ann, 'POST', `/conversations/${id}/delivered`, { seq });

    expect((await deliver(1)).status).toBe(200);
    expect(await request(socket, 'conversation.delivered', { conversationId: id, seq: 2 })).toMatchObject({ ok: true });
    expectLimited(await deliver(3));
    expectAckLimited(await request(socket, 'conversation.delivered', { conversationId: id, seq: 3 }));

    // The refused ones moved nothing; read marks have their own budget.
    const marks = expectStatus<{ items: { userId: string; lastDeliveredSeq: number }[] }>(
      await api(bob, 'GET', `/conversations/${id}/reads`),
      200,
    );
    expect(marks.items.find((item) => item.userId === ann.user.id)?.lastDeliveredSeq).toBe(2);
    expect((await chat(t, ann).read(id, 1)).status).toBe(200);
    // Bob's budget is his own.
    expect((await api(bob, 'POST', `/conversations/${id}/delivered`, { seq: 3 })).status).toBe(200);
  });

  it('opening conversations and creating groups', async () => {
    const [ann, bob, cat] = await users(3);
    expect((await chat(t, ann).createGroup('one', [bob])).status).toBe(201);
    expect((await chat(t, ann).createGroup('two', [bob])).status).toBe(201);
    expectLimited(await chat(t, ann).createGroup('three', [bob]));
    expectLimited(await chat(t, ann).openDirect(cat));

    const list = expectStatus<{ items: { title: string | null }[] }>(await chat(t, ann).list(), 200);
    expect(list.items.map((item) => item.title).sort()).toEqual(['one', 'two']);
    expect((await chat(t, bob).openDirect(cat)).status).toBe(201);
  });

  it('member changes, request answers, hide, title and mute', async () => {
    const [ann, bob, cat, dan] = await users(4);
    const { id } = await group(ann, [bob, cat]);
    const conv = (who: SignedIn, method: string, path = '', body?: unknown) =>
      api(who, method, `/conversations/${id}${path}`, body);
    expect((await conv(ann, 'PATCH', '', { title: 'renamed' })).status).toBe(200);
    expect((await conv(ann, 'PATCH', '', { muted: true })).status).toBe(200);
    expectLimited(await conv(ann, 'POST', '/members', { userIds: [dan.user.id] }));
    expectLimited(await conv(ann, 'DELETE', `/members/${bob.user.id}`));
    expectLimited(await conv(ann, 'PATCH', `/members/${cat.user.id}`, { role: 'admin' }));
    expectLimited(await conv(ann, 'DELETE'));

    const detail = expectStatus<{ title: string; members: { userId: string; role: string }[] }>(
      await chat(t, ann).detail(id),
      200,
    );
    expect(detail.title).toBe('renamed');
    expect(detail.members.map((member) => [member.userId, member.role]).sort()).toEqual(
      [
        [ann.user.id, 'owner'],
        [bob.user.id, 'member'],
        [cat.user.id, 'member'],
      ].sort(),
    );
    const list = expectStatus<{ items: { id: string }[] }>(await chat(t, ann).list(), 200);
    expect(list.items.map((item) => item.id)).toEqual([id]);
    // Bob's budget is his own.
    expect((await conv(bob, 'PATCH', '', { muted: true })).status).toBe(200);
    expect((await conv(bob, 'DELETE')).status).toBe(204);

    // Accepting and declining a message request count too.
    const [eve, fay, gus] = await users(3);
    const requests = await Promise.all(
      [fay, gus].map(async (from) => expectStatus<{ id: string }>(await chat(t, from).openDirect(eve), 201).id),
    );
    await Promise.all(requests.map((requestId) => api(eve, 'POST', `/conversations/${requestId}/decline`)));
    expectLimited(await api(eve, 'POST', `/conversations/${requests[0]}/accept`));
    const eveList = expectStatus<{ items: unknown[] }>(await chat(t, eve).list(), 200);
    expect(eveList.items).toEqual([]);
  });

  it('profile changes, blocks and session revocations', async () => {
    const [ann, bob, cat] = await users(3);
    const other = expectStatus<{ sessionId: string }>(
      await login(t, ann.user.username, 'correct horse battery', freshAddress()),
      200,
    );
    expect((await api(ann, 'PATCH', '/users/me', { displayName: 'Ann One' })).status).toBe(200);
    expect((await api(ann, 'POST', `/users/${cat.user.id}/block`)).status).toBe(204);
    expectLimited(await api(ann, 'PATCH', '/users/me', { displayName: 'Ann Two' }));
    expectLimited(await api(ann, 'DELETE', `/users/${cat.user.id}/block`));
    expectLimited(await api(ann, 'POST', `/users/${bob.user.id}/block`));
    expectLimited(await api(ann, 'DELETE', `/auth/sessions/${other.sessionId}`));
    expectLimited(await api(ann, 'POST', '/auth/logout-all'));

    const me = expectStatus<{ displayName: string }>(await api(ann, 'GET', '/users/me'), 200);
    expect(me.displayName).toBe('Ann One');
    const blocks = expectStatus<{ items: { user: { id: string } }[] }>(await api(ann, 'GET', '/users/me/blocks'), 200);
    expect(blocks.items.map((item) => item.user.id)).toEqual([cat.user.id]);
    const sessions = expectStatus<{ items: { id: string }[] }>(await api(ann, 'GET', '/auth/sessions'), 200);
    expect(sessions.items.map((session) => session.id).sort()).toEqual([ann.sessionId, other.sessionId].sort());
    // Bob's budget is his own.
    expect((await api(bob, 'PATCH', '/users/me', { displayName: 'Bob' })).status).toBe(200);
  });

  it('presence lookups: REST and presence.query share one budget', async () => {
    const [ann, bob] = await users(2);
    const socket = await connect(ann);
    expect((await api(ann, 'GET', `/users/${bob.user.id}/presence`)).status).toBe(200);
    expect(await request(socket, 'presence.query', { userIds: [bob.user.id] })).toMatchObject({ ok: true });
    expectLimited(await api(ann, 'POST', '/users/presence', { userIds: [bob.user.id] }));
    expectAckLimited(await request(socket, 'presence.query', { userIds: [bob.user.id] }));
    expect((await api(bob, 'POST', '/users/presence', { userIds: [ann.user.id] })).status).toBe(200);
  });

  it('sync: REST and the sync event share one budget', async () => {
    const [ann, bob] = await users(2);
    const { id } = await group(ann, [bob], 1);
    const socket = await connect(ann);
    expect((await chat(t, ann).sync(id, '?since=0')).status).toBe(200);
    expect(await request(socket, 'sync', { conversationId: id, since: 0 })).toMatchObject({ ok: true });
    expectLimited(await chat(t, ann).sync(id, '?since=0'));
    expectAckLimited(await request(socket, 'sync', { conversationId: id, since: 0 }));
    expect((await chat(t, bob).sync(id, '?since=0')).status).toBe(200);
  });

  it('message searches, including refused ones', async () => {
    const [ann, bob] = await users(2);
    await group(ann, [bob], 1);
    expect((await api(ann, 'GET', '/search/messages?q=message')).status).toBe(200);
    // A query refused as too short still spends the budget: probing is not free.
    expect((await api(ann, 'GET', '/search/messages?q=m')).status).toBe(400);
    expectLimited(await api(ann, 'GET', '/search/messages?q=message'));
    expect((await api(bob, 'GET', '/search/messages?q=message')).status).toBe(200);
  });

  it('typing events', async () => {
    const [ann, bob, cat] = await users(3);
    const { id } = await group(ann, [bob, cat]);
    const [annSocket, bobSocket, catSocket] = await Promise.all([connect(ann), connect(bob), connect(cat)]);
    const typing = collect(bobSocket, 'typing');
    expect(await request(annSocket, 'typing.start', { conversationId: id })).toMatchObject({ ok: true });
    expect(await request(annSocket, 'typing.stop', { conversationId: id })).toMatchObject({ ok: true });
    expectAckLimited(await request(annSocket, 'typing.start', { conversationId: id }));
    expect(await redis.exists(RedisKeys.typing(id, ann.user.id))).toBe(0);

    // Cat's budget is her own; her start arrives after anything Ann's refused start could have sent.
    expect(await request(catSocket, 'typing.start', { conversationId: id })).toMatchObject({ ok: true });
    await typing.until((items) => items.some((item) => item.userId === cat.user.id));
    expect(typing.received.map(({ userId, isTyping }) => [userId === ann.user.id ? 'ann' : 'cat', isTyping])).toEqual([
      ['ann', true],
      ['ann', false],
      ['cat', true],
    ]);
  });

  it('counts the refusals of routes and of socket events in the rate-limit metric', async () => {
    const metrics = (await t.request('GET', '/health/metrics')).text;
    expect(metrics).toMatch(
      /rate_limit_rejections_total\{route="\/api\/v1\/conversations\/:id\/messages\/:messageId",limit="message-changes"\} [1-9]/,
    );
    expect(metrics).toMatch(/rate_limit_rejections_total\{route="typing.start",limit="typing"\} [1-9]/);
    expect(metrics).toMatch(/rate_limit_rejections_total\{route="conversation.read",limit="read-marks"\} [1-9]/);
  });
});
