import { randomUUID } from 'node:crypto';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

type Role = 'outsider' | 'member' | 'admin' | 'blocked';
type Expected = 'ok' | number;

/** Every client event that acts on a conversation, with a valid payload for it. */
const EVENTS: { event: string; payload: (conversationId: string) => unknown }[] = [
  { event: 'message.send', payload: (id) => ({ conversationId: id, clientMessageId: randomUUID(), body: 'hello' }) },
  { event: 'typing.start', payload: (id) => ({ conversationId: id }) },
  { event: 'typing.stop', payload: (id) => ({ conversationId: id }) },
  { event: 'conversation.read', payload: (id) => ({ conversationId: id, seq: 1 }) },
  { event: 'sync', payload: (id) => ({ conversationId: id, since: 0 }) },
];

/**
 * What each role gets, per event: outsiders never learn the conversation exists (404); a user in a
 * direct conversation across a block may read but neither write nor signal typing (403).
 */
const EXPECTED: Record<Role, Record<string, Expected>> = {
  outsider: { 'message.send': 404, 'typing.start': 404, 'typing.stop': 404, 'conversation.read': 404, sync: 404 },
  member: { 'message.send': 'ok', 'typing.start': 'ok', 'typing.stop': 'ok', 'conversation.read': 'ok', sync: 'ok' },
  admin: { 'message.send': 'ok', 'typing.start': 'ok', 'typing.stop': 'ok', 'conversation.read': 'ok', sync: 'ok' },
  blocked: { 'message.send': 403, 'typing.start': 403, 'typing.stop': 'ok', 'conversation.read': 'ok', sync: 'ok' },
};

describe('socket events, for every role', () => {
  let one: TestApp;
  let two: TestApp;
  const sockets = new Map<Role, ClientSocket>();
  const conversationOf = new Map<Role, string>();
  let owner: SignedIn;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps();
    owner = await register(one);
    const [outsider, member, admin, blocked] = await Promise.all([1, 2, 3, 4].map(() => register(one)));
    const group = expectStatus<{ id: string }>(await chat(one, owner).createGroup('g', [member, admin]), 201).id;
    expectStatus(await chat(one, owner).call('PATCH', `/${group}/members/${admin.user.id}`, { role: 'admin' }), 200);
    expectStatus(await chat(one, owner).send(group, 'first'), 201);
    const direct = expectStatus<{ id: string }>(await chat(one, owner).openDirect(blocked), 201).id;
    expectStatus(await chat(one, blocked).call('POST', `/${direct}/accept`), 200);
    expectStatus(await chat(one, owner).send(direct, 'before the block'), 201);
    await one.request('POST', `/api/v1/users/${blocked.user.id}/block`, { headers: bearer(owner.accessToken) });

    const users: Record<Role, SignedIn> = { outsider, member, admin, blocked };
    for (const role of Object.keys(users) as Role[]) {
      sockets.set(role, await connectSocket((role === 'member' ? two : one).baseUrl, users[role].accessToken));
      conversationOf.set(role, role === 'blocked' ? direct : group);
    }
  }, 30_000);
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.all([one.close(), two.close()]);
  });

  const cases = (Object.keys(EXPECTED) as Role[]).flatMap((role) =>
    EVENTS.map(({ event, payload }) => ({ role, event, payload, expected: EXPECTED[role][event] })),
  );

  it.each(cases)('$event by $role → $expected', async ({ role, event, payload, expected }) => {
    const reply = await request(sockets.get(role)!, event as never, payload(conversationOf.get(role)!));
    if (expected === 'ok') expect(reply).toMatchObject({ ok: true });
    else expect(reply).toMatchObject({ ok: false, error: { statusCode: expected } });
  });

  it('stored nothing for refused sends', async () => {
    const direct = expectStatus(await chat(one, owner).sync(conversationOf.get('blocked')!), 200);
    expect(direct.items.map((item: { body: string }) => item.body)).toEqual(['before the block']);
  });
});
