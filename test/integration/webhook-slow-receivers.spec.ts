import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ADMIN_EMAIL, registerAdmin, webhooks } from '../support/webhook-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/*
 * A receiver that never answers: sends keep answering at their usual pace (none waits for a
 * webhook), its attempts time out after WEBHOOK_TIMEOUT_MS and are retried, it holds no more than
 * its share of the delivery slots, and a healthy receiver beside it still gets every event.
 */

const TIMEOUT_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONCURRENCY = 8;

let t: TestApp;
let hanging: WebhookReceiver;
let healthy: WebhookReceiver;

beforeAll(async () => {
  t = await startTestApp({
    ADMIN_EMAILS: ADMIN_EMAIL,
    OUTBOUND_ALLOW_PRIVATE_ADDRESSES: true,
    OUTBOX_POLL_MS: 100,
    WEBHOOK_TIMEOUT_MS: TIMEOUT_MS,
    WEBHOOK_CONCURRENCY: CONCURRENCY,
    WEBHOOK_RETRY_BASE_MS: 200,
    MESSAGES_PER_MINUTE_PER_USER: 1000,
  });
  [hanging, healthy] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
});

afterAll(async () => {
  await Promise.all([hanging?.close(), healthy?.close()]);
  await t?.close();
});

it('keeps sends quick while a hanging receiver’s deliveries time out, and serves the other receivers', async () => {
  const admin = await registerAdmin(t);
  hanging.mode = 'hang';
  const subscribe = async (receiver: WebhookReceiver) => {
    const created = expectStatus(await webhooks(t, admin).create(receiver.url, ['message.created']), 201);
    receiver.secret = created.secret;
    return created.id as string;
  };
  const hangingId = await subscribe(hanging);
  await subscribe(healthy);
  const [ann, bob] = [await register(t), await register(t)];
  const group = expectStatus(await chat(t, ann).createGroup('busy', [bob]), 201);

  const sent: string[] = [];
  const durations: number[] = [];
  // Sends for longer than an attempt may take, so that later sends overlap timed-out attempts.
  for (let i = 0; i < 40; i++) {
    const before = Date.now();
    sent.push(expectStatus(await chat(t, ann).send(group.id, `message ${i}`), 201).id);
    durations.push(Date.now() - before);
    await sleep(120);
  }
  // None waited for a delivery: a send that did would have taken the attempt's whole timeout.
  expect(Math.max(...durations)).toBeLessThan(TIMEOUT_MS);

  const received = await eventually(
    () => Promise.resolve(new Set(healthy.received.map((request) => request.payload.data.id))),
    (ids) => ids.size === sent.length,
    20_000,
  );
  expect(received).toEqual(new Set(sent));

  const timedOut = await eventually(
    async () => expectStatus(await webhooks(t, admin).deliveries(hangingId, '?limit=100'), 200).items,
    (items: { lastError: string | null }[]) => items.some((item) => item.lastError?.startsWith('timeout')),
    TIMEOUT_MS * 4,
  );
  const failedAttempt = timedOut.find((item: { lastError: string | null }) => item.lastError?.startsWith('timeout'));
  expect(failedAttempt).toMatchObject({ status: 'pending', lastStatusCode: null, nextAttemptAt: expect.any(String) });
  expect(failedAttempt?.lastError).toBe(`timeout: no complete answer within ${TIMEOUT_MS} ms`);
  // One webhook holds a quarter of the slots at most (the receiver may see the attempt that follows a
  // timed-out one before it sees the timed-out connection close: one more).
  expect(hanging.mostHanging).toBeGreaterThan(0);
  expect(hanging.mostHanging).toBeLessThanOrEqual(CONCURRENCY / 4 + 1);
  expect([...hanging.rejected, ...healthy.rejected]).toEqual([]);
}, 60_000);
