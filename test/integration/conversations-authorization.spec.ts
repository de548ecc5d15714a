import { randomUUID } from 'node:crypto';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';

/** The ids a route is called with. */
interface Ids {
  conversationId: string;
  messageId: string;
  /** Another member the route acts on (role change, removal). */
  userId: string;
  /** The caller's own id. */
  callerId: string;
}

interface RouteCase {
  route: string;
  method: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
}

const REACTION = encodeURIComponent('👍');

/** Every conversation and message route that acts on one conversation. */
const ROUTES: RouteCase[] = [
  { route: 'GET /:id', method: 'GET', path: (c) => `/${c.conversationId}` },
  {
    route: 'PATCH /:id { title }',
    method: 'PATCH',
    path: (c) => `/${c.conversationId}`,
    body: () => ({ title: 'Taken over' }),
  },
  {
    route: 'PATCH /:id { muted }',
    method: 'PATCH',
    path: (c) => `/${c.conversationId}`,
    body: () => ({ muted: true }),
  },
  { route: 'DELETE /:id', method: 'DELETE', path: (c) => `/${c.conversationId}` },
  {
    route: 'POST /:id/members',
    method: 'POST',
    path: (c) => `/${c.conversationId}/members`,
    body: (c) => ({ userIds: [c.callerId] }),
  },
  {
    route: 'PATCH /:id/members/:userId',
    method: 'PATCH',
    path: (c) => `/${c.conversationId}/members/${c.userId}`,
    body: () => ({ role: 'admin' }),
  },
  {
    route: 'DELETE /:id/members/:userId (someone else)',
    method: 'DELETE',
    path: (c) => `/${c.conversationId}/members/${c.userId}`,
  },
  {
    route: 'DELETE /:id/members/:userId (self)',
    method: 'DELETE',
    path: (c) => `/${c.conversationId}/members/${c.callerId}`,
  },
  { route: 'POST /:id/accept', method: 'POST', path: (c) => `/${c.conversationId}/accept` },
  { route: 'POST /:id/decline', method: 'POST', path: (c) => `/${c.conversationId}/decline` },
  { route: 'POST /:id/read', method: 'POST', path: (c) => `/${c.conversationId}/read`, body: () => ({ seq: 1 }) },
  { route: 'GET /:id/sync', method: 'GET', path: (c) => `/${c.conversationId}/sync?since=0` },
  {
    route: 'POST /:id/messages',
    method: 'POST',
    path: (c) => `/${c.conversationId}/messages`,
    body: () => ({ clientMessageId: randomUUID(), body: 'let me in' }),
  },
  { route: 'GET /:id/messages (latest)', method: 'GET', path: (c) => `/${c.conversationId}/messages` },
  { route: 'GET /:id/messages?after=', method: 'GET', path: (c) => `/${c.conversationId}/messages?after=0` },
  { route: 'GET /:id/messages?before=', method: 'GET', path: (c) => `/${c.conversationId}/messages?before=100` },
  {
    route: 'PATCH /:id/messages/:messageId',
    method: 'PATCH',
    path: (c) => `/${c.conversationId}/messages/${c.messageId}`,
    body: () => ({ body: 'rewritten' }),
  },
  {
    route: 'DELETE /:id/messages/:messageId',
    method: 'DELETE',
    path: (c) => `/${c.conversationId}/messages/${c.messageId}`,
  },
  {
    route: 'PUT /:id/messages/:messageId/reactions/:emoji',
    method: 'PUT',
    path: (c) => `/${c.conversationId}/messages/${c.messageId}/reactions/${REACTION}`,
  },
  {
    route: 'DELETE /:id/messages/:messageId/reactions/:emoji',
    method: 'DELETE',
    path: (c) => `/${c.conversationId}/messages/${c.messageId}/reactions/${REACTION}`,
  },
];

const call = (t: TestApp, who: SignedIn | null, route: RouteCase, ids: Ids): Promise<HttpResponse> =>
  t.request(route.method, `/api/v1/conversations${route.path(ids)}`, {
    headers: who ? bearer(who.accessToken) : {},
    body: route.body?.(ids),
  });

const parsed = (response: HttpResponse) => {
  try {
    return response.json();
  } catch {
    return response.text;
  }
};

/** Status and body without the per-request id, to compare two error answers. */
const comparable = (response: HttpResponse) => {
  const { requestId, ...rest } = parsed(response) as Record<string, unknown>;
  return { status: response.status, requestIdIsString: typeof requestId === 'string', ...rest };
};

/** Status and body together, so that a failure shows what the server answered. */
const answer = (response: HttpResponse) => ({ status: response.status, body: parsed(response) });

const refused = (status: number, code: string) => ({
  status,
  body: expect.objectContaining({ statusCode: status, code, message: expect.any(String) }),
});

describe('conversation and message routes: who may do what', () => {
  let t: TestApp;
  let owner: SignedIn;
  let admin: SignedIn;
  let admin2: SignedIn;
  let member: SignedIn;
  let member2: SignedIn;
  let outsider: SignedIn;
  let group: string;
  let direct: string;
  const msg = { groupByOwner: '', groupByAdmin: '', groupByMember: '', directByOwner: '', directByMember: '' };

  const as = (who: SignedIn) => chat(t, who);
  const sent = async (who: SignedIn, conversationId: string, body: string): Promise<string> =>
    expectStatus<{ id: string }>(await as(who).send(conversationId, body), 201).id;

  /** What the members of the shared group and direct conversation see; refused requests must leave it as it is. */
  const stateOf = async () => ({
    groupAsOwner: expectStatus(await as(owner).detail(group), 200),
    groupAsMember: expectStatus(await as(member).detail(group), 200),
    groupAsAdmin: expectStatus(await as(admin).detail(group), 200),
    groupChanges: expectStatus(await as(owner).sync(group, '?since=0'), 200),
    groupMessages: expectStatus(await as(member2).messages(group, '?after=0&limit=100'), 200),
    directAsOwner: expectStatus(await as(owner).detail(direct), 200),
    directAsMember: expectStatus(await as(member).detail(direct), 200),
    directChanges: expectStatus(await as(member).sync(direct, '?since=0'), 200),
    outsiderList: expectStatus(await as(outsider).list(), 200),
  });
  let before: Awaited<ReturnType<typeof stateOf>>;
  const expectUntouched = async () => expect(await stateOf()).toEqual(before);

  beforeAll(async () => {
    t = await startTestApp();
    [owner, admin, admin2, member, member2, outsider] = await Promise.all(Array.from({ length: 6 }, () => register(t)));
    group = expectStatus<{ id: string }>(
      await as(owner).createGroup('Matrix', [admin, admin2, member, member2]),
      201,
    ).id;
    for (const promoted of [admin, admin2]) {
      const response = await as(owner).call('PATCH', `/${group}/members/${promoted.user.id}`, { role: 'admin' });
      expect(expectStatus(response, 200).members).toContainEqual(
        expect.objectContaining({ userId: promoted.user.id, role: 'admin' }),
      );
    }
    direct = expectStatus<{ id: string }>(await as(owner).openDirect(member), 201).id;
    msg.groupByOwner = await sent(owner, group, 'hello from the owner');
    msg.groupByAdmin = await sent(admin, group, 'hello from an admin');
    msg.groupByMember = await sent(member, group, 'hello from a member');
    msg.directByOwner = await sent(owner, direct, 'direct from the owner');
    msg.directByMember = await sent(member, direct, 'direct from the member');
    before = await stateOf();
    expect(before.groupChanges.lastSeq).toBe(3);
    expect(before.directChanges.lastSeq).toBe(2);
    expect(before.outsiderList.items).toEqual([]);
  });
  afterAll(() => t.close());

  describe('an outsider', () => {
    it.each(ROUTES)('$route: 404 CONVERSATION_NOT_FOUND, the same answer as for a nonexistent id', async (route) => {
      const nowhere = await call(t, outsider, route, {
        conversationId: randomUUID(),
        messageId: msg.groupByMember,
        userId: member.user.id,
        callerId: outsider.user.id,
      });
      expect(answer(nowhere)).toEqual(refused(404, 'CONVERSATION_NOT_FOUND'));
      expect(nowhere.json().requestId).toBe(nowhere.headers.get('x-request-id'));
      const reference = comparable(nowhere);

      for (const [conversationId, messageId] of [
        [group, msg.groupByMember],
        [direct, msg.directByMember],
      ]) {
        const response = await call(t, outsider, route, {
          conversationId,
          messageId,
          userId: member.user.id,
          callerId: outsider.user.id,
        });
        expect(comparable(response)).toEqual(reference);
      }
      await expectUntouched();
    });
  });

  describe('without a token', () => {
    it.each(ROUTES)('$route: 401 UNAUTHORIZED', async (route) => {
      const response = await call(t, null, route, {
        conversationId: group,
        messageId: msg.groupByMember,
        userId: member.user.id,
        callerId: member.user.id,
      });
      expect(answer(response)).toEqual(refused(401, 'UNAUTHORIZED'));
      await expectUntouched();
    });
  });

  type Role = 'owner' | 'admin' | 'member';
  interface Refusal {
    who: Role;
    action: string;
    method: string;
    path: () => string;
    body?: () => unknown;
    status: number;
    code: string;
  }
  const NOT_AUTHOR = { status: 403, code: 'NOT_MESSAGE_AUTHOR' };
  const NOT_ADMIN = { status: 403, code: 'NOT_GROUP_ADMIN' };
  const NOT_OWNER = { status: 403, code: 'NOT_GROUP_OWNER' };
  const edit = () => ({ body: 'rewritten by someone else' });

  const REFUSALS: Refusal[] = [
    // A plain member.
    {
      who: 'member',
      action: "edits the owner's group message",
      method: 'PATCH',
      path: () => `/${group}/messages/${msg.groupByOwner}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: "edits an admin's group message",
      method: 'PATCH',
      path: () => `/${group}/messages/${msg.groupByAdmin}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: "deletes the owner's group message",
      method: 'DELETE',
      path: () => `/${group}/messages/${msg.groupByOwner}`,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: "deletes an admin's group message",
      method: 'DELETE',
      path: () => `/${group}/messages/${msg.groupByAdmin}`,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: "edits the other side's direct message",
      method: 'PATCH',
      path: () => `/${direct}/messages/${msg.directByOwner}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: "deletes the other side's direct message",
      method: 'DELETE',
      path: () => `/${direct}/messages/${msg.directByOwner}`,
      ...NOT_AUTHOR,
    },
    {
      who: 'member',
      action: 'removes another plain member',
      method: 'DELETE',
      path: () => `/${group}/members/${member2.user.id}`,
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'removes an admin',
      method: 'DELETE',
      path: () => `/${group}/members/${admin.user.id}`,
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'removes the owner',
      method: 'DELETE',
      path: () => `/${group}/members/${owner.user.id}`,
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'adds someone',
      method: 'POST',
      path: () => `/${group}/members`,
      body: () => ({ userIds: [outsider.user.id] }),
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'renames the group',
      method: 'PATCH',
      path: () => `/${group}`,
      body: () => ({ title: 'Renamed by a member' }),
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'renames the group and mutes it in one request (nothing is applied)',
      method: 'PATCH',
      path: () => `/${group}`,
      body: () => ({ title: 'Renamed by a member', muted: true }),
      ...NOT_ADMIN,
    },
    {
      who: 'member',
      action: 'promotes another member',
      method: 'PATCH',
      path: () => `/${group}/members/${member2.user.id}`,
      body: () => ({ role: 'admin' }),
      ...NOT_OWNER,
    },
    {
      who: 'member',
      action: 'promotes themself',
      method: 'PATCH',
      path: () => `/${group}/members/${member.user.id}`,
      body: () => ({ role: 'admin' }),
      ...NOT_OWNER,
    },
    {
      who: 'member',
      action: 'demotes an admin',
      method: 'PATCH',
      path: () => `/${group}/members/${admin.user.id}`,
      body: () => ({ role: 'member' }),
      ...NOT_OWNER,
    },
    // An admin.
    {
      who: 'admin',
      action: "edits the owner's message",
      method: 'PATCH',
      path: () => `/${group}/messages/${msg.groupByOwner}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'admin',
      action: "edits a plain member's message",
      method: 'PATCH',
      path: () => `/${group}/messages/${msg.groupByMember}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'admin',
      action: 'removes the owner',
      method: 'DELETE',
      path: () => `/${group}/members/${owner.user.id}`,
      ...NOT_ADMIN,
    },
    {
      who: 'admin',
      action: 'removes another admin',
      method: 'DELETE',
      path: () => `/${group}/members/${admin2.user.id}`,
      ...NOT_ADMIN,
    },
    {
      who: 'admin',
      action: 'promotes a plain member',
      method: 'PATCH',
      path: () => `/${group}/members/${member.user.id}`,
      body: () => ({ role: 'admin' }),
      ...NOT_OWNER,
    },
    {
      who: 'admin',
      action: 'demotes another admin',
      method: 'PATCH',
      path: () => `/${group}/members/${admin2.user.id}`,
      body: () => ({ role: 'member' }),
      ...NOT_OWNER,
    },
    {
      who: 'admin',
      action: "changes the owner's role",
      method: 'PATCH',
      path: () => `/${group}/members/${owner.user.id}`,
      body: () => ({ role: 'member' }),
      ...NOT_OWNER,
    },
    // The owner: messages belong to their authors, and a direct conversation has no moderator.
    {
      who: 'owner',
      action: "edits a member's group message",
      method: 'PATCH',
      path: () => `/${group}/messages/${msg.groupByMember}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'owner',
      action: "edits the other side's direct message",
      method: 'PATCH',
      path: () => `/${direct}/messages/${msg.directByMember}`,
      body: edit,
      ...NOT_AUTHOR,
    },
    {
      who: 'owner',
      action: "deletes the other side's direct message",
      method: 'DELETE',
      path: () => `/${direct}/messages/${msg.directByMember}`,
      ...NOT_AUTHOR,
    },
  ];

  describe('members without the right', () => {
    it.each(REFUSALS)('the $who $action: $status $code, nothing changes', async (refusal) => {
      const who = { owner, admin, member }[refusal.who];
      const response = await as(who).call(refusal.method, refusal.path(), refusal.body?.());
      expect(answer(response)).toEqual(refused(refusal.status, refusal.code));
      await expectUntouched();
    });
  });

  describe('what owners and admins may do', () => {
    it('the owner promotes, renames, adds, deletes any message, removes admins and members', async () => {
      const [a, m, newcomer] = await Promise.all([register(t), register(t), register(t)]);
      const id = expectStatus<{ id: string }>(await as(owner).createGroup('Owned', [a, m]), 201).id;
      const ownerChat = as(owner);

      const promoted = expectStatus(
        await ownerChat.call('PATCH', `/${id}/members/${a.user.id}`, { role: 'admin' }),
        200,
      );
      expect(promoted.members).toContainEqual(expect.objectContaining({ userId: a.user.id, role: 'admin' }));
      const renamed = expectStatus(await ownerChat.call('PATCH', `/${id}`, { title: 'Renamed by the owner' }), 200);
      expect(renamed.title).toBe('Renamed by the owner');
      const grown = expectStatus(await ownerChat.call('POST', `/${id}/members`, { userIds: [newcomer.user.id] }), 200);
      expect(grown.members).toContainEqual(expect.objectContaining({ userId: newcomer.user.id, role: 'member' }));

      const byAdmin = await sent(a, id, 'from the admin');
      const byMember = await sent(m, id, 'from the member');
      const byOwner = await sent(owner, id, 'from the owner');
      expect(answer(await ownerChat.call('DELETE', `/${id}/messages/${byAdmin}`))).toEqual({ status: 204, body: '' });
      expect(answer(await ownerChat.call('DELETE', `/${id}/messages/${byMember}`))).toEqual({ status: 204, body: '' });
      const edited = expectStatus(await ownerChat.call('PATCH', `/${id}/messages/${byOwner}`, { body: 'edited' }), 200);
      expect(edited).toMatchObject({ id: byOwner, body: 'edited', editedAt: expect.any(String) });

      const demoted = expectStatus(
        await ownerChat.call('PATCH', `/${id}/members/${a.user.id}`, { role: 'member' }),
        200,
      );
      expect(demoted.members).toContainEqual(expect.objectContaining({ userId: a.user.id, role: 'member' }));
      await ownerChat.call('PATCH', `/${id}/members/${a.user.id}`, { role: 'admin' });
      expect(answer(await ownerChat.call('DELETE', `/${id}/members/${a.user.id}`))).toEqual({ status: 204, body: '' });
      expect(answer(await ownerChat.call('DELETE', `/${id}/members/${m.user.id}`))).toEqual({ status: 204, body: '' });

      const detail = expectStatus(await ownerChat.detail(id), 200);
      expect(detail.members.map((x: { userId: string }) => x.userId).sort()).toEqual(
        [owner.user.id, newcomer.user.id].sort(),
      );
      const changes = expectStatus(await ownerChat.sync(id, '?since=0'), 200);
      expect(changes.lastSeq).toBe(3);
      expect(changes.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: byAdmin, body: '', deletedAt: expect.any(String) }),
          expect.objectContaining({ id: byMember, body: '', deletedAt: expect.any(String) }),
          expect.objectContaining({ id: byOwner, body: 'edited' }),
        ]),
      );
    });

    it('an admin renames, adds, deletes a member’s message and removes a plain member, but not the owner or another admin', async () => {
      const [a, a2, m, newcomer] = await Promise.all([register(t), register(t), register(t), register(t)]);
      const id = expectStatus<{ id: string }>(await as(owner).createGroup('Moderated', [a, a2, m]), 201).id;
      for (const promoted of [a, a2]) {
        expectStatus(await as(owner).call('PATCH', `/${id}/members/${promoted.user.id}`, { role: 'admin' }), 200);
      }
      const adminChat = as(a);

      expect(expectStatus(await adminChat.call('PATCH', `/${id}`, { title: 'Renamed by an admin' }), 200).title).toBe(
        'Renamed by an admin',
      );
      expectStatus(await adminChat.call('POST', `/${id}/members`, { userIds: [newcomer.user.id] }), 200);
      const byMember = await sent(m, id, 'from the member');
      const byOtherAdmin = await sent(a2, id, 'from the other admin');
      expect(answer(await adminChat.call('DELETE', `/${id}/messages/${byMember}`))).toEqual({ status: 204, body: '' });
      expect(answer(await adminChat.call('DELETE', `/${id}/messages/${byOtherAdmin}`))).toEqual({
        status: 204,
        body: '',
      });

      expect(answer(await adminChat.call('DELETE', `/${id}/members/${owner.user.id}`))).toEqual(
        refused(403, 'NOT_GROUP_ADMIN'),
      );
      expect(answer(await adminChat.call('DELETE', `/${id}/members/${a2.user.id}`))).toEqual(
        refused(403, 'NOT_GROUP_ADMIN'),
      );
      expect(answer(await adminChat.call('DELETE', `/${id}/members/${newcomer.user.id}`))).toEqual({
        status: 204,
        body: '',
      });
      expect(answer(await adminChat.call('DELETE', `/${id}/members/${m.user.id}`))).toEqual({ status: 204, body: '' });

      const detail = expectStatus(await as(owner).detail(id), 200);
      expect(detail.members.map((x: { userId: string }) => x.userId).sort()).toEqual(
        [owner.user.id, a.user.id, a2.user.id].sort(),
      );
    });
  });

  describe('after leaving a group', () => {
    it('a removed member, and one who left, get 404 CONVERSATION_NOT_FOUND on every route and store nothing', async () => {
      const [removed, leaver] = await Promise.all([register(t), register(t)]);
      const id = expectStatus<{ id: string }>(await as(owner).createGroup('Left behind', [removed, leaver]), 201).id;
      const kept = await sent(removed, id, 'before removal');
      await sent(leaver, id, 'before leaving');
      expect(answer(await as(owner).call('DELETE', `/${id}/members/${removed.user.id}`))).toEqual({
        status: 204,
        body: '',
      });
      expect(answer(await as(leaver).call('DELETE', `/${id}/members/${leaver.user.id}`))).toEqual({
        status: 204,
        body: '',
      });
      const state = async () => ({
        detail: expectStatus(await as(owner).detail(id), 200),
        changes: expectStatus(await as(owner).sync(id, '?since=0'), 200),
      });
      const snapshot = await state();
      expect(snapshot.changes.lastSeq).toBe(2);

      for (const gone of [removed, leaver]) {
        for (const route of ROUTES) {
          const response = await call(t, gone, route, {
            conversationId: id,
            messageId: kept,
            userId: owner.user.id,
            callerId: gone.user.id,
          });
          expect({ route: route.route, ...answer(response) }).toEqual({
            route: route.route,
            ...refused(404, 'CONVERSATION_NOT_FOUND'),
          });
        }
        expect(expectStatus(await as(gone).list(), 200).items.map((item: { id: string }) => item.id)).not.toContain(id);
      }
      expect(await state()).toEqual(snapshot);
    });
    it('an id written in upper case is the same conversation: after removal, 404 on every route in either case', async () => {
      const removed = await register(t);
      const id = expectStatus<{ id: string }>(await as(owner).createGroup('Shouted', [removed]), 201).id;
      const [upper, message] = [id.toUpperCase(), (await sent(removed, id.toUpperCase(), 'loud')).toUpperCase()];
      // Reads under the upper-case id fill the same cache entries the removal then clears.
      expect(expectStatus(await as(removed).detail(upper), 200).id).toBe(id);
      expect(expectStatus(await as(removed).messages(upper), 200).items).toHaveLength(1);
      expectStatus(await as(owner).call('DELETE', `/${upper}/members/${removed.user.id.toUpperCase()}`), 204);
      for (const route of ROUTES) {
        const response = await call(t, removed, route, {
          conversationId: upper,
          messageId: message,
          userId: owner.user.id.toUpperCase(),
          callerId: removed.user.id.toUpperCase(),
        });
        expect({ route: route.route, ...answer(response) }).toEqual({
          route: route.route,
          ...refused(404, 'CONVERSATION_NOT_FOUND'),
        });
      }
    });
  });

  describe('message requests', () => {
    it('the recipient of a request may neither send nor react until accepting, and nothing is stored', async () => {
      const [sender, recipient] = await Promise.all([register(t), register(t)]);
      const id = expectStatus<{ id: string }>(await as(sender).openDirect(recipient), 201).id;
      expect(expectStatus(await as(sender).openDirect(recipient), 200).id).toBe(id);
      expect(expectStatus(await as(recipient).detail(id), 200).status).toBe('pending');
      const first = await sent(sender, id, 'hi, stranger');

      expect(answer(await as(recipient).send(id, 'hello back'))).toEqual(refused(403, 'REQUEST_PENDING'));
      expect(answer(await as(recipient).call('PUT', `/${id}/messages/${first}/reactions/${REACTION}`))).toEqual(
        refused(403, 'REQUEST_PENDING'),
      );
      const changes = expectStatus(await as(sender).sync(id, '?since=0'), 200);
      expect(changes.lastSeq).toBe(1);
      expect(changes.items).toEqual([expect.objectContaining({ id: first, reactions: {} })]);

      const accepted = expectStatus(await as(recipient).call('POST', `/${id}/accept`), 200);
      expect(accepted).toMatchObject({ id, status: 'accepted' });
      expectStatus(await as(recipient).send(id, 'hello back'), 201);
      expect(expectStatus(await as(sender).sync(id, '?since=0'), 200).lastSeq).toBe(2);
    });

    it('after a decline the sender gets 403 REQUEST_DECLINED and nothing is stored', async () => {
      const [sender, recipient] = await Promise.all([register(t), register(t)]);
      const id = expectStatus<{ id: string }>(await as(sender).openDirect(recipient), 201).id;
      await sent(sender, id, 'hi, stranger');
      expect(answer(await as(recipient).call('POST', `/${id}/decline`))).toEqual({ status: 204, body: '' });

      expect(answer(await as(sender).send(id, 'are you there?'))).toEqual(refused(403, 'REQUEST_DECLINED'));
      expect(answer(await as(recipient).send(id, 'no'))).toEqual(refused(403, 'REQUEST_DECLINED'));
      expect(expectStatus(await as(sender).sync(id, '?since=0'), 200).lastSeq).toBe(1);
      expect(expectStatus(await as(recipient).list(), 200).items.map((item: { id: string }) => item.id)).not.toContain(
        id,
      );
    });
  });

  describe('blocks', () => {
    it('across a block, either side gets 403 BLOCKED on send, react and open, and nothing is stored', async () => {
      const [blocker, blocked] = await Promise.all([register(t), register(t)]);
      // A shared group makes the direct conversation an accepted one from the start.
      expectStatus(await as(blocker).createGroup('Acquaintances', [blocked]), 201);
      const id = expectStatus<{ id: string }>(await as(blocked).openDirect(blocker), 201).id;
      const fromBlocked = await sent(blocked, id, 'hello');
      const fromBlocker = await sent(blocker, id, 'hello to you');
      const block = await t.request('POST', `/api/v1/users/${blocked.user.id}/block`, {
        headers: bearer(blocker.accessToken),
      });
      expect(block.status).toBe(204);

      for (const [who, other, message] of [
        [blocked, blocker, fromBlocker],
        [blocker, blocked, fromBlocked],
      ] as const) {
        expect(answer(await as(who).send(id, 'still there?'))).toEqual(refused(403, 'BLOCKED'));
        expect(answer(await as(who).openDirect(other))).toEqual(refused(403, 'BLOCKED'));
        expect(answer(await as(who).call('PUT', `/${id}/messages/${message}/reactions/${REACTION}`))).toEqual(
          refused(403, 'BLOCKED'),
        );
      }
      const changes = expectStatus(await as(blocker).sync(id, '?since=0'), 200);
      expect(changes.lastSeq).toBe(2);
      expect(changes.items.map((item: { id: string; reactions: object }) => [item.id, item.reactions])).toEqual([
        [fromBlocked, {}],
        [fromBlocker, {}],
      ]);
    });
  });
});
