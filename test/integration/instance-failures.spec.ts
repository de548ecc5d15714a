import { randomUUID } from 'node:crypto';
import type { MessageView } from '#src/conversations/message.presenter.js';
import type { AckReply } from '#src/realtime/server-events.js';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';
import { bearer, freshAddress, newAccount, type SignedIn } from '../support/auth-client.js';
import { connectSocket, request, type ClientSocket } from '../support/socket-client.js';
import { httpRequest } from '../support/test-app.js';

// Two real `node dist/main.js` processes on the test Postgres and Redis, a steady message load across
// them, and one of them killed (SIGKILL) or rolled (SIGTERM) in the middle of it.

const PRESENCE_TTL_SECONDS = 3;
const DRAIN_MS = 1500;
// Each sender goes on until the test stops the load (the instances allow it: MESSAGES_PER_MINUTE_PER_USER
// below); this only bounds a run that never stops.
const SENDS_PER_USER = 200;
const SEND_INTERVAL_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const childEnv = () =>
  instanceEnv({
    PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS),
    PRESENCE_HEARTBEAT_SECONDS: '1',
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    SHUTDOWN_TIMEOUT_MS: '15000',
    // Senders keep sending until the test has seen what it waits for, past the default send limit.
    MESSAGES_PER_MINUTE_PER_USER: '1000',
  });

const spawned: AppProcess[] = [];

/** A ready child instance; waits for dist/main.js while it is being rebuilt. */
async function startInstance(): Promise<AppProcess> {
  return spawnReadyApp(childEnv(), spawned);
}

interface Endpoint {
  name: string;
  app: AppProcess;
}

async function registerUsers(endpoint: Endpoint, prefix: string, count: number): Promise<SignedIn[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await httpRequest(endpoint.app.baseUrl, 'POST', '/api/v1/auth/register', {
        body: newAccount(`${prefix}${i}`),
        headers: freshAddress(),
      });
      if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
      return response.json<SignedIn>();
    }),
  );
}

async function createGroup(endpoint: Endpoint, owner: SignedIn, members: SignedIn[]): Promise<string> {
  const response = await httpRequest(endpoint.app.baseUrl, 'POST', '/api/v1/conversations', {
    headers: bearer(owner.accessToken),
    body: { type: 'group', title: 'load', memberIds: members.map((member) => member.user.id) },
  });
  if (response.status !== 201) throw new Error(`group failed: ${response.status} ${response.text}`);
  return response.json<{ id: string }>().id;
}

/** One try at delivering one message: what the client saw. */
interface Attempt {
  user: string;
  clientMessageId: string;
  endpoint: string;
  transport: 'http' | 'socket';
  attempt: number;
  startedAt: number;
  endedAt: number;
  /** HTTP status; absent for socket acks and for requests that got no response. */
  status?: number;
  /** The acknowledged message, when the send was acknowledged. */
  message?: MessageView;
  error?: string;
  /** No response at all: refused, reset, disconnected or timed out. */
  connectionError: boolean;
}

/** Every attempt, and the first acknowledgement of each clientMessageId. */
class Ledger {
  readonly attempts: Attempt[] = [];
  readonly acked = new Map<string, MessageView>();
  /** Acknowledgements of one clientMessageId that disagree on the message. */
  readonly conflicts: string[] = [];

  add(attempt: Attempt): Attempt {
    this.attempts.push(attempt);
    const message = attempt.message;
    if (!message) return attempt;
    const first = this.acked.get(attempt.clientMessageId);
    if (!first) this.acked.set(attempt.clientMessageId, message);
    else if (first.id !== message.id || first.seq !== message.seq) {
      this.conflicts.push(
        `${attempt.clientMessageId}: acked as ${first.id}#${first.seq}, then as ${message.id}#${message.seq}`,
      );
    }
    return attempt;
  }

  failures(): Attempt[] {
    return this.attempts.filter((attempt) => !attempt.message);
  }
}

const describeError = (error: unknown): string => {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause ? ` (${err.cause.code ?? err.cause.message})` : '';
  return `${err.name}: ${err.message}${cause}`;
};

async function sendOverHttp(
  endpoint: Endpoint,
  user: SignedIn,
  conversationId: string,
  clientMessageId: string,
  body: string,
  attempt: number,
): Promise<Attempt> {
  const base = {
    user: user.user.username,
    clientMessageId,
    endpoint: endpoint.name,
    transport: 'http' as const,
    attempt,
    startedAt: Date.now(),
  };
  try {
    const response = await fetch(`${endpoint.app.baseUrl}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { ...bearer(user.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId, body }),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    const ok = response.status === 200 || response.status === 201;
    return {
      ...base,
      endedAt: Date.now(),
      status: response.status,
      message: ok ? (JSON.parse(text) as MessageView) : undefined,
      error: ok ? undefined : `HTTP ${response.status} ${text.slice(0, 300)}`,
      connectionError: false,
    };
  } catch (error) {
    return { ...base, endedAt: Date.now(), error: describeError(error), connectionError: true };
  }
}

/** `message.send` with its ack; a disconnect while waiting fails it at once. */
async function sendOverSocket(
  socket: ClientSocket,
  endpoint: Endpoint,
  user: SignedIn,
  payload: { conversationId: string; clientMessageId: string; body: string },
  attempt: number,
): Promise<Attempt> {
  const base = {
    user: user.user.username,
    clientMessageId: payload.clientMessageId,
    endpoint: endpoint.name,
    transport: 'socket' as const,
    attempt,
    startedAt: Date.now(),
  };
  let onDisconnect: (reason: string) => void = () => undefined;
  const disconnected = new Promise<never>((_, reject) => {
    onDisconnect = (reason) => reject(new Error(`socket disconnected: ${reason}`));
    socket.once('disconnect', onDisconnect);
  });
  try {
    if (!socket.connected) throw new Error('socket not connected');
    const reply = (await Promise.race([
      request(socket, 'message.send', payload, 5000),
      disconnected,
    ])) as AckReply<MessageView>;
    if (reply.ok) return { ...base, endedAt: Date.now(), message: reply.data, connectionError: false };
    return { ...base, endedAt: Date.now(), error: `ack ${JSON.stringify(reply.error)}`, connectionError: false };
  } catch (error) {
    return { ...base, endedAt: Date.now(), error: describeError(error), connectionError: true };
  } finally {
    socket.off('disconnect', onDisconnect);
  }
}

/** Everything sync returns from the start of the conversation, following the cursor. */
async function syncAll(endpoint: Endpoint, user: SignedIn, conversationId: string) {
  const items: MessageView[] = [];
  let cursor: string | null = null;
  let lastSeq = 0;
  for (let page = 0; page < 20; page++) {
    const query = `since=0&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await httpRequest(
      endpoint.app.baseUrl,
      'GET',
      `/api/v1/conversations/${conversationId}/sync?${query}`,
      { headers: bearer(user.accessToken) },
    );
    if (response.status !== 200) throw new Error(`sync failed: ${response.status} ${response.text}`);
    const view = response.json<{
      items: MessageView[];
      lastSeq: number;
      hasMore: boolean;
      nextCursor: string | null;
    }>();
    items.push(...view.items);
    lastSeq = view.lastSeq;
    if (!view.hasMore) break;
    cursor = view.nextCursor;
  }
  return { items, lastSeq };
}

/** What sync holds against what the clients were told; every list is empty when nothing is lost or doubled. */
function compareStored(ledger: Ledger, items: MessageView[], lastSeq: number) {
  const countBy = (key: (item: MessageView) => string | number) => {
    const counts = new Map<string | number, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1).map(([value, count]) => `${value} x${count}`);
  };
  const byClientId = new Map(items.map((item) => [item.clientMessageId, item]));
  const missing: string[] = [];
  const different: string[] = [];
  for (const [clientMessageId, message] of ledger.acked) {
    const stored = byClientId.get(clientMessageId);
    if (!stored) missing.push(`${clientMessageId} (acked as seq ${message.seq})`);
    else if (stored.id !== message.id || stored.seq !== message.seq || stored.body !== message.body) {
      different.push(`${clientMessageId}: acked ${message.id}#${message.seq}, stored ${stored.id}#${stored.seq}`);
    }
  }
  const attempted = new Set(ledger.attempts.map((attempt) => attempt.clientMessageId));
  const seqs = items.map((item) => item.seq).sort((a, b) => a - b);
  return {
    stored: items.length,
    acked: ledger.acked.size,
    storedButNeverAcked: items.filter((item) => !ledger.acked.has(item.clientMessageId)).length,
    missing,
    different,
    unknown: items.filter((item) => !attempted.has(item.clientMessageId)).map((item) => item.clientMessageId),
    duplicateClientMessageIds: countBy((item) => item.clientMessageId),
    duplicateIds: countBy((item) => item.id),
    duplicateSeqs: countBy((item) => item.seq),
    seqsAreOneToN: seqs.every((seq, i) => seq === i + 1),
    lastSeqMatches: lastSeq === items.length,
  };
}

function expectNothingLostOrDoubled(report: ReturnType<typeof compareStored>) {
  expect(report.missing).toEqual([]);
  expect(report.different).toEqual([]);
  expect(report.unknown).toEqual([]);
  expect(report.duplicateClientMessageIds).toEqual([]);
  expect(report.duplicateIds).toEqual([]);
  expect(report.duplicateSeqs).toEqual([]);
  expect(report.seqsAreOneToN).toBe(true);
  expect(report.lastSeqMatches).toBe(true);
}

const presenceOf = async (endpoint: Endpoint, viewer: SignedIn, userId: string) => {
  const response = await httpRequest(endpoint.app.baseUrl, 'GET', `/api/v1/users/${userId}/presence`, {
    headers: bearer(viewer.accessToken),
  });
  if (response.status !== 200) throw new Error(`presence failed: ${response.status} ${response.text}`);
  return response.json<{ userId: string; online: boolean; lastSeenAt: string | null }>();
};

afterAll(async () => {
  spawned.forEach((app) => app.kill());
  await Promise.all(spawned.map((app) => app.exited));
});

describe('an instance killed (SIGKILL) under message load', () => {
  let doomed: Endpoint;
  let survivor: Endpoint;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const [a, b] = await Promise.all([startInstance(), startInstance()]);
    doomed = { name: 'doomed', app: a };
    survivor = { name: 'survivor', app: b };
  }, 60_000);

  afterAll(() => sockets.forEach((socket) => socket.close()));

  it('keeps every acknowledged message exactly once, dedupes retries, and shows its users offline', async () => {
    const users = await registerUsers(survivor, 'crash', 11);
    const idle = users[10];
    const senders = users.slice(0, 10);
    const conversationId = await createGroup(survivor, senders[0], users.slice(1));
    const ledger = new Ledger();

    // `idle` is connected only to the instance that is going to die.
    const idleSocket = await connectSocket(doomed.app.baseUrl, idle.accessToken);
    sockets.push(idleSocket);
    const onlineDeadline = Date.now() + 5000;
    while (!(await presenceOf(survivor, senders[0], idle.user.id)).online) {
      if (Date.now() > onlineDeadline) throw new Error('the idle user never showed online');
      await sleep(100);
    }

    let stopped = false;
    // Senders 0–5 use HTTP, 6–9 a socket; even ones start on the doomed instance, odd ones on the survivor.
    // A client moves to the other instance when one gives it no answer, and retries the same clientMessageId.
    const client = async (user: SignedIn, index: number) => {
      const transport = index < 6 ? 'http' : 'socket';
      const endpoints = index % 2 === 0 ? [doomed, survivor] : [survivor, doomed];
      let current = 0;
      let socket: ClientSocket | undefined;
      const connect = async () => {
        socket?.close();
        socket = await connectSocket(endpoints[current].app.baseUrl, user.accessToken).catch(() => undefined);
        if (socket) sockets.push(socket);
      };
      if (transport === 'socket') await connect();
      for (let n = 0; n < SENDS_PER_USER && !stopped; n++) {
        const clientMessageId = randomUUID();
        const body = `${user.user.username} message ${n}`;
        for (let attempt = 1; attempt <= 5; attempt++) {
          const endpoint = endpoints[current];
          let result: Attempt;
          if (transport === 'http') {
            result = await sendOverHttp(endpoint, user, conversationId, clientMessageId, body, attempt);
          } else {
            if (!socket?.connected) await connect();
            result = socket
              ? await sendOverSocket(socket, endpoint, user, { conversationId, clientMessageId, body }, attempt)
              : {
                  user: user.user.username,
                  clientMessageId,
                  endpoint: endpoint.name,
                  transport,
                  attempt,
                  startedAt: Date.now(),
                  endedAt: Date.now(),
                  error: 'could not connect',
                  connectionError: true,
                };
          }
          ledger.add(result);
          if (result.message) break;
          if (result.connectionError) current = 1 - current;
          await sleep(100);
        }
        await sleep(SEND_INTERVAL_MS);
      }
    };
    const load = Promise.all(senders.map((user, index) => client(user, index)));

    // The kill lands in the middle of the load, once both instances have acknowledged sends.
    const warmUntil = Date.now() + 8000;
    while (ledger.acked.size < 40 && Date.now() < warmUntil) await sleep(50);
    const ackedBeforeKill = ledger.acked.size;
    doomed.app.child.kill('SIGKILL');
    const killedAt = Date.now();
    await doomed.app.exited;

    // The idle user's only socket was on the dead instance: the survivor reports them offline within the TTL.
    let offlineAfterMs = -1;
    while (Date.now() - killedAt < 15_000) {
      if (!(await presenceOf(survivor, senders[0], idle.user.id)).online) {
        offlineAfterMs = Date.now() - killedAt;
        break;
      }
      await sleep(100);
    }
    const observer = await connectSocket(survivor.app.baseUrl, senders[1].accessToken);
    sockets.push(observer);
    const queried = await request(observer, 'presence.query', { userIds: [idle.user.id] });

    await sleep(1500);
    stopped = true;
    await load;

    // Resending an acknowledged message, over either transport, gives back the same message.
    const resends: Attempt[] = [];
    for (const [index, user] of senders.entries()) {
      const first = ledger.attempts.find((attempt) => attempt.user === user.user.username && attempt.message);
      if (!first?.message) continue;
      if (index < 6) {
        resends.push(
          ledger.add(await sendOverHttp(survivor, user, conversationId, first.clientMessageId, first.message.body, 99)),
        );
      } else {
        const socket = await connectSocket(survivor.app.baseUrl, user.accessToken);
        sockets.push(socket);
        resends.push(
          ledger.add(
            await sendOverSocket(
              socket,
              survivor,
              user,
              { conversationId, clientMessageId: first.clientMessageId, body: first.message.body },
              99,
            ),
          ),
        );
      }
    }

    const { items, lastSeq } = await syncAll(survivor, senders[2], conversationId);
    const report = compareStored(ledger, items, lastSeq);
    const failures = ledger.failures();
    const unexpectedFailures = failures.filter(
      (attempt) => !(attempt.endpoint === 'doomed' && attempt.connectionError),
    );
    const retried = ledger.attempts.filter((attempt) => attempt.attempt > 1 && attempt.attempt < 99 && attempt.message);
    const neverAcked = new Set(ledger.attempts.map((attempt) => attempt.clientMessageId));
    ledger.acked.forEach((_, clientMessageId) => neverAcked.delete(clientMessageId));
    console.log(
      'instance crash:',
      JSON.stringify({
        ackedBeforeKill,
        attempts: ledger.attempts.length,
        acked: report.acked,
        stored: report.stored,
        storedButNeverAcked: report.storedButNeverAcked,
        neverAcked: neverAcked.size,
        failedAttemptsOnKilledInstance: failures.length - unexpectedFailures.length,
        unexpectedFailures: unexpectedFailures.length,
        retriesAcked: retried.length,
        retriesAnswered200: retried.filter((attempt) => attempt.status === 200).length,
        resends: resends.map((attempt) => attempt.status ?? (attempt.message ? 'ack' : attempt.error)),
        offlineAfterMs,
        duplicates: report.duplicateClientMessageIds.length + report.duplicateSeqs.length,
      }),
    );

    // The load ran on both instances, and the kill hit it in the middle.
    expect(ackedBeforeKill).toBeGreaterThanOrEqual(40);
    expect(
      new Set(
        ledger.attempts
          .filter((attempt) => attempt.message && attempt.startedAt < killedAt)
          .map((attempt) => attempt.endpoint),
      ),
    ).toEqual(new Set(['doomed', 'survivor']));
    expect(report.acked).toBeGreaterThan(ackedBeforeKill + 20);
    // Only requests to the killed instance failed, and only for want of an answer; every retry got through.
    expect(unexpectedFailures).toEqual([]);
    expect([...neverAcked]).toEqual([]);
    expect(ledger.conflicts).toEqual([]);
    // The first try of a new message is 201; a resend of an acknowledged one is 200 with the same message.
    const firstHttpTries = ledger.attempts.filter(
      (attempt) => attempt.transport === 'http' && attempt.attempt === 1 && attempt.message,
    );
    expect(firstHttpTries.filter((attempt) => attempt.status !== 201)).toEqual([]);
    expect(resends).toHaveLength(10);
    expect(resends.filter((attempt) => attempt.transport === 'http' && attempt.status !== 200)).toEqual([]);
    expect(resends.filter((attempt) => !attempt.message)).toEqual([]);
    // Sync holds every acknowledged message once, with seqs 1..N.
    expectNothingLostOrDoubled(report);
    expect(report.stored).toBe(report.acked);

    expect(offlineAfterMs).toBeGreaterThanOrEqual(0);
    expect(offlineAfterMs).toBeLessThanOrEqual(PRESENCE_TTL_SECONDS * 1000 + 1000);
    expect(queried).toMatchObject({ ok: true, data: { items: [{ userId: idle.user.id, online: false }] } });
  }, 45_000);
});

const latency = (ledger: Ledger) => {
  const times = ledger.attempts.map((attempt) => attempt.endedAt - attempt.startedAt).sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], max: times.at(-1) };
};

/** Routes each request to an instance whose last readiness probe (every 100 ms) answered 200. */
class ReadinessRouter {
  private readonly members: {
    endpoint: Endpoint;
    ready: boolean;
    probes: { at: number; status: number | string }[];
  }[] = [];
  private next = 0;
  private stopped = false;

  add(endpoint: Endpoint) {
    const member = { endpoint, ready: false, probes: [] as { at: number; status: number | string }[] };
    this.members.push(member);
    const probe = async () => {
      while (!this.stopped) {
        const status = await fetch(`${endpoint.app.baseUrl}/health/readiness`, { signal: AbortSignal.timeout(1000) })
          .then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          })
          .catch((error: unknown) => describeError(error));
        member.ready = status === 200;
        member.probes.push({ at: Date.now(), status });
        await sleep(100);
      }
    };
    void probe();
  }

  async pick(): Promise<Endpoint> {
    for (;;) {
      const ready = this.members.filter((member) => member.ready);
      if (ready.length > 0) return ready[this.next++ % ready.length].endpoint;
      await sleep(20);
    }
  }

  probesOf(name: string) {
    return this.members.find((member) => member.endpoint.name === name)?.probes ?? [];
  }

  stop() {
    this.stopped = true;
  }
}

describe('a rolling restart (SIGTERM) under message load', () => {
  let rolled: Endpoint;
  let staying: Endpoint;
  const router = new ReadinessRouter();

  beforeAll(async () => {
    const [a, b] = await Promise.all([startInstance(), startInstance()]);
    rolled = { name: 'rolled', app: a };
    staying = { name: 'staying', app: b };
  }, 60_000);

  afterAll(() => router.stop());

  it('fails no request while draining, exits 0, and loses or doubles nothing across the replacement', async () => {
    const users = await registerUsers(staying, 'roll', 11);
    const prober = users[10];
    const senders = users.slice(0, 10);
    const conversationId = await createGroup(staying, senders[0], users.slice(1));
    const ledger = new Ledger();
    router.add(rolled);
    router.add(staying);
    await router.pick();

    let stopped = false;
    const client = async (user: SignedIn) => {
      for (let n = 0; n < SENDS_PER_USER && !stopped; n++) {
        const clientMessageId = randomUUID();
        const body = `${user.user.username} message ${n}`;
        for (let attempt = 1; attempt <= 3; attempt++) {
          const result = ledger.add(
            await sendOverHttp(await router.pick(), user, conversationId, clientMessageId, body, attempt),
          );
          if (result.message) break;
          await sleep(100);
        }
        await sleep(SEND_INTERVAL_MS);
      }
    };
    const load = Promise.all(senders.map((user) => client(user)));

    const warmUntil = Date.now() + 8000;
    while (ledger.acked.size < 20 && Date.now() < warmUntil) await sleep(50);
    const ackedBeforeTerm = ledger.acked.size;
    rolled.app.child.kill('SIGTERM');
    const termAt = Date.now();

    // While it drains, the instance says it is not ready but still serves what reaches it: once its
    // readiness answers 503, requests go to it directly (readiness, sends, syncs) until shortly before
    // the drain ends.
    const readinessOfRolled = () =>
      httpRequest(rolled.app.baseUrl, 'GET', '/health/readiness').then(
        (response) => response.status,
        (error: unknown) => describeError(error),
      );
    while ((await readinessOfRolled()) !== 503 && Date.now() - termAt < DRAIN_MS) await sleep(10);
    const drainRequests: { kind: string; afterMs: number; status: number | string }[] = [];
    const drainCall = async (kind: 'readiness' | 'send' | 'sync', n: number) => {
      const startedAt = Date.now();
      let status: number | string;
      if (kind === 'readiness') status = await readinessOfRolled();
      else if (kind === 'send') {
        const result = ledger.add(await sendOverHttp(rolled, prober, conversationId, randomUUID(), `drain ${n}`, 1));
        status = result.status ?? result.error ?? 'no status';
      } else {
        status = await httpRequest(
          rolled.app.baseUrl,
          'GET',
          `/api/v1/conversations/${conversationId}/sync?since=0&limit=50`,
          { headers: bearer(prober.accessToken) },
        ).then(
          (response) => response.status,
          (error: unknown) => describeError(error),
        );
      }
      drainRequests.push({ kind, afterMs: startedAt - termAt, status });
    };
    const drainCalls: Promise<void>[] = [];
    const kinds = ['send', 'sync', 'readiness'] as const;
    for (let n = 0; Date.now() - termAt < DRAIN_MS - 300; n++) {
      drainCalls.push(drainCall(kinds[n % kinds.length], n));
      await sleep(100);
    }
    await Promise.all(drainCalls);

    const exit = await rolled.app.exited;
    const exitedAfterMs = Date.now() - termAt;

    // The replacement joins once it is ready, and the load goes on across it.
    const replacement: Endpoint = { name: 'replacement', app: await startInstance() };
    router.add(replacement);
    const servedByReplacement = () =>
      ledger.attempts.filter((attempt) => attempt.endpoint === 'replacement' && attempt.message).length;
    const deadline = Date.now() + 10_000;
    while (servedByReplacement() < 10 && Date.now() < deadline) await sleep(50);
    stopped = true;
    await load;

    const { items, lastSeq } = await syncAll(replacement, senders[3], conversationId);
    const report = compareStored(ledger, items, lastSeq);
    const failures = ledger.failures();
    const rolledProbes = router.probesOf('rolled');
    const first503 = rolledProbes.find((probe) => probe.at >= termAt && probe.status === 503);
    const toRolledAfterTerm = ledger.attempts.filter(
      (attempt) => attempt.endpoint === 'rolled' && attempt.startedAt >= termAt,
    );
    console.log(
      'rolling restart:',
      JSON.stringify({
        ackedBeforeTerm,
        attempts: ledger.attempts.length,
        acked: report.acked,
        stored: report.stored,
        failedRequests: failures.length,
        requestsToRolledAfterSigterm: toRolledAfterTerm.length,
        readiness503AfterMs: first503 ? first503.at - termAt : null,
        drainRequests,
        exit,
        exitedAfterMs,
        servedByReplacement: servedByReplacement(),
        latency: latency(ledger),
        probesAroundTerm: rolledProbes
          .filter((probe) => probe.at >= termAt - 300 && probe.at <= termAt + 1000)
          .map((probe) => `${probe.at - termAt}:${probe.status}`),
        duplicates: report.duplicateClientMessageIds.length + report.duplicateSeqs.length,
      }),
    );

    expect(ackedBeforeTerm).toBeGreaterThanOrEqual(20);
    // No request failed: not during the drain, not before, not after.
    expect(failures.map((attempt) => `${attempt.endpoint} +${attempt.startedAt - termAt}ms: ${attempt.error}`)).toEqual(
      [],
    );
    // Readiness went 503 during the drain, and requests sent to the draining instance still succeeded.
    expect(first503).toBeDefined();
    expect(first503!.at - termAt).toBeLessThan(DRAIN_MS);
    const expected = { send: 201, sync: 200, readiness: 503 } as Record<string, number>;
    expect(drainRequests.filter((entry) => entry.kind === 'send').length).toBeGreaterThanOrEqual(1);
    expect(drainRequests.filter((entry) => entry.status !== expected[entry.kind])).toEqual([]);
    expect(drainRequests.every((entry) => entry.afterMs < DRAIN_MS)).toBe(true);
    // It exits by itself with code 0, after the drain.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeGreaterThanOrEqual(DRAIN_MS - 100);
    // The replacement took part of the load, and sync holds every acknowledged message once.
    expect(servedByReplacement()).toBeGreaterThanOrEqual(10);
    expect(ledger.conflicts).toEqual([]);
    expectNothingLostOrDoubled(report);
    expect(report.stored).toBe(report.acked);
  }, 45_000);
});
