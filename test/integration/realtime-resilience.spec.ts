import type { Redis } from 'ioredis';
import { REDIS, REDIS_PUBLISHER, REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';
import { bearer, login, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { collect, connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { eventually } from '../support/eventually.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const closed = (socket: ClientSocket) => new Promise<string>((resolve) => socket.on('disconnect', resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('real time through revocations and a Redis outage', () => {
  let redis: RedisProcess;
  let one: TestApp;
  let two: TestApp;
  const sockets: ClientSocket[] = [];
  const connect = async (t: TestApp, who: { accessToken: string }) => {
    const socket = await connectSocket(t.baseUrl, who.accessToken);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await redisProcess();
    [one, two] = await startTwoTestApps({ REDIS_URL: redis.url, PRESENCE_HEARTBEAT_SECONDS: 1 });
  }, 30_000);
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await redis.dispose();
  });

  /** Events published before an instance's clients reconnect are lost (clients sync); later tests start after that. */
  const redisClientsReady = async () => {
    const clients = [one, two].flatMap((t) =>
      [REDIS, REDIS_PUBLISHER, REDIS_SUBSCRIBER].map((token) => t.app.get<Redis>(token)),
    );
    const deadline = Date.now() + 10_000;
    while (clients.some((client) => client.status !== 'ready') && Date.now() < deadline) await sleep(50);
  };

  const group = async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob]), 201).id;
    return { ann, bob, id };
  };

  it('logout-all closes every session of the user, on both instances, each told first', async () => {
    const ann = await register(one);
    const second = (await login(two, ann.user.username, 'correct horse battery')).json<SignedIn>();
    const sockets = [await connect(one, ann), await connect(two, ann), await connect(two, second)];
    const told = sockets.map((socket) => collect(socket, 'session.revoked'));
    const reasons = sockets.map(closed);
    expect((await one.request('POST', '/api/v1/auth/logout-all', { headers: bearer(ann.accessToken) })).status).toBe(
      204,
    );
    expect(await Promise.all(reasons)).toEqual([
      'io server disconnect',
      'io server disconnect',
      'io server disconnect',
    ]);
    // Each socket was told about its own session (a periodic session check may repeat the notice).
    expect(told.map((events) => [...new Set(events.received.map((event) => event.sessionId))])).toEqual([
      [ann.sessionId],
      [ann.sessionId],
      [second.sessionId],
    ]);
  });

  it('closes a revoked session’s socket even when the notice was lost to a Redis outage', async () => {
    const ann = await register(one);
    const socket = await connect(two, ann);
    const told = collect(socket, 'session.revoked');
    const reason = closed(socket);
    await redis.stop();
    try {
      expect((await one.request('POST', '/api/v1/auth/logout', { headers: bearer(ann.accessToken) })).status).toBe(204);
      // The adapter could not carry the notice; the session check on instance two closes it.
      expect(await reason).toBe('io server disconnect');
      expect(told.received).toEqual([{ sessionId: ann.sessionId }]);
    } finally {
      await redis.start();
      await redisClientsReady();
    }
  });

  it('delivers across instances again within 5 s after Redis returns, and sync gives what was missed', async () => {
    const { ann, bob, id } = await group();
    const bobSocket = await connect(two, bob);
    const live = collect(bobSocket, 'message.created');
    /** Sends probes from instance one until Bob, on instance two, gets one live; the last probe's seq, or null. */
    const deliveredWithin = async (ms: number): Promise<number | null> => {
      const started = Date.now();
      for (let i = 0; Date.now() - started < ms; i += 1) {
        const probe = expectStatus<{ seq: number; body: string }>(await chat(one, ann).send(id, `probe ${i}`), 201);
        const seen = await live
          .until((items) => items.some((e) => e.message.seq === probe.seq), 250)
          .then(
            () => true,
            () => false,
          );
        if (seen) return probe.seq;
      }
      return null;
    };
    const seen = await deliveredWithin(5_000);
    expect(seen).not.toBeNull();

    await redis.stop();
    const missed = expectStatus<{ id: string }>(await chat(one, ann).send(id, 'during the outage'), 201);
    await sleep(300);
    expect(live.received.some((event) => event.message.id === missed.id)).toBe(false);
    expect(bobSocket.connected).toBe(true);

    await redis.start();
    expect(await deliveredWithin(5_000)).not.toBeNull();
    const caughtUp = await request(bobSocket, 'sync', { conversationId: id, since: seen });
    expect(caughtUp.ok && caughtUp.data.items[0]).toMatchObject({ id: missed.id, body: 'during the outage' });
  });

  it('reports sockets and events in the metrics', async () => {
    const { ann, id } = await group();
    const socket = await connect(one, ann);
    await request(socket, 'typing.start', { conversationId: id });
    const metrics = (await one.request('GET', '/health/metrics')).text;
    expect(metrics).toMatch(/^ws_connections [1-9]/m);
    expect(metrics).toMatch(/^ws_events_in_total\{event="typing.start",result="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^presence_local_online_users [1-9]/m);
    expect(metrics).toMatch(/^# TYPE ws_connections_refused_total counter/m);
    expect(metrics).toMatch(/^# TYPE ws_adapter_errors_total counter/m);
  });

  it('times each new message from its storing to its emit', async () => {
    const { ann, id } = await group();
    const count = async () => {
      const metrics = (await one.request('GET', '/health/metrics')).text;
      return Number(/^ws_delivery_lag_seconds_count (\d+)/m.exec(metrics)?.[1] ?? 0);
    };
    const before = await count();
    expectStatus(await chat(one, ann).send(id, 'timed'), 201);
    expect(await eventually(count, (now) => now > before)).toBe(before + 1);
  });
});
