import webpush from 'web-push';
import pg from 'pg';
import { FAULT_HOOKS, instanceEnv, spawnReadyApp, untilOutput, type AppProcess } from '../support/app-process.js';
import { bearer, register, type Requester, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { trustTestCa } from '../support/push-fakes/test-ca.js';
import { startWebPushService, type WebPushService } from '../support/push-fakes/web-push-service.fake.js';
import { sendWhileKilling, via } from '../support/sends-under-kills.js';
import { testDatabaseUrl } from '../support/test-config.js';

// Two instance processes take a steady stream of sends while one of them is SIGKILLed again and
// again, at whatever point of its work it is. Every message that was stored (acknowledged or not)
// must end with exactly one notification per offline member and at least one push per device,
// every repeat of a push carrying the message's collapse id. No instance runs in the test process:
// every outbox worker is in a process that gets killed.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (id: string) => id.replaceAll('-', '');

describe('notifications and pushes when instances die under load', () => {
  let service: WebPushService;
  let db: pg.Client;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    const ca = trustTestCa();
    service = await startWebPushService();
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    const vapid = webpush.generateVAPIDKeys();
    env = instanceEnv({
      WEBPUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      WEBPUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
      WEBPUSH_SUBJECT: 'mailto:ops@example.com',
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: ca.caPath,
      OUTBOX_POLL_MS: '200',
      OUTBOX_LEASE_SECONDS: '2',
      MESSAGES_PER_MINUTE_PER_USER: '100000',
      SHUTDOWN_DRAIN_MS: '0',
    });
  }, 60_000);

  let env: Record<string, string>;

  afterAll(async () => {
    started.forEach((app) => app.kill());
    await Promise.all(started.map((app) => app.exited));
    await db.end();
    await service.close();
  }, 30_000);

  const registerDevice = async (setup: Requester, who: SignedIn) => {
    const subscription = service.subscription();
    const response = await setup.request('POST', '/api/v1/devices', {
      headers: bearer(who.accessToken),
      body: { platform: 'webpush', subscription },
    });
    expectStatus(response, 201);
    return subscription.endpoint;
  };

  const waitUntilDrained = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query<{ waiting: number }>(
        'SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM push_deliveries) AS waiting',
      );
      if (Number(rows[0].waiting) === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].waiting} outbox rows still waiting`);
      await sleep(250);
    }
  };

  it('loses no notification and no push, and never duplicates a notification', async () => {
    const instances: (AppProcess | null)[] = [await spawnReadyApp(env, started), await spawnReadyApp(env, started)];
    const setup = via(instances[0]!);
    const ann = await register(setup);
    const recipients = [await register(setup), await register(setup), await register(setup)];
    const group = expectStatus<{ id: string }>(await chat(setup, ann).createGroup('load', recipients), 201).id;
    const endpoints = new Map<string, string>();
    for (const who of recipients) endpoints.set(who.user.id, await registerDevice(setup, who));
    const { acknowledged, attempted } = await sendWhileKilling({
      env,
      started,
      instances,
      sender: ann,
      conversationId: group,
    });
    await waitUntilDrained(60_000);

    const { rows: messages } = await db.query<{ id: string }>('SELECT id FROM messages WHERE conversation_id = $1', [
      group,
    ]);
    const stored = new Set(messages.map((row) => row.id));
    expect(acknowledged.size).toBeGreaterThan(50);
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);

    // Exactly one notification per recipient and stored message, acknowledged or not.
    const { rows: counts } = await db.query<{ userId: string; messageId: string; n: string }>(
      `SELECT user_id AS "userId", message_id AS "messageId", count(*) AS n FROM notifications
       WHERE conversation_id = $1 GROUP BY user_id, message_id`,
      [group],
    );
    expect(counts.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(counts.length).toBe(stored.size * recipients.length);

    // At least one push per device and stored message; every copy of one carries the message's collapse id.
    const missing: string[] = [];
    for (const [userId, endpoint] of endpoints) {
      const pushes = service.delivered.filter((push) => push.endpoint === endpoint);
      for (const id of stored) {
        const copies = pushes.filter((push) => push.payload.messageId === id);
        if (copies.length === 0) missing.push(`${userId}:${id}`);
        for (const copy of copies) expect(copy.topic).toBe(hex(id));
      }
    }
    expect(missing).toEqual([]);
    expect(service.rejections).toEqual([]);
    // The next tests need the only workers to be their own.
    for (const app of instances) app?.kill();
    await Promise.all(instances.flatMap((app) => (app ? [app.exited] : [])));
    console.log(
      `durability: ${attempted} sends tried, ${acknowledged.size} acknowledged, ${stored.size} stored, ` +
        `${service.delivered.length} pushes received for ${stored.size * recipients.length} due`,
    );
  }, 180_000);

  /** Who gets a notification for `messageId`, one row each. */
  const notified = async (messageId: string) =>
    (
      await db.query<{ userId: string }>(
        'SELECT user_id AS "userId" FROM notifications WHERE message_id = $1 ORDER BY user_id',
        [messageId],
      )
    ).rows.map((row) => row.userId);

  it('redoes a fan-out whose instance died before its commit, once', async () => {
    const dying = await spawnReadyApp({ ...env, FAULT_HANG_BEFORE_FANOUT_COMMIT: 'true' }, started, {
      preload: [FAULT_HOOKS],
    });
    const [ann, bob] = [await register(via(dying)), await register(via(dying))];
    const group = expectStatus<{ id: string }>(await chat(via(dying), ann).createGroup('crash', [bob]), 201).id;
    const endpoint = await registerDevice(via(dying), bob);
    const sent = expectStatus<{ id: string }>(await chat(via(dying), ann).send(group, 'mid-commit'), 201);
    await untilOutput(dying, `fan-out written for ${sent.id}`, 20_000);
    // The survivor starts while the dying instance holds the event in its open transaction.
    const survivor = await spawnReadyApp(env, started);
    dying.kill();
    await dying.exited;

    await waitUntilDrained(30_000);
    expect(await notified(sent.id)).toEqual([bob.user.id]);
    expect(service.delivered.filter((push) => push.endpoint === endpoint).map((push) => push.topic)).toEqual([
      hex(sent.id),
    ]);
    survivor.kill();
    await survivor.exited;
  }, 90_000);

  it('sends a push again when its instance died after the provider took it, with the same collapse id', async () => {
    const dying = await spawnReadyApp({ ...env, FAULT_HANG_AFTER_PUSH_SENT: 'true' }, started, {
      preload: [FAULT_HOOKS],
    });
    const [ann, bob] = [await register(via(dying)), await register(via(dying))];
    const group = expectStatus<{ id: string }>(await chat(via(dying), ann).createGroup('resend', [bob]), 201).id;
    const endpoint = await registerDevice(via(dying), bob);
    const sent = expectStatus<{ id: string }>(await chat(via(dying), ann).send(group, 'twice is fine'), 201);
    await untilOutput(dying, `push sent for ${sent.id}`, 20_000);
    dying.kill();
    await dying.exited;
    const survivor = await spawnReadyApp(env, started);

    await waitUntilDrained(30_000);
    const copies = service.delivered.filter((push) => push.endpoint === endpoint);
    expect(copies.map((push) => push.topic)).toEqual([hex(sent.id), hex(sent.id)]);
    expect(copies[0].payload).toEqual(copies[1].payload);
    expect(await notified(sent.id)).toEqual([bob.user.id]);
    survivor.kill();
    await survivor.exited;
  }, 90_000);
});
