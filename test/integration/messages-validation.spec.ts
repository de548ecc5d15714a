import { randomUUID } from 'node:crypto';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';

const parsed = (response: HttpResponse) => {
  try {
    return response.json();
  } catch {
    return response.text;
  }
};

/** A 400 VALIDATION_FAILED in the error shape, naming `field` among its details. */
const invalid = (field: string) => ({
  status: 400,
  body: expect.objectContaining({
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: expect.any(String),
    requestId: expect.any(String),
    details: expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]),
  }),
});

/** Status and body together, so that a failure shows what the server answered. */
const answer = (response: HttpResponse) => ({ status: response.status, body: parsed(response) });

const attachment = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://files.example.com/photo.png',
  mimeType: 'image/png',
  size: 1024,
  name: 'photo.png',
  ...overrides,
});

const withoutName = () => {
  const rest: Record<string, unknown> = attachment();
  delete rest.name;
  return rest;
};

describe('message and conversation input validation', () => {
  let t: TestApp;
  let owner: SignedIn;
  /** Each sender stays well under the 30 sends a minute, refused sends included. */
  let senders: Record<'bodies' | 'ids' | 'attachments' | 'replies', SignedIn>;
  let conversation: string;
  let elsewhere: string;
  let elsewhereMessage: string;
  let ownerMessage: string;
  /** The messages stored in `conversation`, in the order they were accepted. */
  const accepted: { id: string; body: string }[] = [];

  const as = (who: SignedIn) => chat(t, who);
  const post = (who: SignedIn, payload: unknown, id = conversation) => as(who).call('POST', `/${id}/messages`, payload);
  const expectAccepted = (response: HttpResponse) => {
    const message = expectStatus<{ id: string; body: string; seq: number }>(response, 201);
    accepted.push({ id: message.id, body: message.body });
    expect(message.seq).toBe(accepted.length);
    return message;
  };
  const lastSeq = async () => expectStatus<{ lastSeq: number }>(await as(owner).sync(conversation), 200).lastSeq;

  beforeAll(async () => {
    t = await startTestApp();
    const users = await Promise.all(Array.from({ length: 5 }, () => register(t)));
    owner = users[0];
    senders = { bodies: users[1], ids: users[2], attachments: users[3], replies: users[4] };
    conversation = expectStatus<{ id: string }>(await as(owner).createGroup('Limits', users.slice(1)), 201).id;
    elsewhere = expectStatus<{ id: string }>(await as(owner).createGroup('Elsewhere', [senders.replies]), 201).id;
    elsewhereMessage = expectStatus<{ id: string }>(await as(owner).send(elsewhere, 'in another conversation'), 201).id;
    ownerMessage = expectAccepted(await as(owner).send(conversation, 'the first message')).id;
  });
  afterAll(() => t.close());

  describe('POST /:id/messages', () => {
    const ok = () => ({ clientMessageId: randomUUID(), body: 'hello' });
    const rows: { name: string; sender: keyof typeof senders; payload: () => unknown; field: string }[] = [
      { name: 'an empty body', sender: 'bodies', payload: () => ({ ...ok(), body: '' }), field: 'body' },
      { name: 'a whitespace-only body', sender: 'bodies', payload: () => ({ ...ok(), body: ' \n\t ' }), field: 'body' },
      {
        name: 'a body of 4001 characters',
        sender: 'bodies',
        payload: () => ({ ...ok(), body: 'x'.repeat(4001) }),
        field: 'body',
      },
      { name: 'a numeric body', sender: 'bodies', payload: () => ({ ...ok(), body: 42 }), field: 'body' },
      { name: 'an array body', sender: 'bodies', payload: () => ({ ...ok(), body: ['hello'] }), field: 'body' },
      { name: 'a null body', sender: 'bodies', payload: () => ({ ...ok(), body: null }), field: 'body' },
      {
        name: 'no body',
        sender: 'bodies',
        payload: () => ({ clientMessageId: randomUUID() }),
        field: 'body',
      },
      {
        name: 'no clientMessageId',
        sender: 'ids',
        payload: () => ({ body: 'hello' }),
        field: 'clientMessageId',
      },
      {
        name: 'a clientMessageId that is not a UUID',
        sender: 'ids',
        payload: () => ({ ...ok(), clientMessageId: 'message-1' }),
        field: 'clientMessageId',
      },
      {
        name: 'a numeric clientMessageId',
        sender: 'ids',
        payload: () => ({ ...ok(), clientMessageId: 12345 }),
        field: 'clientMessageId',
      },
      {
        name: '11 attachments',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: Array.from({ length: 11 }, () => attachment()) }),
        field: 'attachments',
      },
      {
        name: 'attachments that are not an array',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: attachment() }),
        field: 'attachments',
      },
      {
        name: 'an attachment whose url is not a URL',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [attachment({ url: 'not a url' })] }),
        field: 'attachments.0.url',
      },
      {
        name: 'an attachment whose url is not http(s)',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [attachment(), attachment({ url: 'javascript:alert(1)' })] }),
        field: 'attachments.1.url',
      },
      {
        name: 'an attachment without a name',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [withoutName()] }),
        field: 'attachments.0.name',
      },
      {
        name: 'an attachment with a negative size',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [attachment({ size: -1 })] }),
        field: 'attachments.0.size',
      },
      {
        name: 'an attachment with a non-integer size',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [attachment({ size: 1.5 })] }),
        field: 'attachments.0.size',
      },
      {
        name: 'an attachment with an unknown field',
        sender: 'attachments',
        payload: () => ({ ...ok(), attachments: [attachment({ thumbnail: 'x' })] }),
        field: 'attachments.0.thumbnail',
      },
      {
        name: 'a replyToId that is not a UUID',
        sender: 'replies',
        payload: () => ({ ...ok(), replyToId: 'the-last-one' }),
        field: 'replyToId',
      },
      {
        name: 'a replyToId of a message in another conversation',
        sender: 'replies',
        payload: () => ({ ...ok(), replyToId: elsewhereMessage }),
        field: 'replyToId',
      },
      {
        name: 'a replyToId of no message at all',
        sender: 'replies',
        payload: () => ({ ...ok(), replyToId: randomUUID() }),
        field: 'replyToId',
      },
      {
        name: 'an unknown extra field',
        sender: 'replies',
        payload: () => ({ ...ok(), pinned: true }),
        field: 'pinned',
      },
    ];

    it.each(rows)('refuses $name: 400 naming $field', async ({ sender, payload, field }) => {
      expect(answer(await post(senders[sender], payload()))).toEqual(invalid(field));
    });

    it('accepts a body of exactly 4000 characters', async () => {
      const message = expectAccepted(await as(senders.bodies).send(conversation, 'y'.repeat(4000)));
      expect(message.body).toHaveLength(4000);
    });

    it('accepts exactly 10 attachments', async () => {
      const attachments = Array.from({ length: 10 }, (_, i) => attachment({ name: `file-${i}.png`, size: 0 }));
      const message = expectAccepted(await as(senders.attachments).send(conversation, 'ten files', { attachments }));
      expect(message).toMatchObject({ attachments });
    });

    it('accepts a reply to a message of the same conversation', async () => {
      const message = expectAccepted(
        await as(senders.replies).send(conversation, 'a reply', { replyToId: ownerMessage }),
      );
      expect(message).toMatchObject({ replyToId: ownerMessage });
    });

    it('refuses a message id that is not a UUID in the path: 400 naming id', async () => {
      const response = await post(senders.ids, ok(), 'not-a-uuid');
      expect(answer(response)).toEqual(invalid('id'));
    });
  });

  describe('a NUL character anywhere in a JSON body', () => {
    const rows: { name: string; method: string; path: () => string; payload: () => unknown }[] = [
      {
        name: 'inside a message body',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({ clientMessageId: randomUUID(), body: 'before\u0000after' }),
      },
      {
        name: 'as a whole message body',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({ clientMessageId: randomUUID(), body: '\u0000' }),
      },
      {
        name: 'in a clientMessageId',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({ clientMessageId: `${randomUUID()}\u0000`, body: 'hello' }),
      },
      {
        name: 'in an attachment name',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({
          clientMessageId: randomUUID(),
          body: 'hello',
          attachments: [attachment({ name: 'a\u0000.png' })],
        }),
      },
      {
        name: 'in an attachment url',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({
          clientMessageId: randomUUID(),
          body: 'hello',
          attachments: [attachment({ url: 'https://files.example.com/\u0000.png' })],
        }),
      },
      {
        name: 'in a field name',
        method: 'POST',
        path: () => `/${conversation}/messages`,
        payload: () => ({ clientMessageId: randomUUID(), body: 'hello', ['bo\u0000dy']: 'x' }),
      },
      {
        name: 'in an edited body',
        method: 'PATCH',
        path: () => `/${conversation}/messages/${ownerMessage}`,
        payload: () => ({ body: 'edited\u0000' }),
      },
      {
        name: 'in a new group title',
        method: 'POST',
        path: () => '',
        payload: () => ({ type: 'group', title: 'Group\u0000', memberIds: [senders.bodies.user.id] }),
      },
      {
        name: 'in a changed title',
        method: 'PATCH',
        path: () => `/${conversation}`,
        payload: () => ({ title: 'Title\u0000' }),
      },
    ];

    it.each(rows)('$name: 400 VALIDATION_FAILED', async ({ method, path, payload }) => {
      const response = await as(owner).call(method, path(), payload());
      expect(answer(response)).toEqual({
        status: 400,
        body: expect.objectContaining({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) }),
      });
    });

    it('a raw NUL byte in the JSON text: 400, not 500', async () => {
      const text = `{"clientMessageId":"${randomUUID()}","body":"raw\u0000byte"}`;
      const response = await t.request('POST', `/api/v1/conversations/${conversation}/messages`, {
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: text,
      });
      expect(answer(response)).toEqual({
        status: 400,
        body: expect.objectContaining({
          statusCode: 400,
          code: expect.stringMatching(/^(VALIDATION_FAILED|MALFORMED_JSON)$/),
        }),
      });
    });
  });

  describe('PATCH /:id/messages/:messageId', () => {
    it.each([
      { name: 'an empty body', payload: { body: '' }, field: 'body' },
      { name: 'a whitespace-only body', payload: { body: '   ' }, field: 'body' },
      { name: 'a body of 4001 characters', payload: { body: 'x'.repeat(4001) }, field: 'body' },
      { name: 'a numeric body', payload: { body: 7 }, field: 'body' },
      { name: 'no body', payload: {}, field: 'body' },
      { name: 'an unknown extra field', payload: { body: 'edited', senderId: randomUUID() }, field: 'senderId' },
    ])('refuses $name: 400 naming $field, and the message stays as it was', async ({ payload, field }) => {
      const response = await as(owner).call('PATCH', `/${conversation}/messages/${ownerMessage}`, payload);
      expect(answer(response)).toEqual(invalid(field));
      const page = expectStatus(await as(owner).messages(conversation, '?after=0&limit=1'), 200);
      expect(page.items[0]).toMatchObject({ id: ownerMessage, body: 'the first message', editedAt: null });
    });
  });

  describe('GET /:id/messages', () => {
    it.each([
      { query: '?before=2&after=1', fields: ['before', 'after'] },
      { query: '?limit=0', fields: ['limit'] },
      { query: '?limit=101', fields: ['limit'] },
      { query: '?limit=abc', fields: ['limit'] },
      { query: '?limit=1.5', fields: ['limit'] },
      { query: '?before=0', fields: ['before'] },
      { query: '?before=abc', fields: ['before'] },
      { query: '?after=-1', fields: ['after'] },
      { query: '?after=abc', fields: ['after'] },
      { query: '?page=2', fields: ['page'] },
    ])('refuses $query: 400 naming $fields', async ({ query, fields }) => {
      const response = await as(owner).messages(conversation, query);
      expect(answer(response)).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED' }) });
      const named = response.json().details.map((detail: { field: string }) => detail.field);
      expect(named.filter((field: string) => fields.includes(field))).not.toHaveLength(0);
    });

    it('accepts limit=100 and limit=1', async () => {
      expectStatus(await as(owner).messages(conversation, '?limit=100'), 200);
      expect(expectStatus(await as(owner).messages(conversation, '?limit=1'), 200).items).toHaveLength(1);
    });
  });

  describe('GET /:id/sync', () => {
    it('refuses since past the last message: 400 naming since', async () => {
      const last = await lastSeq();
      expectStatus(await as(owner).sync(conversation, `?since=${last}`), 200);
      expect(answer(await as(owner).sync(conversation, `?since=${last + 1}`))).toEqual(invalid('since'));
    });

    it.each([
      { query: '?since=-1', field: 'since' },
      { query: '?since=abc', field: 'since' },
      { query: '?since=1.5', field: 'since' },
      { query: '?limit=0', field: 'limit' },
    ])('refuses $query: 400 naming $field', async ({ query, field }) => {
      expect(answer(await as(owner).sync(conversation, query))).toEqual(invalid(field));
    });
  });

  describe('POST /:id/read', () => {
    it('refuses a seq past the last message: 400 naming seq, and the read mark does not move', async () => {
      const last = await lastSeq();
      const before = expectStatus(await as(senders.ids).detail(conversation), 200).lastReadSeq;
      expect(answer(await as(senders.ids).read(conversation, last + 1))).toEqual(invalid('seq'));
      expect(expectStatus(await as(senders.ids).detail(conversation), 200).lastReadSeq).toBe(before);
      expect(expectStatus(await as(senders.ids).read(conversation, last), 200)).toMatchObject({
        conversationId: conversation,
        lastReadSeq: last,
        unreadCount: 0,
      });
    });

    it.each([
      { name: 'a negative seq', payload: { seq: -1 } },
      { name: 'a non-integer seq', payload: { seq: 1.5 } },
      { name: 'a string seq', payload: { seq: '1' } },
      { name: 'no seq', payload: {} },
    ])('refuses $name: 400 naming seq', async ({ payload }) => {
      expect(answer(await as(owner).call('POST', `/${conversation}/read`, payload))).toEqual(invalid('seq'));
    });
  });

  describe('reactions', () => {
    it.each([
      { name: 'longer than 32 characters', emoji: 'a'.repeat(33) },
      { name: 'with a space', emoji: 'thumbs up' },
      { name: 'with a tab', emoji: 'a\tb' },
      { name: 'with a NUL character', emoji: 'a\u0000b' },
      { name: 'that is a word, neither an emoji nor a shortcode', emoji: 'b'.repeat(32) },
    ])('refuses an emoji $name on PUT and DELETE: 400 naming emoji', async ({ emoji }) => {
      for (const method of ['PUT', 'DELETE']) {
        const response = await as(owner).call(
          method,
          `/${conversation}/messages/${ownerMessage}/reactions/${encodeURIComponent(emoji)}`,
        );
        expect(answer(response)).toEqual(invalid('emoji'));
      }
    });

    it('accepts a shortcode of 32 characters between its colons, and removes it', async () => {
      const name = `:${'b'.repeat(32)}:`;
      const path = `/${conversation}/messages/${ownerMessage}/reactions/${name}`;
      expect(expectStatus(await as(owner).call('PUT', path), 200).reactions).toEqual({ [name]: 1 });
      expect(expectStatus(await as(owner).call('DELETE', path), 200).reactions).toEqual({});
    });
  });

  describe('POST / (open or create)', () => {
    const group = (overrides: Record<string, unknown>) => ({
      type: 'group',
      title: 'A group',
      memberIds: [senders.bodies.user.id],
      ...overrides,
    });
    const rows: { name: string; payload: () => unknown; field: string }[] = [
      { name: 'a group with no members', payload: () => group({ memberIds: [] }), field: 'memberIds' },
      { name: 'a group without memberIds', payload: () => group({ memberIds: undefined }), field: 'memberIds' },
      { name: 'a group of only yourself', payload: () => group({ memberIds: [owner.user.id] }), field: 'memberIds' },
      { name: 'a group with an empty title', payload: () => group({ title: '' }), field: 'title' },
      { name: 'a group with a blank title', payload: () => group({ title: '   ' }), field: 'title' },
      { name: 'a group with a 101-character title', payload: () => group({ title: 't'.repeat(101) }), field: 'title' },
      { name: 'a group without a title', payload: () => group({ title: undefined }), field: 'title' },
      { name: 'a group with a non-UUID member', payload: () => group({ memberIds: ['bob'] }), field: 'memberIds' },
      {
        name: 'a group with a duplicated member',
        payload: () => group({ memberIds: [senders.bodies.user.id, senders.bodies.user.id] }),
        field: 'memberIds',
      },
      {
        name: 'a group with an unknown user',
        payload: () => group({ memberIds: [senders.bodies.user.id, randomUUID()] }),
        field: 'memberIds',
      },
      {
        name: 'a group whose memberIds is a string',
        payload: () => group({ memberIds: 'everyone' }),
        field: 'memberIds',
      },
      { name: 'an unknown type', payload: () => group({ type: 'channel' }), field: 'type' },
      {
        name: 'a direct conversation with yourself',
        payload: () => ({ type: 'direct', userId: owner.user.id }),
        field: 'userId',
      },
      {
        name: 'a direct conversation with a non-UUID',
        payload: () => ({ type: 'direct', userId: 'bob' }),
        field: 'userId',
      },
      { name: 'a direct conversation without userId', payload: () => ({ type: 'direct' }), field: 'userId' },
      {
        name: 'an unknown extra field',
        payload: () => ({ type: 'direct', userId: senders.bodies.user.id, isPublic: true }),
        field: 'isPublic',
      },
    ];

    it.each(rows)('refuses $name: 400 naming $field', async ({ payload, field }) => {
      expect(answer(await as(owner).call('POST', '', payload()))).toEqual(invalid(field));
    });

    it('accepts a title of 100 characters, and the refused requests created nothing', async () => {
      const created = expectStatus(await as(owner).createGroup('T'.repeat(100), [senders.ids]), 201);
      expect(created.title).toBe('T'.repeat(100));
      const list = expectStatus(await as(owner).list(), 200);
      expect(list.items.map((item: { id: string }) => item.id).sort()).toEqual(
        [conversation, elsewhere, created.id].sort(),
      );
    });
  });

  describe('PATCH /:id and members', () => {
    it.each([
      {
        name: 'an empty title',
        path: () => `/${conversation}`,
        method: 'PATCH',
        payload: { title: '' },
        field: 'title',
      },
      {
        name: 'a 101-character title',
        path: () => `/${conversation}`,
        method: 'PATCH',
        payload: { title: 'x'.repeat(101) },
        field: 'title',
      },
      {
        name: 'a string muted',
        path: () => `/${conversation}`,
        method: 'PATCH',
        payload: { muted: 'yes' },
        field: 'muted',
      },
      {
        name: 'an unknown field',
        path: () => `/${conversation}`,
        method: 'PATCH',
        payload: { topic: 'x' },
        field: 'topic',
      },
      {
        name: 'no userIds to add',
        path: () => `/${conversation}/members`,
        method: 'POST',
        payload: { userIds: [] },
        field: 'userIds',
      },
      {
        name: 'a non-UUID user to add',
        path: () => `/${conversation}/members`,
        method: 'POST',
        payload: { userIds: ['bob'] },
        field: 'userIds',
      },
      {
        name: 'an unknown role',
        path: () => `/${conversation}/members/${senders.bodies.user.id}`,
        method: 'PATCH',
        payload: { role: 'owner' },
        field: 'role',
      },
    ])('refuses $name: 400 naming $field', async ({ path, method, payload, field }) => {
      expect(answer(await as(owner).call(method, path(), payload))).toEqual(invalid(field));
    });
  });

  describe('path parameters that are not UUIDs', () => {
    const bad = 'not-a-uuid';
    const rows: { route: string; method: string; path: () => string; payload?: () => unknown; field: string }[] = [
      { route: 'GET /:id', method: 'GET', path: () => `/${bad}`, field: 'id' },
      { route: 'PATCH /:id', method: 'PATCH', path: () => `/${bad}`, payload: () => ({ muted: true }), field: 'id' },
      { route: 'DELETE /:id', method: 'DELETE', path: () => `/${bad}`, field: 'id' },
      {
        route: 'POST /:id/members',
        method: 'POST',
        path: () => `/${bad}/members`,
        payload: () => ({ userIds: [senders.bodies.user.id] }),
        field: 'id',
      },
      {
        route: 'PATCH /:id/members/:userId (bad userId)',
        method: 'PATCH',
        path: () => `/${conversation}/members/${bad}`,
        payload: () => ({ role: 'admin' }),
        field: 'userId',
      },
      {
        route: 'DELETE /:id/members/:userId (bad userId)',
        method: 'DELETE',
        path: () => `/${conversation}/members/${bad}`,
        field: 'userId',
      },
      { route: 'POST /:id/accept', method: 'POST', path: () => `/${bad}/accept`, field: 'id' },
      { route: 'POST /:id/decline', method: 'POST', path: () => `/${bad}/decline`, field: 'id' },
      { route: 'POST /:id/read', method: 'POST', path: () => `/${bad}/read`, payload: () => ({ seq: 1 }), field: 'id' },
      { route: 'GET /:id/sync', method: 'GET', path: () => `/${bad}/sync`, field: 'id' },
      { route: 'GET /:id/messages', method: 'GET', path: () => `/${bad}/messages`, field: 'id' },
      {
        route: 'PATCH /:id/messages/:messageId (bad id)',
        method: 'PATCH',
        path: () => `/${bad}/messages/${ownerMessage}`,
        payload: () => ({ body: 'edited' }),
        field: 'id',
      },
      {
        route: 'PATCH /:id/messages/:messageId (bad messageId)',
        method: 'PATCH',
        path: () => `/${conversation}/messages/${bad}`,
        payload: () => ({ body: 'edited' }),
        field: 'messageId',
      },
      {
        route: 'DELETE /:id/messages/:messageId (bad messageId)',
        method: 'DELETE',
        path: () => `/${conversation}/messages/${bad}`,
        field: 'messageId',
      },
      {
        route: 'PUT …/reactions/:emoji (bad messageId)',
        method: 'PUT',
        path: () => `/${conversation}/messages/${bad}/reactions/:ok:`,
        field: 'messageId',
      },
      {
        route: 'DELETE …/reactions/:emoji (bad messageId)',
        method: 'DELETE',
        path: () => `/${conversation}/messages/${bad}/reactions/:ok:`,
        field: 'messageId',
      },
    ];

    it.each(rows)('$route: 400 naming $field', async ({ method, path, payload, field }) => {
      expect(answer(await as(owner).call(method, path(), payload?.()))).toEqual(invalid(field));
    });
  });

  describe('after every refused request', () => {
    it('the conversation holds exactly the accepted messages, numbered 1…n without gaps', async () => {
      const ids = accepted.map((message) => message.id);
      const changes = expectStatus(await as(owner).sync(conversation, '?since=0'), 200);
      expect(changes.lastSeq).toBe(accepted.length);
      expect(changes.hasMore).toBe(false);
      expect(changes.items.map((item: { seq: number }) => item.seq).sort((a: number, b: number) => a - b)).toEqual(
        accepted.map((_, i) => i + 1),
      );
      expect(
        [...changes.items]
          .sort((a: { seq: number }, b: { seq: number }) => a.seq - b.seq)
          .map((item: { id: string }) => item.id),
      ).toEqual(ids);

      const page = expectStatus(await as(senders.replies).messages(conversation, '?after=0&limit=100'), 200);
      expect(
        page.items.map((item: { seq: number; id: string; body: string }) => [item.seq, item.id, item.body]),
      ).toEqual(accepted.map((message, i) => [i + 1, message.id, message.body]));
      expect(page.hasMore).toBe(false);

      const latest = expectStatus(await as(senders.bodies).messages(conversation, '?limit=100'), 200);
      expect(latest.items.map((item: { id: string }) => item.id)).toEqual(ids);
      expect(expectStatus(await as(owner).detail(conversation), 200).lastSeq).toBe(accepted.length);

      const other = expectStatus(await as(owner).sync(elsewhere, '?since=0'), 200);
      expect(other.lastSeq).toBe(1);
      expect(other.items.map((item: { id: string }) => item.id)).toEqual([elsewhereMessage]);
    });
  });
});
