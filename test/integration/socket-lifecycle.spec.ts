import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { bearer, freshAddress, login, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { cutHandshake } from '../support/raw-socket.js';
import {
  collect,
  connectSocket,
  socketsClosedAfterEach,
  refusedWith,
  request,
  type ClientSocket,
} from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { PresenceService } from '#src/presence/presence.service.js';

/** The instances renew their presence every second here, so a test sees heartbeats happen. */
const HEARTBEAT_MS = 1000;

const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket.io-client connection closed `afterMs` after it starts, whatever stage it reached. */
function abandonedClient(baseUrl: string, token: string, afterMs: number): Promise<void> {
  const socket = io(baseUrl, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  return new Promise((resolve) =>
    setTimeout(() => {
      socket.close();
      resolve();
    }, afterMs),
  );
}

describe('socket lifecycle', () => {
  let one: TestApp;
  let two: TestApp;
  const { connect, track } = socketsClosedAfterEach();

  beforeAll(async () => ([one, two] = await startTwoTestApps({ PRESENCE_HEARTBEAT_SECONDS: HEARTBEAT_MS / 1000 })));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const pair = async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('pair', [bob]), 201).id;
    return { ann, bob, id };
  };

  const onlineAsSeenBy = async (viewer: SignedIn, userId: string) => {
    const response = await one.request('GET', `/api/v1/users/${userId}/presence`, {
      headers: bearer(viewer.accessToken),
    });
    return expectStatus<{ online: boolean }>(response, 200).online;
  };

  describe('a handshake cut short', () => {
    it('takes no socket slot and leaves no presence behind, however early or late the client vanishes', async () => {
      const { ann, bob } = await pair();
      // 45 handshakes of Bob, each dropped at a different moment: raw TCP resets and FINs right after
      // the CONNECT packet or a few milliseconds later, and socket.io-clients closed at any stage.
      await Promise.all(
        range(45).map((i) => {
          const target = i % 2 ? one : two;
          if (i % 3 === 0) return abandonedClient(target.baseUrl, bob.accessToken, i);
          return cutHandshake(target.baseUrl, bob.accessToken, Math.floor(i / 3), i % 3 === 1 ? 'reset' : 'end');
        }),
      );
      // The server may still be admitting some of them: they must all be let go.
      const deadline = Date.now() + 5000;
      while ((await onlineAsSeenBy(ann, bob.user.id)) && Date.now() < deadline) await sleep(50);
      expect(await onlineAsSeenBy(ann, bob.user.id)).toBe(false);

      // Bob still gets every one of his SOCKETS_MAX_PER_USER (10) sockets, and no more.
      const annSocket = await connect(one, ann);
      const presence = collect(annSocket, 'presence');
      const open: ClientSocket[] = [];
      for (const i of range(10)) open.push(await connect(i % 2 ? one : two, bob));
      expect(await refusedWith(one.baseUrl, bob.accessToken)).toBe('RATE_LIMITED');
      expect(await onlineAsSeenBy(ann, bob.user.id)).toBe(true);

      // And when the last real one closes, he is offline.
      open.forEach((socket) => socket.close());
      await presence.until((items) => items.some((item) => item.userId === bob.user.id && !item.online));
      expect(await onlineAsSeenBy(ann, bob.user.id)).toBe(false);
      const query = await request(annSocket, 'presence.query', { userIds: [bob.user.id] });
      expect(query).toMatchObject({ ok: true, data: { items: [{ userId: bob.user.id, online: false }] } });
    }, 30_000);
  });

  describe('the socket count', () => {
    it('holds for sockets opened and closed at once on one instance, across heartbeats', async () => {
      const { ann, bob } = await pair();
      const presence = collect(await connect(one, ann), 'presence');
      const open = await Promise.all(range(10).map(() => connect(one, bob)));
      await sleep(HEARTBEAT_MS * 1.5); // a heartbeat re-asserts the instance's counts
      expect(await refusedWith(two.baseUrl, bob.accessToken)).toBe('RATE_LIMITED');

      open.splice(0, 3).forEach((socket) => socket.close());
      await sleep(HEARTBEAT_MS * 1.5);
      open.push(...(await Promise.all(range(3).map(() => connect(two, bob)))));
      expect(await refusedWith(one.baseUrl, bob.accessToken)).toBe('RATE_LIMITED');

      open.forEach((socket) => socket.close());
      await presence.until((items) => items.some((item) => item.userId === bob.user.id && !item.online));
      await sleep(HEARTBEAT_MS * 1.5);
      expect(await onlineAsSeenBy(ann, bob.user.id)).toBe(false);
    });

    it('takes in the sockets of an instance that started a moment ago', async () => {
      const { ann, bob } = await pair();
      const presence = collect(await connect(one, ann), 'presence');
      const bobHere = await connect(one, bob);
      await presence.until((items) => items.some((item) => item.userId === bob.user.id && item.online));

      // An instance starts now and counts nine sockets of Bob, as its heartbeat and handshakes do.
      const redis = new Redis(testRedisUrl());
      const newcomer = randomUUID();
      try {
        await redis.zadd(RedisKeys.presenceInstances(), Date.now(), newcomer);
        await redis.hset(RedisKeys.presenceUser(bob.user.id), newcomer, 9);
        expect(await refusedWith(one.baseUrl, bob.accessToken)).toBe('RATE_LIMITED');

        // His socket here closes: he is still online there, and his contacts are not told otherwise.
        bobHere.close();
        const here = one.app.get(PresenceService).instanceId;
        while (await redis.hget(RedisKeys.presenceUser(bob.user.id), here)) await sleep(20);
        await sleep(300);
        expect(presence.received.filter((item) => item.userId === bob.user.id).map((item) => item.online)).toEqual([
          true,
        ]);
        expect(await onlineAsSeenBy(ann, bob.user.id)).toBe(true);
      } finally {
        await redis.zrem(RedisKeys.presenceInstances(), newcomer);
        redis.disconnect();
      }
    });
  });

  describe('transports', () => {
    // The upgrade request is let go once a socket is admitted; a client that starts on long-polling
    // (behind a proxy that refuses WebSocket, say) or upgrades from it must not notice.
    it.each([[['polling']], [['polling', 'websocket']]])(
      'answers events on %j, and counts the socket',
      async (transports) => {
        const { ann, bob, id } = await pair();
        const socket = track(
          io(one.baseUrl, { transports, auth: { token: ann.accessToken }, reconnection: false, forceNew: true }),
        );
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
        while (socket.io.engine.transport.name !== transports.at(-1)) await sleep(20);
        expect(await request(socket, 'typing.start', { conversationId: id })).toEqual({ ok: true, data: null });
        expect((await request(socket, 'typing.start', { conversationId: 'nope' })).ok).toBe(false);
        expect(await onlineAsSeenBy(bob, ann.user.id)).toBe(true);
      },
    );
  });

  describe('access token expiry', () => {
    /** An access token of `who`'s session that expires in `seconds`, signed as the app signs them. */
    const shortToken = (who: SignedIn, seconds: number) =>
      one.app
        .get(JwtService)
        .sign({ sub: who.user.id, sid: who.sessionId }, { jwtid: randomUUID(), expiresIn: seconds });
    const closing = (socket: ClientSocket) => {
      const seen: string[] = [];
      socket.on('token.expired', ({ sessionId }) => seen.push(`token.expired ${sessionId}`));
      socket.on('session.revoked', ({ sessionId }) => seen.push(`session.revoked ${sessionId}`));
      const closed = new Promise<string[]>((resolve) =>
        socket.on('disconnect', (reason) => resolve([...seen, `disconnect: ${reason}`])),
      );
      return closed;
    };

    it('closes a socket whose access token expires unrenewed, with token.expired first', async () => {
      const { ann } = await pair();
      const socket = await connectSocket(two.baseUrl, shortToken(ann, 2));
      track(socket);
      expect(await closing(socket)).toEqual([`token.expired ${ann.sessionId}`, 'disconnect: io server disconnect']);
    });

    it('keeps a socket whose client sends a fresh token of the same session, and still closes it at logout', async () => {
      const { ann } = await pair();
      const socket = await connectSocket(two.baseUrl, shortToken(ann, 3));
      track(socket);
      const closed = closing(socket);
      const renewed = await request(socket, 'auth', { accessToken: ann.accessToken });
      expect(renewed).toEqual({ ok: true, data: { expiresAt: expect.any(String) } });
      expect(renewed.ok && Date.parse(renewed.data.expiresAt)).toBeGreaterThan(Date.now() + 60_000);

      await sleep(3500); // past the first token's expiry
      expect(socket.connected).toBe(true);
      expect(await request(socket, 'presence.query', { userIds: [ann.user.id] })).toMatchObject({ ok: true });

      expect((await one.request('POST', '/api/v1/auth/logout', { headers: bearer(ann.accessToken) })).status).toBe(204);
      expect(await closed).toEqual([`session.revoked ${ann.sessionId}`, 'disconnect: io server disconnect']);
    });

    it('refuses a token that is invalid, expired or of another session, and keeps the old expiry', async () => {
      const { ann, bob } = await pair();
      const otherSession = expectStatus<SignedIn>(
        await login(one, ann.user.username, 'correct horse battery', freshAddress()),
        200,
      );
      const expired = one.app
        .get(JwtService)
        .sign(
          { sub: ann.user.id, sid: ann.sessionId, exp: Math.floor(Date.now() / 1000) - 10 },
          { jwtid: randomUUID() },
        );
      const socket = await connectSocket(one.baseUrl, shortToken(ann, 5));
      track(socket);
      const closed = closing(socket);
      const unauthorized = { ok: false, error: expect.objectContaining({ statusCode: 401, code: 'UNAUTHORIZED' }) };
      for (const accessToken of [
        bob.accessToken,
        otherSession.accessToken,
        expired,
        'not-a-jwt',
        `${ann.accessToken}x`,
      ]) {
        expect(await request(socket, 'auth', { accessToken })).toEqual(unauthorized);
      }
      for (const payload of [{}, { accessToken: 42 }, { accessToken: ann.accessToken, extra: true }, null]) {
        expect(await request(socket, 'auth', payload)).toMatchObject({ ok: false, error: { statusCode: 400 } });
      }
      expect(socket.connected).toBe(true);
      expect(await closed).toEqual([`token.expired ${ann.sessionId}`, 'disconnect: io server disconnect']);
    });
  });
});
