import { randomUUID } from 'node:crypto';
import type { MessageView } from '#src/conversations/message.presenter.js';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';
import { bearer, freshAddress, newAccount, type SignedIn } from '../support/auth-client.js';
import { collect, connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { redisProcess, type RedisProcess } from '../support/redis-process.js';
import { httpRequest } from '../support/test-app.js';

// Two real `node dist/main.js` processes on the test Postgres and on a redis-server of this file's own,
// which is stopped for a few seconds in the middle of a steady load of reads and sends across both.

const OUTAGE_MS = 3000;
const WARM_MS = 2000;
const SENDERS = 6;
// 30 sends a minute per user: each sender sends at most ~10 in this test.
const SEND_INTERVAL_MS = 600;
const READERS = 4;
const READ_PAUSE_MS = 40;
const SLOW_MS = 2000;
const RECOVERY_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisProcess | undefined;
const spawned: AppProcess[] = [];
const sockets: ClientSocket[] = [];

async function startInstance(redisUrl: string): Promise<AppProcess> {
  return spawnReadyApp(instanceEnv({ REDIS_URL: redisUrl }), spawned);
}

interface Endpoint {
  name: 'A' | 'B';
  app: AppProcess;
}

interface Call {
  kind: 'list' | 'messages' | 'me' | 'send';
  endpoint: string;
  startedAt: number;
  endedAt: number;
  /** Absent when no answer came (refused, reset, timed out). */
  status?: number;
  error?: string;
  message?: MessageView;
}

async function call(
  endpoint: Endpoint,
  kind: Call['kind'],
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Call & { text?: string }> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${endpoint.app.baseUrl}${path}`, {
      method,
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    return { kind, endpoint: endpoint.name, startedAt, endedAt: Date.now(), status: response.status, text };
  } catch (error) {
    return { kind, endpoint: endpoint.name, startedAt, endedAt: Date.now(), error: (error as Error).message };
  }
}

async function register(endpoint: Endpoint, name: string): Promise<SignedIn> {
  const response = await httpRequest(endpoint.app.baseUrl, 'POST', '/api/v1/auth/register', {
    body: newAccount(name),
    headers: freshAddress(),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return response.json<SignedIn>();
}

async function createGroup(endpoint: Endpoint, owner: SignedIn, members: SignedIn[], title: string): Promise<string> {
  const response = await httpRequest(endpoint.app.baseUrl, 'POST', '/api/v1/conversations', {
    headers: bearer(owner.accessToken),
    body: { type: 'group', title, memberIds: members.map((member) => member.user.id) },
  });
  if (response.status !== 201) throw new Error(`group failed: ${response.status} ${response.text}`);
  return response.json<{ id: string }>().id;
}

async function sumMetric(endpoint: Endpoint, name: string): Promise<number> {
  const response = await httpRequest(endpoint.app.baseUrl, 'GET', '/health/metrics');
  if (response.status !== 200) throw new Error(`metrics failed: ${response.status}`);
  return response.text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

interface ListEntry {
  id: string;
  lastMessage: MessageView | null;
}

afterAll(async () => {
  sockets.forEach((socket) => socket.close());
  spawned.forEach((app) => app.kill());
  await Promise.all(spawned.map((app) => app.exited));
  await redis?.dispose();
}, 20_000);

describe('Redis stopped and started again under load on two instance processes', () => {
  let a: Endpoint;
  let b: Endpoint;

  beforeAll(async () => {
    redis = await redisProcess();
    const [first, second] = await Promise.all([startInstance(redis.url), startInstance(redis.url)]);
    a = { name: 'A', app: first };
    b = { name: 'B', app: second };
  }, 60_000);

  it('serves through the outage, and afterwards delivers live, syncs what was missed and serves nothing stale', async () => {
    const endpoints = [a, b];
    const users = await Promise.all(
      Array.from({ length: SENDERS + 4 }, (_, i) => register(endpoints[i % 2], `ro${i}`)),
    );
    const senders = users.slice(0, SENDERS);
    const [watcherA, watcherB, prober, leaver] = users.slice(SENDERS);
    const readers = [...senders, watcherA, watcherB];
    const conversationId = await createGroup(a, senders[0], users.slice(1, SENDERS + 2), 'outage load');
    const probeConversationId = await createGroup(b, prober, [watcherA, watcherB], 'outage probes');

    // One socket per instance, each of a member who only listens.
    const socketA = await connectSocket(a.app.baseUrl, watcherA.accessToken);
    const socketB = await connectSocket(b.app.baseUrl, watcherB.accessToken);
    sockets.push(socketA, socketB);
    const liveA = collect(socketA, 'message.created');
    const liveB = collect(socketB, 'message.created');
    const disconnects: string[] = [];
    socketA.on('disconnect', (reason) => disconnects.push(`A: ${reason}`));
    socketB.on('disconnect', (reason) => disconnects.push(`B: ${reason}`));

    // The leaver's token works on both instances before the outage.
    for (const endpoint of endpoints) {
      expect((await call(endpoint, 'me', 'GET', '/api/v1/users/me', leaver.accessToken)).status).toBe(200);
    }

    const calls: Call[] = [];
    let sending = true;
    let holdSends = false;
    let inFlightSends = 0;
    let reading = true;

    const sender = async (user: SignedIn, index: number) => {
      const endpoint = endpoints[index % 2];
      for (let n = 0; sending; n++) {
        if (holdSends) {
          await sleep(20);
          continue;
        }
        inFlightSends += 1;
        const result = await call(
          endpoint,
          'send',
          'POST',
          `/api/v1/conversations/${conversationId}/messages`,
          user.accessToken,
          { clientMessageId: randomUUID(), body: `${user.user.username} #${n}` },
        );
        inFlightSends -= 1;
        const { text, ...entry } = result;
        if (entry.status === 201 && text) entry.message = JSON.parse(text) as MessageView;
        else if (entry.status !== undefined) entry.error = text?.slice(0, 300);
        calls.push(entry);
        await sleep(SEND_INTERVAL_MS);
      }
    };

    const reader = async (index: number) => {
      for (let n = index; reading; n++) {
        const endpoint = endpoints[n % 2];
        const user = readers[n % readers.length];
        const [kind, path] = (
          [
            ['list', '/api/v1/conversations'],
            ['messages', `/api/v1/conversations/${conversationId}/messages?limit=100`],
            ['me', '/api/v1/users/me'],
          ] as const
        )[n % 3];
        const result = await call(endpoint, kind, 'GET', path, user.accessToken);
        const { text, ...entry } = result;
        if (entry.status !== undefined && entry.status !== 200) entry.error = text?.slice(0, 300);
        calls.push(entry);
        await sleep(READ_PAUSE_MS);
      }
    };

    const loadStartedAt = Date.now();
    const sendLoad = Promise.all(senders.map((user, index) => sender(user, index)));
    const readLoad = Promise.all(Array.from({ length: READERS }, (_, index) => reader(index)));
    await sleep(WARM_MS);

    // Right before the outage, with sends held, both instances read the list and the latest page of the
    // load conversation twice: Redis then holds entries that the outage's sends make stale.
    holdSends = true;
    while (inFlightSends > 0) await sleep(10);
    const warmCache: string[] = [];
    for (const endpoint of endpoints) {
      for (const watcher of [watcherA, watcherB]) {
        for (const path of ['/api/v1/conversations', `/api/v1/conversations/${conversationId}/messages?limit=100`]) {
          await httpRequest(endpoint.app.baseUrl, 'GET', path, { headers: bearer(watcher.accessToken) });
          const again = await httpRequest(endpoint.app.baseUrl, 'GET', path, { headers: bearer(watcher.accessToken) });
          warmCache.push(
            `${endpoint.name} ${path.includes('messages') ? 'messages' : 'list'}: ${again.headers.get('x-cache')}`,
          );
        }
      }
    }
    const unavailableBefore =
      (await sumMetric(a, 'rate_limit_unavailable_total')) + (await sumMetric(b, 'rate_limit_unavailable_total'));

    await redis!.stop();
    const stoppedAt = Date.now();
    holdSends = false;

    // Health on both instances throughout the outage.
    const health: {
      endpoint: string;
      at: number;
      readiness: number | string;
      health: number | string;
      status?: string;
    }[] = [];
    let probingHealth = true;
    const healthProbe = async (endpoint: Endpoint) => {
      while (probingHealth) {
        const at = Date.now();
        const readiness = await httpRequest(endpoint.app.baseUrl, 'GET', '/health/readiness').then(
          (response) => response.status,
          (error: unknown) => (error as Error).message,
        );
        const overall = await httpRequest(endpoint.app.baseUrl, 'GET', '/health').then(
          (response) => ({ status: response.status, body: response.json<{ status: string }>().status }),
          (error: unknown) => ({ status: (error as Error).message, body: undefined }),
        );
        health.push({ endpoint: endpoint.name, at, readiness, health: overall.status, status: overall.body });
        await sleep(200);
      }
    };
    const healthLoad = Promise.all(endpoints.map((endpoint) => healthProbe(endpoint)));

    // A logout on A during the outage holds on B.
    await sleep(800);
    const logout = await call(a, 'me', 'POST', '/api/v1/auth/logout', leaver.accessToken);
    const revokedOnB = await call(b, 'me', 'GET', '/api/v1/users/me', leaver.accessToken);
    const revokedListOnB = await call(b, 'list', 'GET', '/api/v1/conversations', leaver.accessToken);

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    probingHealth = false;
    await healthLoad;
    const unavailableDuring =
      (await sumMetric(a, 'rate_limit_unavailable_total')) + (await sumMetric(b, 'rate_limit_unavailable_total'));

    // Sends stop as Redis comes back, so the last message of the load conversation is one sent during the outage.
    sending = false;
    const restartAt = Date.now();
    await redis!.start();
    const redisUpAt = Date.now();
    await sendLoad;

    // Cross-instance delivery: probes sent on A until the socket on B gets one live.
    const liveProbe = collect(socketB, 'message.created');
    let deliveredAfterMs: number | null = null;
    const probes: number[] = [];
    while (Date.now() - redisUpAt < RECOVERY_MS) {
      const sent = await call(
        a,
        'send',
        'POST',
        `/api/v1/conversations/${probeConversationId}/messages`,
        prober.accessToken,
        { clientMessageId: randomUUID(), body: `probe ${probes.length}` },
      );
      probes.push(sent.status ?? 0);
      if (sent.status !== 201 || !sent.text) {
        await sleep(250);
        continue;
      }
      const seq = (JSON.parse(sent.text) as MessageView).seq;
      const seen = await liveProbe
        .until(
          (items) => items.some((event) => event.conversationId === probeConversationId && event.message.seq === seq),
          250,
        )
        .then(
          () => true,
          () => false,
        );
      if (seen) {
        deliveredAfterMs = Date.now() - redisUpAt;
        break;
      }
    }
    reading = false;
    await readLoad;

    const sends = calls.filter((entry) => entry.kind === 'send');
    const stored = sends.filter((entry) => entry.message).map((entry) => entry.message!);
    const bySeq = [...stored].sort((x, y) => x.seq - y.seq);
    const last = bySeq.at(-1)!;
    const lastSend = sends.find((entry) => entry.message?.id === last.id)!;
    const duringOutage = sends
      .filter((entry) => entry.message && entry.startedAt >= stoppedAt)
      .map((entry) => entry.message!);
    const outageCalls = calls.filter((entry) => entry.endedAt >= stoppedAt && entry.startedAt <= redisUpAt);
    const outageMax = Math.max(...outageCalls.map((entry) => entry.endedAt - entry.startedAt));
    const failures = calls.filter(
      (entry) =>
        entry.status === undefined ||
        entry.status >= 500 ||
        (entry.kind === 'send' ? entry.status !== 201 : entry.status !== 200),
    );
    const slowDuringOutage = outageCalls.filter((entry) => entry.endedAt - entry.startedAt > SLOW_MS);

    // What each socket missed, and what sync gives it.
    const catchUp = async (socket: ClientSocket, live: typeof liveA) => {
      const seen = new Set(
        live.received.filter((event) => event.conversationId === conversationId).map((event) => event.message.seq),
      );
      let since = 0;
      while (seen.has(since + 1)) since += 1;
      const missed = bySeq.filter((message) => !seen.has(message.seq)).map((message) => message.seq);
      const reply = await request(socket, 'sync', { conversationId, since });
      const items: MessageView[] = reply.ok ? reply.data.items : [];
      const synced = items.map((item) => item.seq);
      return {
        since,
        liveCount: seen.size,
        missed,
        ok: reply.ok,
        hasMore: reply.ok ? reply.data.hasMore : undefined,
        lastSeq: reply.ok ? reply.data.lastSeq : undefined,
        synced,
        syncedNotSeenLive: synced.filter((seq) => !seen.has(seq)),
        expectedAfterSince: bySeq.filter((message) => message.seq > since).map((message) => message.seq),
        syncedIds: items.map((item) => item.id),
      };
    };
    const syncA = await catchUp(socketA, liveA);
    const syncB = await catchUp(socketB, liveB);

    // Nothing stale after recovery: every instance, every watcher, twice (a second read may come from a rebuilt entry).
    const freshness: string[] = [];
    for (const endpoint of endpoints) {
      for (const watcher of [watcherA, watcherB]) {
        for (let round = 0; round < 2; round++) {
          const list = await httpRequest(endpoint.app.baseUrl, 'GET', '/api/v1/conversations', {
            headers: bearer(watcher.accessToken),
          });
          const entry =
            list.status === 200
              ? list.json<{ items: ListEntry[] }>().items.find((item) => item.id === conversationId)
              : undefined;
          if (entry?.lastMessage?.id !== last.id) {
            freshness.push(
              `${endpoint.name} list for ${watcher.user.username} round ${round} (${list.status}, X-Cache ${list.headers.get('x-cache')}): lastMessage seq ${entry?.lastMessage?.seq} instead of ${last.seq}`,
            );
          }
          const page = await httpRequest(
            endpoint.app.baseUrl,
            'GET',
            `/api/v1/conversations/${conversationId}/messages?limit=100`,
            { headers: bearer(watcher.accessToken) },
          );
          const pageSeqs = new Set(
            page.status === 200 ? page.json<{ items: MessageView[] }>().items.map((item) => item.seq) : [],
          );
          const absent = duringOutage.filter((message) => !pageSeqs.has(message.seq)).map((message) => message.seq);
          if (absent.length > 0) {
            freshness.push(
              `${endpoint.name} messages for ${watcher.user.username} round ${round} (${page.status}, X-Cache ${page.headers.get('x-cache')}): missing seqs ${absent.join(',')}`,
            );
          }
        }
      }
    }

    const revokedAfter = await Promise.all(
      endpoints.map(
        async (endpoint) => (await call(endpoint, 'me', 'GET', '/api/v1/users/me', leaver.accessToken)).status,
      ),
    );
    const exits = spawned.filter((app) => app.child.exitCode !== null || app.child.signalCode !== null).length;
    const outageHealth = health.filter((entry) => entry.at < restartAt);

    console.log(
      'redis outage on two processes:',
      JSON.stringify({
        runtimeMs: Date.now() - loadStartedAt,
        requests: calls.length,
        requestsDuringOutage: outageCalls.length,
        sends: sends.length,
        sendsDuringOutage: duringOutage.length,
        maxLatencyDuringOutageMs: outageMax,
        outageMs: restartAt - stoppedAt,
        failures: failures.length,
        warmCache,
        rateLimitUnavailable: { before: unavailableBefore, during: unavailableDuring },
        healthStatuses: [
          ...new Set(
            outageHealth.map((entry) => `${entry.endpoint} ${entry.readiness}/${entry.health}/${entry.status}`),
          ),
        ],
        revoked: {
          logout: logout.status,
          meOnB: revokedOnB.status,
          listOnB: revokedListOnB.status,
          after: revokedAfter,
        },
        deliveredAfterMs,
        probes,
        syncA: { since: syncA.since, live: syncA.liveCount, missed: syncA.missed.length, synced: syncA.synced.length },
        syncB: { since: syncB.since, live: syncB.liveCount, missed: syncB.missed.length, synced: syncB.synced.length },
        disconnects,
        exits,
      }),
    );

    // 1. During the outage: no 5xx, nothing slower than 2 s, every send stored.
    expect(
      failures.map(
        (entry) =>
          `${entry.kind} on ${entry.endpoint} +${entry.startedAt - stoppedAt}ms: ${entry.status ?? ''} ${entry.error ?? ''}`,
      ),
    ).toEqual([]);
    expect(
      slowDuringOutage.map((entry) => `${entry.kind} on ${entry.endpoint}: ${entry.endedAt - entry.startedAt}ms`),
    ).toEqual([]);
    expect(outageCalls.length).toBeGreaterThan(50);
    expect(new Set(outageCalls.filter((entry) => entry.kind === 'send').map((entry) => entry.endpoint))).toEqual(
      new Set(['A', 'B']),
    );
    expect(duringOutage.length).toBeGreaterThanOrEqual(SENDERS * 2);
    expect(new Set(stored.map((message) => message.seq)).size).toBe(stored.length);
    // Health: ready all along, `/health` degraded (not down) once Redis is gone.
    expect(outageHealth.filter((entry) => entry.readiness !== 200)).toEqual([]);
    expect(outageHealth.filter((entry) => entry.health !== 200 || entry.status === 'down')).toEqual([]);
    for (const endpoint of endpoints) {
      expect(outageHealth.filter((entry) => entry.endpoint === endpoint.name).at(-1)?.status).toBe('degraded');
    }
    // A logout on A during the outage is refused on B, then and after.
    expect(logout.status).toBe(204);
    expect(revokedOnB.status).toBe(401);
    expect(revokedListOnB.status).toBe(401);
    expect(revokedAfter).toEqual([401, 401]);
    // Rate limits failed open, and counted it.
    expect(unavailableDuring).toBeGreaterThan(unavailableBefore);
    // Neither process exited, and the sockets stayed connected.
    expect(exits).toBe(0);
    expect(disconnects).toEqual([]);

    // 2. After Redis returns: live delivery across instances within 5 s.
    expect(deliveredAfterMs).not.toBeNull();
    expect(deliveredAfterMs!).toBeLessThanOrEqual(RECOVERY_MS);
    // Each socket missed messages sent on the other instance, and sync gives exactly what it had not seen.
    for (const result of [syncA, syncB]) {
      expect(result.ok).toBe(true);
      expect(result.hasMore).toBe(false);
      expect(result.missed.length).toBeGreaterThan(0);
      expect(result.synced).toEqual(result.expectedAfterSince);
      expect(result.syncedNotSeenLive).toEqual(result.missed);
      expect(new Set(result.syncedIds).size).toBe(result.syncedIds.length);
      expect(result.lastSeq).toBe(last.seq);
    }
    // No stale entry served: the last message is the outage's, and both instances show it and every outage message.
    expect(lastSend.startedAt).toBeGreaterThanOrEqual(stoppedAt);
    expect(freshness).toEqual([]);
  }, 40_000);
});
