import pg from 'pg';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { ADMIN_EMAIL, registerAdmin, webhooks } from '../support/webhook-client.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';

/*
 * Events reach a receiver that verifies every request the way the Standard Webhooks specification
 * says (test/support/webhook-receiver.ts, written from the specification), with the payload each
 * kind promises; failed attempts are retried under the same webhook-id, and each attempt shows in
 * the deliveries list.
 */

const CHAT_EVENTS = [
  'message.created',
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
  'conversation.created',
];

interface Delivery {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestApp;
let db: pg.Client;
let admin: SignedIn;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  t = await startTestApp({
    ADMIN_EMAILS: ADMIN_EMAIL,
    OUTBOUND_ALLOW_PRIVATE_ADDRESSES: true,
    OUTBOX_POLL_MS: 100,
    WEBHOOK_RETRY_BASE_MS: 200,
    WEBHOOK_TIMEOUT_MS: 2000,
    WEBHOOK_CHANGES_PER_MINUTE_PER_USER: 1000,
    MESSAGES_PER_MINUTE_PER_USER: 1000,
  });
  db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  admin = await registerAdmin(t);
});

afterEach(async () => {
  // Each test's webhooks go with it, so the next test's events reach only its own receivers.
  await db.query('DELETE FROM webhooks');
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

afterAll(async () => {
  await db?.end();
  await t?.close();
});

/** A receiver and a webhook to it for `events`, whose secret the receiver verifies with. */
const subscribe = async (events: string[]) => {
  const receiver = await startWebhookReceiver();
  receivers.push(receiver);
  const created = expectStatus<{ id: string; secret: string }>(
    await webhooks(t, admin).create(receiver.url, events),
    201,
  );
  receiver.secret = created.secret;
  return { receiver, webhookId: created.id };
};

const deliveriesOf = async (webhookId: string, query = '') =>
  expectStatus<{ items: Delivery[]; nextCursor: string | null }>(
    await webhooks(t, admin).deliveries(webhookId, query),
    200,
  ).items;

const ofType = (receiver: WebhookReceiver, type: string) =>
  receiver.received.filter((request) => request.payload.type === type);

/** Waits until `receiver` has `count` requests of `type`, and answers them. */
const receivedOf = async (receiver: WebhookReceiver, type: string, count = 1): Promise<ReceivedWebhook[]> => {
  const found = await eventually(
    () => Promise.resolve(ofType(receiver, type)),
    (requests) => requests.length >= count,
    10_000,
  );
  expect(found.length).toBeGreaterThanOrEqual(count);
  return found;
};

const waitForDeliveries = (webhookId: string, done: (items: Delivery[]) => boolean, timeoutMs = 10_000) =>
  eventually(() => deliveriesOf(webhookId), done, timeoutMs);

describe('the six chat events', () => {
  it('each reach a subscribed webhook once, signed, with the resource as the API shows it', async () => {
    const { receiver, webhookId } = await subscribe(CHAT_EVENTS);
    const [ann, bob, cid] = [await register(t), await register(t), await register(t)];

    const group = expectStatus(await chat(t, ann).createGroup('plans', [bob]), 201);
    const [created] = await receivedOf(receiver, 'conversation.created');
    expect(created.payload.data).toEqual({
      id: group.id,
      type: 'group',
      title: 'plans',
      memberCount: 2,
      createdAt: group.createdAt,
      lastActivityAt: expect.any(String),
      slowModeSeconds: 0,
      frozen: false,
      memberIds: [ann.user.id, bob.user.id],
    });

    const sent = expectStatus(await chat(t, ann).send(group.id, 'hello @all'), 201);
    const [messageCreated] = await receivedOf(receiver, 'message.created');
    expect(messageCreated.payload.data).toEqual(sent);
    expect(messageCreated.payload.data.conversationId).toBe(group.id);
    expect(messageCreated.payload.timestamp).toBe(sent.createdAt);

    const edited = expectStatus(
      await chat(t, ann).call('PATCH', `/${group.id}/messages/${sent.id}`, { body: 'hi' }),
      200,
    );
    const [updated] = await receivedOf(receiver, 'message.updated');
    expect(updated.payload.data).toEqual(edited);
    expect(updated.payload.data).toMatchObject({ id: sent.id, body: 'hi', editedAt: expect.any(String) });

    expectStatus(await chat(t, ann).call('DELETE', `/${group.id}/messages/${sent.id}`), 204);
    const [deleted] = await receivedOf(receiver, 'message.deleted');
    const timeline = expectStatus(await chat(t, ann).messages(group.id), 200);
    expect(deleted.payload.data).toEqual(timeline.items.find((item: { id: string }) => item.id === sent.id));
    expect(deleted.payload.data).toMatchObject({ id: sent.id, conversationId: group.id, body: '', seq: sent.seq });
    expect(deleted.payload.data.deletedAt).toEqual(expect.any(String));

    expectStatus(await chat(t, ann).call('POST', `/${group.id}/members`, { userIds: [cid.user.id] }), 200);
    const [added] = await receivedOf(receiver, 'member.added');
    expect(added.payload.data).toEqual({ conversationId: group.id, userIds: [cid.user.id], actorId: ann.user.id });

    expectStatus(await chat(t, ann).call('DELETE', `/${group.id}/members/${cid.user.id}`), 204);
    const [removed] = await receivedOf(receiver, 'member.removed');
    expect(removed.payload.data).toEqual({ conversationId: group.id, userId: cid.user.id });

    const all = [created, messageCreated, updated, deleted, added, removed];
    for (const request of all) {
      expect(request.contentType).toBe('application/json');
      expect(Object.keys(request.payload).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(new Date(request.payload.timestamp).toISOString()).toBe(request.payload.timestamp);
      expect(Math.abs(request.timestamp - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(receiver.rejected).toEqual([]);

    // The list shows each delivered on its first attempt, under the id its request carried.
    const listed = await waitForDeliveries(webhookId, (items) => items.every((item) => item.status === 'delivered'));
    expect(listed.map((item) => item.id).sort()).toEqual(all.map((request) => request.id).sort());
    for (const item of listed) {
      expect(item).toEqual({
        id: expect.any(String),
        type: expect.any(String),
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
        lastError: null,
        createdAt: expect.any(String),
        deliveredAt: expect.any(String),
        nextAttemptAt: null,
      });
    }
    expect(listed.map((item) => item.type)).toEqual([
      'member.removed',
      'member.added',
      'message.deleted',
      'message.updated',
      'message.created',
      'conversation.created',
    ]);
    // Nothing more arrives: each event once.
    await sleep(500);
    expect(receiver.received).toHaveLength(6);
  });

  it('sends a webhook only the events it subscribed to', async () => {
    const { receiver } = await subscribe(['member.removed']);
    const [ann, bob] = [await register(t), await register(t)];
    const group = expectStatus(await chat(t, ann).createGroup('only removals', [bob]), 201);
    expectStatus(await chat(t, ann).send(group.id, 'not for the webhook'), 201);
    expectStatus(await chat(t, bob).call('DELETE', `/${group.id}/members/${bob.user.id}`), 204);
    const [removed] = await receivedOf(receiver, 'member.removed');
    expect(removed.payload.data).toEqual({ conversationId: group.id, userId: bob.user.id });
    await sleep(500);
    expect(receiver.received.map((request) => request.payload.type)).toEqual(['member.removed']);
  });

  it('tells of a direct conversation, a message request included, with both members', async () => {
    const { receiver } = await subscribe(['conversation.created']);
    const [ann, bob] = [await register(t), await register(t)];
    const direct = expectStatus(await chat(t, ann).openDirect(bob), 201);
    const [created] = await receivedOf(receiver, 'conversation.created');
    expect(created.payload.data).toMatchObject({
      id: direct.id,
      type: 'direct',
      title: null,
      memberCount: 2,
      memberIds: [ann.user.id, bob.user.id],
    });
    // Opening it again creates nothing.
    expectStatus(await chat(t, ann).openDirect(bob), 200);
    await sleep(500);
    expect(receiver.received).toHaveLength(1);
  });

  it('stores a send’s message.created once, however often its outbox event is worked', async () => {
    const { receiver, webhookId } = await subscribe(['message.created']);
    const [ann, bob] = [await register(t), await register(t)];
    const group = expectStatus(await chat(t, ann).createGroup('twice', [bob]), 201);
    const sent = expectStatus(await chat(t, ann).send(group.id, 'once'), 201);
    const [first] = await receivedOf(receiver, 'message.created');
    // The event comes back, as after a lease that ran out or a crash before it was deleted.
    await db.query(
      `INSERT INTO outbox_events (conversation_id, id, kind, payload)
       VALUES ($1, $2, 'message', $3::jsonb)`,
      [group.id, sent.id, JSON.stringify({ messageId: sent.id, senderId: ann.user.id, seq: sent.seq })],
    );
    const waiting = await eventually(
      async () => (await db.query('SELECT count(*)::int AS n FROM outbox_events')).rows[0].n as number,
      (n) => n === 0,
    );
    expect(waiting).toBe(0);
    await sleep(500);
    expect(ofType(receiver, 'message.created').map((request) => request.id)).toEqual([first.id]);
    expect(await deliveriesOf(webhookId)).toHaveLength(1);
  });
});

describe('events recorded by other features', () => {
  it.each(['report.created', 'user.suspended'] as const)(
    'delivers %s that a write records through WebhookEvents in its own transaction',
    async (type) => {
      const { receiver } = await subscribe([type]);
      const events = t.app.get(WebhookEvents);
      const prisma = t.app.get(PrismaService);
      const data = { id: crypto.randomUUID(), reason: 'spam', note: 'a "quoted" note, ünïcödé' };
      const occurredAt = new Date('2026-12-01T10:00:00.000Z');
      const stored = await prisma.$transaction((tx) => events.record(tx, type, { data, occurredAt }));
      expect(stored).toBe(1);
      events.deliverSoon();
      const [request] = await receivedOf(receiver, type);
      expect(request.payload).toEqual({ type, timestamp: occurredAt.toISOString(), data });
      expect(receiver.rejected).toEqual([]);
    },
  );

  it('delivers report.created when a user files a report, and user.suspended when an admin suspends', async () => {
    const { receiver } = await subscribe(['report.created', 'user.suspended']);
    const [ann, bob] = [await register(t), await register(t)];
    const report = expectStatus<{ id: string }>(
      await t.request('POST', '/api/v1/reports', {
        headers: bearer(ann.accessToken),
        body: { userId: bob.user.id, reason: 'spam', note: 'sells things' },
      }),
      201,
    );
    const [filed] = await receivedOf(receiver, 'report.created');
    expect(filed.payload.data).toMatchObject({ id: report.id, reason: 'spam', note: 'sells things' });
    // The same report filed again is answered as it is, and tells of nothing new.
    expectStatus(
      await t.request('POST', '/api/v1/reports', {
        headers: bearer(ann.accessToken),
        body: { userId: bob.user.id, reason: 'spam' },
      }),
      200,
    );

    const until = new Date(Date.now() + 3_600_000).toISOString();
    expectStatus(
      await t.request('POST', `/api/v1/admin/users/${bob.user.id}/suspend`, {
        headers: bearer(admin.accessToken),
        body: { until, reason: 'spam' },
      }),
      200,
    );
    const [suspended] = await receivedOf(receiver, 'user.suspended');
    expect(suspended.payload.data).toEqual({ userId: bob.user.id, until, reason: 'spam', actorId: admin.user.id });
    // A refused suspension (of oneself) tells of nothing.
    const refused = await t.request('POST', `/api/v1/admin/users/${admin.user.id}/suspend`, {
      headers: bearer(admin.accessToken),
      body: { reason: 'oops' },
    });
    expect([refused.status, refused.json().code]).toEqual([400, 'CANNOT_SUSPEND_SELF']);
    await sleep(300);
    expect(ofType(receiver, 'report.created')).toHaveLength(1);
    expect(ofType(receiver, 'user.suspended')).toHaveLength(1);
    expect(receiver.rejected).toEqual([]);
  });

  it('records nothing when the write’s transaction rolls back', async () => {
    const { receiver, webhookId } = await subscribe(['report.created']);
    const events = t.app.get(WebhookEvents);
    await expect(
      t.app.get(PrismaService).$transaction(async (tx) => {
        await events.record(tx, 'report.created', { data: { id: 'rolled back' } });
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    events.deliverSoon();
    await sleep(700);
    expect(receiver.received).toEqual([]);
    expect(await deliveriesOf(webhookId)).toEqual([]);
  });

  it('records an event for no webhook that does not take its type', async () => {
    await subscribe(['report.created']);
    const stored = await t.app
      .get(PrismaService)
      .$transaction((tx) => t.app.get(WebhookEvents).record(tx, 'user.suspended', { data: {} }));
    expect(stored).toBe(0);
  });
});

describe('retries', () => {
  it('retries after 500 answers under the same webhook-id and body, showing each attempt, until a 2xx', async () => {
    const { receiver, webhookId } = await subscribe(['member.added']);
    receiver.mode = { status: 500 };
    const [ann, bob, cid] = [await register(t), await register(t), await register(t)];
    const group = expectStatus(await chat(t, ann).createGroup('retry', [bob]), 201);
    expectStatus(await chat(t, ann).call('POST', `/${group.id}/members`, { userIds: [cid.user.id] }), 200);
    const failing = await receivedOf(receiver, 'member.added', 3);

    const [pending] = await waitForDeliveries(webhookId, ([item]) => (item?.attempts ?? 0) >= 3);
    expect(pending).toMatchObject({
      id: failing[0].id,
      type: 'member.added',
      status: 'pending',
      lastStatusCode: 500,
      lastError: 'answered 500',
      deliveredAt: null,
      nextAttemptAt: expect.any(String),
    });

    receiver.mode = { status: 200 };
    const [delivered] = await waitForDeliveries(webhookId, ([item]) => item?.status === 'delivered');
    const requests = ofType(receiver, 'member.added');
    expect(new Set(requests.map((request) => request.id))).toEqual(new Set([failing[0].id]));
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    expect(delivered).toMatchObject({
      id: failing[0].id,
      status: 'delivered',
      attempts: requests.length,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(receiver.rejected).toEqual([]);
  });

  it('retries while the receiver is down, and delivers under the same webhook-id once it is back', async () => {
    const { receiver, webhookId } = await subscribe(['conversation.created']);
    await receiver.stop();
    const [ann, bob] = [await register(t), await register(t)];
    expectStatus(await chat(t, ann).createGroup('down', [bob]), 201);
    const [pending] = await waitForDeliveries(webhookId, ([item]) => (item?.attempts ?? 0) >= 2);
    expect(pending).toMatchObject({ status: 'pending', lastStatusCode: null, nextAttemptAt: expect.any(String) });
    expect(pending.lastError).toMatch(/^network: .*ECONNREFUSED/);
    expect(receiver.received).toEqual([]);

    await receiver.start();
    const [delivered] = await waitForDeliveries(webhookId, ([item]) => item?.status === 'delivered');
    expect(ofType(receiver, 'conversation.created').map((request) => request.id)).toEqual([pending.id]);
    expect(delivered).toMatchObject({ id: pending.id, lastError: null, lastStatusCode: 204 });
    expect(delivered.attempts).toBeGreaterThan(pending.attempts);
  });

  it('gives a delivery up once it fails 24 h after its event: failed, and no attempt after', async () => {
    const { receiver, webhookId } = await subscribe(['conversation.created']);
    receiver.mode = { status: 503 };
    const [ann, bob] = [await register(t), await register(t)];
    expectStatus(await chat(t, ann).createGroup('a day late', [bob]), 201);
    await receivedOf(receiver, 'conversation.created');
    await db.query(
      `UPDATE webhook_deliveries SET created_at = now() - interval '24 hours 1 minute', available_at = now()
       WHERE webhook_id = $1`,
      [webhookId],
    );
    const [failed] = await waitForDeliveries(webhookId, ([item]) => item?.status === 'failed');
    expect(failed).toMatchObject({
      status: 'failed',
      lastStatusCode: 503,
      lastError: 'answered 503',
      deliveredAt: null,
      nextAttemptAt: null,
    });
    const attempts = receiver.received.length;
    expect(failed.attempts).toBe(attempts);
    await db.query('UPDATE webhook_deliveries SET available_at = now() - interval $$1 hour$$ WHERE webhook_id = $1', [
      webhookId,
    ]);
    await sleep(700);
    expect(receiver.received).toHaveLength(attempts);
  });

  it('stops attempting the deliveries of a deleted webhook', async () => {
    const { receiver, webhookId } = await subscribe(['member.added']);
    receiver.mode = { status: 500 };
    const [ann, bob, cid] = [await register(t), await register(t), await register(t)];
    const group = expectStatus(await chat(t, ann).createGroup('gone', [bob]), 201);
    expectStatus(await chat(t, ann).call('POST', `/${group.id}/members`, { userIds: [cid.user.id] }), 200);
    await receivedOf(receiver, 'member.added', 2);
    expectStatus(await webhooks(t, admin).remove(webhookId), 204);
    // One attempt may have been under way.
    await sleep(300);
    const attempts = receiver.received.length;
    await sleep(1500);
    expect(receiver.received).toHaveLength(attempts);
    expect(
      (await db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1', [webhookId])).rows[0]
        .n,
    ).toBe(0);
  });
});

describe('the deliveries list', () => {
  it('pages newest first with a cursor, every delivery once', async () => {
    const { webhookId } = await subscribe(['message.created']);
    const [ann, bob] = [await register(t), await register(t)];
    const group = expectStatus(await chat(t, ann).createGroup('pages', [bob]), 201);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(expectStatus(await chat(t, ann).send(group.id, `m${i}`), 201).id);
    await waitForDeliveries(
      webhookId,
      (items) => items.length === 5 && items.every((item) => item.status === 'delivered'),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Delivery[]; nextCursor: string | null } = expectStatus(
        await webhooks(t, admin).deliveries(webhookId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC',
      [webhookId],
    );
    expect(seen).toEqual(rows.map((row) => row.id));
  });
});
