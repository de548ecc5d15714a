import pg from 'pg';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';
import { bearer, register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { sendWhileKilling, via } from '../support/sends-under-kills.js';
import { httpRequest } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { ADMIN_EMAIL, registerAdmin, webhooks } from '../support/webhook-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// Two instance processes take a steady stream of sends and edits while one of them is SIGKILLed
// again and again, at whatever point of its work it is: in a send, a fan-out, a delivery under way.
// The receiver (in this process, which runs no instance) answers some attempts 500. Every message
// stored (acknowledged or not) must reach it as message.created, and every stored edit as
// message.updated, at least once, each event always under one webhook-id, every request verified.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhooks when instances die under load', () => {
  let receiver: WebhookReceiver;
  let db: pg.Client;
  let env: Record<string, string>;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    env = instanceEnv({
      ADMIN_EMAILS: ADMIN_EMAIL,
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: 'true',
      OUTBOX_POLL_MS: '200',
      OUTBOX_LEASE_SECONDS: '2',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '200',
      MESSAGES_PER_MINUTE_PER_USER: '100000',
      MESSAGE_CHANGES_PER_MINUTE_PER_USER: '100000',
      SHUTDOWN_DRAIN_MS: '0',
    });
  }, 60_000);

  afterAll(async () => {
    started.forEach((app) => app.kill());
    await Promise.all(started.map((app) => app.exited));
    await db.end();
    await receiver.close();
  }, 30_000);

  const waitUntilDelivered = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query<{ waiting: number }>(
        `SELECT (SELECT count(*) FROM outbox_events)
              + (SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered') AS waiting`,
      );
      if (Number(rows[0].waiting) === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].waiting} outbox rows or deliveries still waiting`);
      await sleep(250);
    }
  };

  it('delivers every event at least once, under one webhook-id each', async () => {
    const instances: (AppProcess | null)[] = [await spawnReadyApp(env, started), await spawnReadyApp(env, started)];
    const setup = via(instances[0]!);
    const admin = await registerAdmin(setup);
    const created = expectStatus(
      await webhooks(setup, admin).create(receiver.url, ['message.created', 'message.updated']),
      201,
    );
    receiver.secret = created.secret;
    // Every fifth attempt fails: retries run through the kills too.
    receiver.answer = () => (Math.random() < 0.2 ? { status: 500 } : { status: 204 });
    const ann = await register(setup);
    const group = expectStatus<{ id: string }>(
      await chat(setup, ann).createGroup('load', [await register(setup)]),
      201,
    ).id;

    const { acknowledged, attempted } = await sendWhileKilling({
      env,
      started,
      instances,
      sender: ann,
      conversationId: group,
      // Every fourth send is edited as well, on the instance that took it.
      onStored: (app, id, i) =>
        i % 4 === 0
          ? httpRequest(app.baseUrl, 'PATCH', `/api/v1/conversations/${group}/messages/${id}`, {
              headers: bearer(ann.accessToken),
              body: { body: `load ${i}, edited` },
            }).catch(() => null)
          : Promise.resolve(),
    });
    receiver.answer = () => ({ status: 204 });
    await waitUntilDelivered(90_000);

    const { rows: messages } = await db.query<{ id: string; edited: boolean }>(
      'SELECT id, edited_at IS NOT NULL AS edited FROM messages WHERE conversation_id = $1',
      [group],
    );
    const stored = new Set(messages.map((row) => row.id));
    expect(acknowledged.size).toBeGreaterThan(50);
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    expect(receiver.rejected).toEqual([]);

    /** For each event type, message id → the webhook-ids its requests came under. */
    const idsOf = (type: string) => {
      const byMessage = new Map<string, Set<string>>();
      for (const request of receiver.received.filter((r) => r.payload.type === type)) {
        const ids = byMessage.get(request.payload.data.id) ?? new Set<string>();
        ids.add(request.id);
        byMessage.set(request.payload.data.id, ids);
      }
      return byMessage;
    };
    const createdIds = idsOf('message.created');
    const updatedIds = idsOf('message.updated');
    const edited = messages.filter((row) => row.edited).map((row) => row.id);
    expect([...stored].filter((id) => !createdIds.has(id))).toEqual([]);
    expect(edited.filter((id) => !updatedIds.has(id))).toEqual([]);
    expect(edited.length).toBeGreaterThan(10);
    // Nothing arrives that was not stored, and no event ever came under two webhook-ids.
    expect([...createdIds.keys()].filter((id) => !stored.has(id))).toEqual([]);
    for (const byMessage of [createdIds, updatedIds]) {
      expect([...byMessage].filter(([, ids]) => ids.size !== 1).map(([id]) => id)).toEqual([]);
    }
    const { rows: deliveries } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE type = 'message.created'",
    );
    expect(deliveries[0].n).toBe(stored.size);
    for (const app of instances) app?.kill();
    await Promise.all(instances.flatMap((app) => (app ? [app.exited] : [])));
    const distinct = new Set(receiver.received.map((request) => request.id)).size;
    console.log(
      `webhook durability: ${attempted} sends tried, ${acknowledged.size} acknowledged, ${stored.size} stored, ` +
        `${edited.length} edited; ${receiver.received.length} requests for ${distinct} deliveries`,
    );
  }, 240_000);
});
