import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { answer, groupWithRoles, moderation } from '../support/moderation-client.js';
import { collect, request, socketsClosedAfterEach, type ClientSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';

interface Conversation {
  id: string;
  slowModeSeconds: number;
  frozen: boolean;
}

describe('slow mode and freeze', () => {
  let one: TestApp;
  let two: TestApp;
  let redis: Redis;
  const { connect } = socketsClosedAfterEach();
  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      MESSAGES_PER_MINUTE_PER_USER: 1000,
      MEMBER_CHANGES_PER_MINUTE_PER_USER: 1000,
      REACTIONS_PER_MINUTE_PER_USER: 1000,
      PINS_PER_MINUTE_PER_USER: 1000,
    });
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  const socketSend = (socket: ClientSocket, conversationId: string, clientMessageId = randomUUID()) =>
    request(socket, 'message.send', { conversationId, clientMessageId, body: 'over the socket' });

  describe('slow mode', () => {
    it('answers 429 SLOW_MODE with Retry-After to a second send within the interval, REST and socket, on both instances', async () => {
      const { id, owner, members } = await groupWithRoles(one, 2);
      const [member, other] = members;
      const updates = collect(await connect(two, other), 'conversation.updated');
      const changed = expectStatus<Conversation>(await moderation(one, owner, id).update({ slowModeSeconds: 60 }), 200);
      expect(changed).toMatchObject({ slowModeSeconds: 60, frozen: false });
      await updates.until((items) => items.some((item) => item.conversation.slowModeSeconds === 60));
      expect(expectStatus<Conversation>(await chat(two, member).detail(id), 200).slowModeSeconds).toBe(60);

      expectStatus(await chat(one, member).send(id, 'first'), 201);
      for (const t of [one, two]) {
        const refused = await chat(t, member).send(id, 'too soon');
        expect(answer(refused)).toEqual({ status: 429, code: 'SLOW_MODE' });
        const wait = Number(refused.headers.get('retry-after'));
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(60);
        expect(refused.json().retryAfterSeconds).toBe(wait);
      }
      const socket = await connect(two, member);
      const ack = await socketSend(socket, id);
      expect(ack).toEqual({
        ok: false,
        error: expect.objectContaining({ statusCode: 429, code: 'SLOW_MODE', retryAfterSeconds: expect.any(Number) }),
      });
      expect(ack.ok === false && ack.error.retryAfterSeconds).toBeLessThanOrEqual(60);
      // Another member has a turn of their own.
      expectStatus(await chat(two, other).send(id, 'mine'), 201);
      // The turn lives in Redis for the interval.
      const ttl = await redis.pttl(RedisKeys.slowModeTurn(id, member.user.id));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);

      const bodies = expectStatus<{ items: { body: string }[] }>(await chat(one, owner).messages(id), 200).items;
      expect(bodies.map((item) => item.body)).toEqual(['first', 'mine']);
    });

    it('exempts the owner and admins', async () => {
      const { id, owner, admin } = await groupWithRoles(one, 1);
      expectStatus(await moderation(one, admin, id).update({ slowModeSeconds: 3600 }), 200);
      for (const who of [owner, admin]) {
        for (const t of [one, two, one]) expectStatus(await chat(t, who).send(id, 'no waiting'), 201);
      }
    });

    it('lets exactly one of racing sends from one member through, across two instances', async () => {
      const { id, owner, members } = await groupWithRoles(one, 1);
      const [member] = members;
      expectStatus(await moderation(one, owner, id).update({ slowModeSeconds: 30 }), 200);
      const socket = await connect(one, member);
      const answers = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => chat(i % 2 ? one : two, member).send(id, `race ${i}`)),
        ...Array.from({ length: 4 }, () => socketSend(socket, id)),
      ]);
      const statuses = answers.map((reply) =>
        'status' in reply ? reply.status : reply.ok ? 201 : reply.error.statusCode,
      );
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(11);
      const stored = expectStatus<{ items: unknown[] }>(await chat(one, owner).messages(id), 200).items;
      expect(stored).toHaveLength(1);
    });

    it('answers a retry of a stored message with that message, not 429, and spends no turn on refused or repeated sends', async () => {
      const { id, owner, members } = await groupWithRoles(one, 1);
      const [member] = members;
      expectStatus(await moderation(one, owner, id).update({ slowModeSeconds: 30 }), 200);
      // A send refused for its content takes no turn.
      const invalid = await chat(one, member).send(id, 'reply to nothing', { replyToId: randomUUID() });
      expect(answer(invalid)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const clientMessageId = randomUUID();
      const first = expectStatus<{ id: string }>(await chat(two, member).send(id, 'once', { clientMessageId }), 201);
      for (const t of [one, two]) {
        const retried = expectStatus<{ id: string }>(await chat(t, member).send(id, 'once', { clientMessageId }), 200);
        expect(retried.id).toBe(first.id);
      }
      const socket = await connect(two, member);
      expect(await socketSend(socket, id, clientMessageId)).toMatchObject({ ok: true, data: { id: first.id } });
      expect(answer(await chat(one, member).send(id, 'another'))).toEqual({ status: 429, code: 'SLOW_MODE' });
    });

    it('applies a shorter interval, or none, at once', async () => {
      const { id, owner, members } = await groupWithRoles(one, 1);
      const [member] = members;
      expectStatus(await moderation(one, owner, id).update({ slowModeSeconds: 3600 }), 200);
      expectStatus(await chat(one, member).send(id, 'first'), 201);
      expect(answer(await chat(two, member).send(id, 'second'))).toEqual({ status: 429, code: 'SLOW_MODE' });
      // Three seconds from the first send, not an hour: the interval in force now counts.
      expectStatus(await moderation(two, owner, id).update({ slowModeSeconds: 3 }), 200);
      const second = await eventually(
        async () => (await chat(two, member).send(id, 'second')).status,
        (status) => status !== 429,
        10_000,
      );
      expect(second).toBe(201);
      const refused = await chat(one, member).send(id, 'third');
      expect(answer(refused)).toEqual({ status: 429, code: 'SLOW_MODE' });
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3);
      expectStatus(await moderation(one, owner, id).update({ slowModeSeconds: 0 }), 200);
      expectStatus(await chat(one, member).send(id, 'third'), 201);
      expectStatus(await chat(two, member).send(id, 'fourth'), 201);
    });

    it('refuses slowModeSeconds outside 0–3600, non-integers, members and direct conversations', async () => {
      const { id, owner, members } = await groupWithRoles(one, 1);
      const [member] = members;
      for (const slowModeSeconds of [3601, -1, 1.5, '60', null]) {
        expect(answer(await moderation(one, owner, id).update({ slowModeSeconds }))).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      for (const frozen of ['yes', 1, null]) {
        expect(answer(await moderation(one, owner, id).update({ frozen }))).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      expect(answer(await moderation(one, member, id).update({ slowModeSeconds: 10 }))).toEqual({
        status: 403,
        code: 'NOT_GROUP_ADMIN',
      });
      expect(answer(await moderation(one, member, id).update({ frozen: true }))).toEqual({
        status: 403,
        code: 'NOT_GROUP_ADMIN',
      });
      // A member's own notification setting in the same body does not get past it.
      expect(answer(await moderation(one, member, id).update({ frozen: true, muted: true }))).toEqual({
        status: 403,
        code: 'NOT_GROUP_ADMIN',
      });
      const outsider = await register(one);
      expect(answer(await moderation(one, outsider, id).update({ frozen: true }))).toEqual({
        status: 404,
        code: 'CONVERSATION_NOT_FOUND',
      });
      const [ann, bob] = [await register(one), await register(one)];
      const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
      expect(answer(await moderation(one, ann, direct).update({ slowModeSeconds: 10 }))).toEqual({
        status: 400,
        code: 'NOT_A_GROUP',
      });
      expect(expectStatus<Conversation>(await chat(one, owner).detail(id), 200)).toMatchObject({
        slowModeSeconds: 0,
        frozen: false,
      });
      expectStatus(await chat(one, member).send(id, 'still open'), 201);
    });
  });

  describe('freeze', () => {
    it('refuses members on both instances, REST and socket, lets owner and admins write, and everyone read', async () => {
      const { id, owner, admin, members } = await groupWithRoles(one, 2);
      const [member, other] = members;
      const earlier = expectStatus<{ id: string }>(await chat(one, member).send(id, 'before'), 201);
      expectStatus(await chat(two, member).detail(id), 200);
      const updates = collect(await connect(one, other), 'conversation.updated');
      const sockets = [await connect(one, member), await connect(two, member)];

      expect(expectStatus<Conversation>(await moderation(two, admin, id).update({ frozen: true }), 200).frozen).toBe(
        true,
      );
      await updates.until((items) => items.some((item) => item.conversation.frozen));
      const list = expectStatus<{ items: Conversation[] }>(await chat(one, member).list(), 200).items;
      expect(list.find((item) => item.id === id)?.frozen).toBe(true);

      const refused = { status: 403, code: 'CONVERSATION_FROZEN' };
      for (const t of [one, two]) {
        expect(answer(await chat(t, member).send(id, 'frozen out'))).toEqual(refused);
        expect(
          answer(await chat(t, member).call('PUT', `/${id}/messages/${earlier.id}/reactions/%F0%9F%91%8D`)),
        ).toEqual(refused);
        expect(answer(await chat(t, member).call('PATCH', `/${id}/messages/${earlier.id}`, { body: 'edit' }))).toEqual(
          refused,
        );
      }
      for (const socket of sockets) {
        expect(await socketSend(socket, id)).toEqual({
          ok: false,
          error: expect.objectContaining({ statusCode: 403, code: 'CONVERSATION_FROZEN' }),
        });
        expect(await request(socket, 'typing.start', { conversationId: id })).toMatchObject({
          ok: false,
          error: { code: 'CONVERSATION_FROZEN' },
        });
      }
      for (const [t, who] of [
        [one, owner],
        [two, admin],
      ] as const) {
        const sent = expectStatus<{ id: string }>(await chat(t, who).send(id, 'announcement'), 201);
        expectStatus(await chat(t, who).call('PUT', `/${id}/messages/${sent.id}/reactions/%F0%9F%91%8D`), 200);
        expectStatus(await chat(t, who).call('PUT', `/${id}/pins/${sent.id}`), 200);
        expectStatus(await chat(t, who).call('PATCH', `/${id}/messages/${sent.id}`, { body: 'edited' }), 200);
      }
      const adminSocket = await connect(two, admin);
      expect(await request(adminSocket, 'typing.start', { conversationId: id })).toMatchObject({ ok: true });
      expect(await socketSend(adminSocket, id)).toMatchObject({ ok: true });
      expect(expectStatus<{ items: unknown[] }>(await chat(two, member).messages(id), 200).items).toHaveLength(4);
      // Deleting one's own message stays possible.
      expect((await chat(one, member).call('DELETE', `/${id}/messages/${earlier.id}`)).status).toBe(204);

      expectStatus(await moderation(one, owner, id).update({ frozen: false }), 200);
      for (const t of [one, two]) expectStatus(await chat(t, member).send(id, 'thawed'), 201);
      expect(await socketSend(sockets[1], id)).toMatchObject({ ok: true });
    });
  });
});
