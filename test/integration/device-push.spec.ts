import webpush from 'web-push';
import pg from 'pg';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startApnsFake, type ApnsFake } from '../support/push-fakes/apns.fake.js';
import { startFcmFake, type FcmFake } from '../support/push-fakes/fcm.fake.js';
import { trustTestCa } from '../support/push-fakes/test-ca.js';
import { startWebPushService, type WebPushService } from '../support/push-fakes/web-push-service.fake.js';
import { redisProcess } from '../support/redis-process.js';
import { connectSocket } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

// Pushes from the app to real protocol endpoints on localhost: a Web Push service that checks the
// VAPID token and decrypts the payload, FCM's OAuth and send endpoints, and APNs over HTTP/2.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (id: string) => id.replaceAll('-', '');

describe('device push through the app', () => {
  let one: TestApp;
  let two: TestApp;
  let service: WebPushService;
  let fcm: FcmFake;
  let apns: ApnsFake;
  let db: pg.Client;

  beforeAll(async () => {
    trustTestCa();
    [service, fcm, apns] = await Promise.all([startWebPushService(), startFcmFake(), startApnsFake()]);
    [one, two] = await startTwoTestApps(pushSettings());
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 30_000);

  /** Every provider on, pointed at the fakes. */
  const pushSettings = () => {
    const vapid = webpush.generateVAPIDKeys();
    return {
      WEBPUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      WEBPUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
      WEBPUSH_SUBJECT: 'mailto:ops@example.com',
      FCM_SERVICE_ACCOUNT_JSON: { ...fcm.serviceAccount },
      FCM_ENDPOINT: fcm.origin,
      APNS_KEY_P8: apns.keyP8,
      APNS_KEY_ID: apns.keyId,
      APNS_TEAM_ID: apns.teamId,
      APNS_TOPIC: apns.topic,
      APNS_ENDPOINT: apns.origin,
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: true,
    };
  };

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await db.end();
    await Promise.all([service.close(), fcm.close(), apns.close()]);
  });

  /** Waits until every outbox event and push delivery is done. */
  const drained = async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await db.query<{ waiting: string }>(
        'SELECT (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM push_deliveries) AS waiting',
      );
      if (Number(rows[0].waiting) === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].waiting} outbox rows still waiting`);
      await sleep(50);
    }
  };

  const addDevice = async (t: TestApp, who: SignedIn, body: Record<string, unknown>) =>
    expectStatus<{ id: string }>(
      await t.request('POST', '/api/v1/devices', { headers: bearer(who.accessToken), body }),
      201,
    ).id;

  const browser = async (t: TestApp, who: SignedIn) => {
    const subscription = service.subscription();
    const id = await addDevice(t, who, { platform: 'webpush', subscription, name: 'Firefox' });
    return { id, endpoint: subscription.endpoint };
  };

  const pushesTo = (endpoint: string) => service.delivered.filter((push) => push.endpoint === endpoint);

  const devicesOf = async (t: TestApp, who: SignedIn) =>
    expectStatus<{ items: { id: string }[] }>(
      await t.request('GET', '/api/v1/devices', { headers: bearer(who.accessToken) }),
      200,
    ).items;

  it('pushes a message to an offline member’s browser, signed with VAPID and readable only with its keys', async () => {
    const [ann, bob, cat] = [await register(one), await register(one), await register(one)];
    expectStatus(
      await one.request('PATCH', '/api/v1/users/me', {
        headers: bearer(ann.accessToken),
        body: { displayName: 'Ann' },
      }),
      200,
    );
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('team', [bob, cat]), 201).id;
    const { endpoint } = await browser(two, bob);

    const first = expectStatus<{ id: string; seq: number }>(await chat(one, ann).send(group, 'hello bob'), 201);
    // The badge is the unread total when the push is planned: one message, then two.
    await drained();
    const second = expectStatus<{ id: string; seq: number }>(await chat(one, ann).send(group, 'x'.repeat(300)), 201);
    await drained();

    expect(pushesTo(endpoint)).toEqual([
      {
        endpoint,
        topic: hex(first.id),
        ttl: expect.any(Number),
        urgency: 'high',
        payload: {
          kind: 'message',
          conversationId: group,
          messageId: first.id,
          seq: first.seq,
          senderName: 'Ann',
          preview: 'hello bob',
          badge: 1,
        },
      },
      expect.objectContaining({
        topic: hex(second.id),
        payload: expect.objectContaining({ messageId: second.id, preview: 'x'.repeat(100), badge: 2 }),
      }),
    ]);
    expect(service.rejections).toEqual([]);
  });

  it('pushes a mention even when the conversation is muted, and nothing else from a muted one', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('muted', [bob]), 201).id;
    expectStatus(await chat(two, bob).call('PATCH', `/${group}`, { muted: true }), 200);
    const { endpoint } = await browser(one, bob);

    expectStatus(await chat(one, ann).send(group, 'plain talk'), 201);
    const mention = expectStatus<{ id: string }>(await chat(one, ann).send(group, `hey @${bob.user.username}`), 201);
    await drained();

    expect(pushesTo(endpoint).map((push) => push.payload)).toEqual([
      expect.objectContaining({ kind: 'mention', messageId: mention.id, preview: `hey @${bob.user.username}` }),
    ]);
  });

  it('pushes a message request, with no message to preview', async () => {
    const [ann, stranger] = [await register(one), await register(one)];
    const { endpoint } = await browser(one, ann);
    const direct = expectStatus<{ id: string }>(await chat(two, stranger).openDirect(ann), 201);
    await drained();

    expect(pushesTo(endpoint).map((push) => push.payload)).toEqual([
      {
        kind: 'request',
        conversationId: direct.id,
        messageId: null,
        seq: null,
        senderName: stranger.user.username,
        badge: 0,
      },
    ]);
  });

  it('pushes nothing while the user is in dnd or connected, and again once they are neither', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('quiet', [bob]), 201).id;
    const { endpoint } = await browser(one, bob);
    const status = (value: string) =>
      two.request('PUT', '/api/v1/users/me/status', { headers: bearer(bob.accessToken), body: { status: value } });

    expectStatus(await status('dnd'), 200);
    expectStatus(await chat(one, ann).send(group, 'during dnd'), 201);
    await drained();
    expectStatus(await status('online'), 200);
    const socket = await connectSocket(two.baseUrl, bob.accessToken);
    try {
      expectStatus(await chat(one, ann).send(group, 'while connected'), 201);
      await drained();
    } finally {
      socket.disconnect();
    }
    await sleep(300);
    const after = expectStatus<{ id: string }>(await chat(one, ann).send(group, 'away again'), 201);
    await drained();

    expect(pushesTo(endpoint).map((push) => push.payload.messageId)).toEqual([after.id]);
  });

  it('deletes a browser subscription the push service reports gone (410), and stops there', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('gone', [bob]), 201).id;
    const { endpoint } = await browser(one, bob);
    service.unsubscribe(endpoint);

    expectStatus(await chat(one, ann).send(group, 'into the void'), 201);
    await drained();

    expect(await devicesOf(two, bob)).toEqual([]);
    const { rows } = await db.query('SELECT 1 FROM devices WHERE user_id = $1', [bob.user.id]);
    expect(rows).toEqual([]);
  });

  it('retries a push the service failed with 503, with the same collapse id', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('retry', [bob]), 201).id;
    const { endpoint } = await browser(one, bob);
    service.failNext(endpoint, 503, 1, 1);

    const sent = expectStatus<{ id: string }>(await chat(one, ann).send(group, 'eventually'), 201);
    // The first attempt is refused; the retry waits for Retry-After (1 s) or the backoff (2.5–5 s).
    const deadline = Date.now() + 15_000;
    while (pushesTo(endpoint).length === 0 && Date.now() < deadline) await sleep(100);

    expect(pushesTo(endpoint)).toEqual([expect.objectContaining({ topic: hex(sent.id) })]);
    await drained();
  }, 20_000);

  it('sends through FCM HTTP v1 with a token granted for the service account, and deletes an UNREGISTERED token', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('android', [bob]), 201).id;
    const token = `fcm-token-${bob.user.id}`;
    await addDevice(one, bob, { platform: 'fcm', token, name: 'Pixel' });

    const sent = expectStatus<{ id: string; seq: number }>(await chat(two, ann).send(group, 'to android'), 201);
    await drained();
    expect(fcm.messages.filter((message) => message.token === token)).toEqual([
      expect.objectContaining({
        token,
        data: expect.objectContaining({ kind: 'message', messageId: sent.id, seq: String(sent.seq), badge: '1' }),
        android: expect.objectContaining({ collapse_key: hex(sent.id) }),
      }),
    ]);
    expect(fcm.granted.length).toBeGreaterThan(0);
    expect(fcm.rejections).toEqual([]);

    fcm.unregister(token);
    expectStatus(await chat(two, ann).send(group, 'uninstalled'), 201);
    await drained();
    expect(await devicesOf(one, bob)).toEqual([]);
  });

  it('sends to APNs over HTTP/2 with one provider token, and deletes a device APNs reports gone (410)', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('ios', [bob]), 201).id;
    const token = 'ab'.repeat(32);
    await addDevice(one, bob, { platform: 'apns', token, name: 'iPhone' });

    const sent = [expectStatus<{ id: string }>(await chat(one, ann).send(group, 'to iphone'), 201)];
    await drained();
    sent.push(expectStatus<{ id: string }>(await chat(two, ann).send(group, 'and again'), 201));
    await drained();
    const received = apns.received.filter((request) => request.deviceToken === token);
    expect(received.map((request) => request.headers['apns-collapse-id'])).toEqual(sent.map((m) => hex(m.id)));
    expect(received[0].headers).toMatchObject({ 'apns-topic': apns.topic, 'apns-push-type': 'alert' });
    expect(received[0].body).toMatchObject({
      aps: { alert: { body: 'to iphone' }, badge: 1 },
      kind: 'message',
      messageId: sent[0].id,
    });
    expect(received[1].body).toMatchObject({ aps: { badge: 2 }, messageId: sent[1].id });
    // Each instance signs one provider token and reuses it.
    expect(apns.providerTokens.size).toBeLessThanOrEqual(2);
    expect(apns.rejections).toEqual([]);

    apns.unregister(token);
    expectStatus(await chat(one, ann).send(group, 'deleted app'), 201);
    await drained();
    expect(await devicesOf(one, bob)).toEqual([]);
  });

  it('stops pushing to a device once its session logs out', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('logout', [bob]), 201).id;
    const { endpoint } = await browser(one, bob);
    expectStatus(await one.request('POST', '/api/v1/auth/logout', { headers: bearer(bob.accessToken) }), 204);

    expectStatus(await chat(one, ann).send(group, 'after logout'), 201);
    await drained();
    expect(pushesTo(endpoint)).toEqual([]);
  });

  it('creates notifications and pushes while Redis is down', async () => {
    const redis = await redisProcess();
    const [left, right] = await startTwoTestApps({ ...pushSettings(), REDIS_URL: redis.url });
    try {
      const [ann, bob, cat] = [await register(left), await register(left), await register(left)];
      const group = expectStatus<{ id: string }>(await chat(left, ann).createGroup('outage', [bob, cat]), 201).id;
      const { endpoint } = await browser(right, bob);
      await redis.stop();

      const sent = [
        expectStatus<{ id: string }>(await chat(left, ann).send(group, 'no redis'), 201),
        expectStatus<{ id: string }>(await chat(right, ann).send(group, `still none @${cat.user.username}`), 201),
      ];
      await drained();

      const { rows } = await db.query<{ userId: string; kind: string; messageId: string }>(
        `SELECT user_id AS "userId", kind, message_id AS "messageId" FROM notifications
         WHERE conversation_id = $1 ORDER BY user_id, kind`,
        [group],
      );
      expect(rows).toHaveLength(4);
      expect(rows).toEqual(
        expect.arrayContaining([
          { userId: bob.user.id, kind: 'message', messageId: sent[0].id },
          { userId: bob.user.id, kind: 'message', messageId: sent[1].id },
          { userId: cat.user.id, kind: 'message', messageId: sent[0].id },
          { userId: cat.user.id, kind: 'mention', messageId: sent[1].id },
        ]),
      );
      expect(
        pushesTo(endpoint)
          .map((push) => push.topic)
          .sort(),
      ).toEqual(sent.map((m) => hex(m.id)).sort());
    } finally {
      await Promise.all([left.close(), right.close()]);
      await redis.dispose();
    }
  }, 30_000);
});
