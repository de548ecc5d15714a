import { randomUUID } from 'node:crypto';
import { bearer, register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach, refusedWith, request, type ClientSocket } from '../support/socket-client.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

/**
 * Real time across two app instances sharing Postgres and Redis.
 * `config` adds settings to both instances (a Redis Cluster, say).
 */
export function realTimeAcrossInstances(config: () => Partial<AppConfig> = () => ({})): void {
  describe('real time across two instances', () => {
    let one: TestApp;
    let two: TestApp;
    const { connect } = socketsClosedAfterEach();

    beforeAll(async () => ([one, two] = await startTwoTestApps(config())));
    afterAll(() => Promise.all([one.close(), two.close()]));

    const pair = async () => {
      const [ann, bob] = [await register(one), await register(one)];
      const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('pair', [bob]), 201).id;
      return { ann, bob, id };
    };

    it('refuses handshakes without a valid, unrevoked token', async () => {
      const { ann } = await pair();
      expect(await refusedWith(one.baseUrl, undefined)).toBe('UNAUTHORIZED');
      expect(await refusedWith(one.baseUrl, 'not-a-jwt')).toBe('UNAUTHORIZED');
      expect(await refusedWith(two.baseUrl, `${ann.accessToken}x`)).toBe('UNAUTHORIZED');
      expect(await refusedWith(two.baseUrl, ann.accessToken)).toBe('connected');
      await one.request('POST', '/api/v1/auth/logout', { headers: bearer(ann.accessToken) });
      expect(await refusedWith(two.baseUrl, ann.accessToken)).toBe('UNAUTHORIZED');
    });

    it('delivers a message sent on instance 1 to a member connected to instance 2, from REST and from the socket', async () => {
      const { ann, bob, id } = await pair();
      const bobs = collect(await connect(two, bob), 'message.created');
      const annSocket = await connect(one, ann);
      const annSees = collect(annSocket, 'message.created');

      const rest = expectStatus(await chat(one, ann).send(id, 'over REST'), 201);
      const ack = await request(annSocket, 'message.send', {
        conversationId: id,
        clientMessageId: randomUUID(),
        body: 'over the socket',
      });
      expect(ack).toMatchObject({ ok: true, data: { seq: 2, body: 'over the socket' } });
      await bobs.until((items) => items.length === 2);
      expect(bobs.received.map((event) => [event.conversationId, event.message.seq, event.message.body])).toEqual([
        [id, 1, 'over REST'],
        [id, 2, 'over the socket'],
      ]);
      expect(bobs.received[0].message).toEqual(rest);
      await annSees.until((items) => items.length === 2);
    });

    it('delivers a message sent to a conversation id written in upper case, as the id the members joined', async () => {
      const { ann, bob, id } = await pair();
      const bobs = collect(await connect(two, bob), 'message.created');
      const annSocket = await connect(one, ann);
      expectStatus(await chat(one, ann).send(id.toUpperCase(), 'shouted over REST'), 201);
      const ack = await request(annSocket, 'message.send', {
        conversationId: id.toUpperCase(),
        clientMessageId: randomUUID(),
        body: 'shouted over the socket',
      });
      expect(ack).toMatchObject({ ok: true });
      await bobs.until((items) => items.length === 2);
      expect(bobs.received.map((event) => [event.conversationId, event.message.body])).toEqual([
        [id, 'shouted over REST'],
        [id, 'shouted over the socket'],
      ]);
    });

    it('carries typing, read and edits across instances, to the other members only', async () => {
      const { ann, bob, id } = await pair();
      const annSocket = await connect(one, ann);
      const bobSocket = await connect(two, bob);
      const bobTyping = collect(bobSocket, 'typing');
      const annTyping = collect(annSocket, 'typing');
      const annReads = collect(annSocket, 'read');
      const bobUpdates = collect(bobSocket, 'message.updated');

      expect(await request(annSocket, 'typing.start', { conversationId: id })).toEqual({ ok: true, data: null });
      await bobTyping.until((items) => items.length === 1);
      expect(bobTyping.received[0]).toEqual({ conversationId: id, userId: ann.user.id, isTyping: true });
      await request(annSocket, 'typing.stop', { conversationId: id });
      await bobTyping.until((items) => items.some((item) => !item.isTyping));
      expect(annTyping.received).toEqual([]);

      const sent = expectStatus(await chat(one, ann).send(id, 'read me'), 201);
      expect(await request(bobSocket, 'conversation.read', { conversationId: id, seq: sent.seq })).toEqual({
        ok: true,
        data: { conversationId: id, lastReadSeq: 1, unreadCount: 0, unreadMentionCount: 0 },
      });
      await annReads.until((items) => items.some((item) => item.userId === bob.user.id && item.seq === 1));

      expectStatus(await chat(one, ann).call('PATCH', `/${id}/messages/${sent.id}`, { body: 'edited' }), 200);
      await bobUpdates.until((items) => items.some((item) => item.message.body === 'edited'));
    });

    it('shows presence across instances: online on the first socket, offline after the last', async () => {
      const { ann, bob } = await pair();
      const annSocket = await connect(one, ann);
      const presence = collect(annSocket, 'presence');
      const first = await connect(two, bob);
      await presence.until((items) => items.some((item) => item.userId === bob.user.id && item.online));
      const second = await connect(one, bob);
      const query = await request(annSocket, 'presence.query', { userIds: [bob.user.id, ann.user.id] });
      expect(query).toMatchObject({
        ok: true,
        data: {
          items: [
            { userId: bob.user.id, online: true },
            { userId: ann.user.id, online: true },
          ],
        },
      });

      first.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(presence.received.filter((item) => item.userId === bob.user.id).map((item) => item.online)).toEqual([
        true,
      ]);
      second.close();
      await presence.until((items) => items.some((item) => item.userId === bob.user.id && !item.online));
      const rest = await two.request('GET', `/api/v1/users/${bob.user.id}/presence`, {
        headers: bearer(ann.accessToken),
      });
      expect(rest.json()).toMatchObject({ userId: bob.user.id, online: false });
      expect(rest.json().lastSeenAt).not.toBeNull();
    });

    it('disconnects the same session on the other instance at logout, with session.revoked first', async () => {
      const { ann } = await pair();
      const other = await register(one);
      const socket = await connect(two, ann);
      const otherSocket = await connect(two, other);
      const order: string[] = [];
      socket.on('session.revoked', ({ sessionId }) => order.push(`revoked ${sessionId}`));
      const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
      expect((await one.request('POST', '/api/v1/auth/logout', { headers: bearer(ann.accessToken) })).status).toBe(204);
      expect(await closed).toBe('io server disconnect');
      expect(order).toEqual([`revoked ${ann.sessionId}`]);
      expect(otherSocket.connected).toBe(true);
    });

    it('gives a member who reconnects elsewhere exactly the 50 messages they missed, in order, through sync', async () => {
      const { ann, bob, id } = await pair();
      const senders = [ann, ...(await Promise.all(range(2).map(() => register(one))))];
      await chat(one, ann).call('POST', `/${id}/members`, { userIds: senders.slice(1).map((s) => s.user.id) });
      const first = expectStatus(await chat(one, ann).send(id, 'seen'), 201);
      const bobSocket = await connect(two, bob);
      bobSocket.close();
      for (const i of range(50))
        expectStatus(await chat(i % 2 ? one : two, senders[i % 3]).send(id, `missed ${i}`), 201);
      const back = await connect(one, bob);
      const reply = await request(back, 'sync', { conversationId: id, since: first.seq });
      expect(reply.ok).toBe(true);
      expect(reply.ok && reply.data.items.map((item: { body: string }) => item.body)).toEqual(
        range(50).map((i) => `missed ${i}`),
      );
      expect(reply.ok && reply.data.lastSeq).toBe(51);
    });

    it('answers bad or unauthorized events in the ack with the error shape, and never crashes', async () => {
      const { ann, id } = await pair();
      const outsider = await register(one);
      const socket = await connect(one, outsider);
      const notMember = await request(socket, 'message.send', {
        conversationId: id,
        clientMessageId: randomUUID(),
        body: 'hi',
      });
      expect(notMember).toMatchObject({ ok: false, error: { statusCode: 404, code: 'CONVERSATION_NOT_FOUND' } });
      const invalid = await request(socket, 'message.send', { conversationId: 'nope', body: '' });
      expect(invalid).toMatchObject({ ok: false, error: { statusCode: 400, code: 'VALIDATION_FAILED' } });
      const fields = invalid.ok ? [] : (invalid.error.details ?? []).map((detail: { field?: string }) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['body', 'clientMessageId', 'conversationId']));
      for (const payload of [null, 'text', 42, [], { conversationId: id, seq: -1 }]) {
        const reply = await request(socket, 'conversation.read', payload);
        expect(reply).toMatchObject({ ok: false, error: { statusCode: 400 } });
      }
      expect(await request(socket, 'sync', { conversationId: id, since: 0 })).toMatchObject({
        ok: false,
        error: { statusCode: 404 },
      });
      expect(socket.connected).toBe(true);
      const annSocket = await connect(two, ann);
      expect(await request(annSocket, 'sync', { conversationId: id, since: 0 })).toMatchObject({ ok: true });
    });

    it('limits sockets per user, events per socket, and payload size', async () => {
      const { ann } = await pair();
      const open: ClientSocket[] = [];
      for (const i of range(10)) open.push(await connect(i % 2 ? one : two, ann));
      expect(await refusedWith(one.baseUrl, ann.accessToken)).toBe('RATE_LIMITED');
      open[0].close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await refusedWith(two.baseUrl, ann.accessToken)).toBe('connected');

      const socket = open[1];
      const replies = await Promise.all(
        range(60).map(() => request(socket, 'presence.query', { userIds: [ann.user.id] })),
      );
      const limited = replies.filter((reply) => !reply.ok && reply.error.code === 'RATE_LIMITED');
      expect(limited.length).toBeGreaterThan(0);
      expect(replies.filter((reply) => reply.ok).length).toBeGreaterThanOrEqual(40);

      const closed = new Promise<string>((resolve) => open[2].on('disconnect', (reason) => resolve(reason)));
      open[2].emit('typing.start', { conversationId: 'x'.repeat(70_000) }, () => undefined);
      expect(await closed).toBe('transport close');
    });
  });
}
