import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import webpush from 'web-push';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { AppConfigModule } from '#src/infra/config/config-slice.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { MetricsModule } from '#src/infra/metrics/metrics.module.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import type { PushMessage, PushPlatform, PushProvider } from '#src/push/providers/push-provider.js';
import { PushProvidersModule, VAPID_PUBLIC_KEY } from '#src/push/providers/push-providers.module.js';
import { PushProviders } from '#src/push/providers/push-providers.service.js';
import { startApnsFake, type ApnsFake } from '../support/push-fakes/apns.fake.js';
import { startFcmFake, type FcmFake } from '../support/push-fakes/fcm.fake.js';
import { startWebPushService, type WebPushService } from '../support/push-fakes/web-push-service.fake.js';

const vapid = webpush.generateVAPIDKeys();
let webPushService: WebPushService;
let fcm: FcmFake;
let apns: ApnsFake;
let apnsKeyFile: string;
const modules: TestingModule[] = [];

/** The providers as the app builds them, from settings read the way the process reads them. */
async function compile(env: Record<string, string>): Promise<TestingModule> {
  const config: AppConfig = {
    ...validateEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }),
    DATABASE_URL: 'postgresql://unused@127.0.0.1/unused',
    JWT_SECRET: 'x'.repeat(32),
  };
  const module = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), MetricsModule, PushProvidersModule],
  }).compile();
  modules.push(module);
  return module;
}

const allSettings = () => ({
  WEBPUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
  WEBPUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
  WEBPUSH_SUBJECT: 'mailto:ops@chat.example',
  FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(fcm.serviceAccount),
  FCM_ENDPOINT: fcm.origin,
  APNS_KEY_P8: apnsKeyFile,
  APNS_KEY_ID: apns.keyId,
  APNS_TEAM_ID: apns.teamId,
  APNS_TOPIC: apns.topic,
  APNS_ENDPOINT: apns.origin,
});

async function provider(platform: PushPlatform, allowPrivate = true): Promise<PushProvider> {
  const module = await compile({ ...allSettings(), OUTBOUND_ALLOW_PRIVATE_ADDRESSES: String(allowPrivate) });
  return module.get(PushProviders).for(platform)!;
}

const message = (withPreview = true): PushMessage => ({
  payload: {
    kind: 'message',
    conversationId: randomUUID(),
    messageId: randomUUID(),
    seq: 42,
    senderName: 'Alice',
    ...(withPreview ? { preview: 'See you at 6?' } : {}),
    badge: 3,
  },
  collapseId: randomBytes(16).toString('hex'),
  ttlSeconds: 3600,
});

const deviceToken = () => randomBytes(32).toString('hex');
const webPushTarget = () => {
  const { endpoint, keys } = webPushService.subscription();
  return { platform: 'webpush' as const, endpoint, p256dh: keys.p256dh, auth: keys.auth };
};

beforeAll(async () => {
  [webPushService, fcm, apns] = await Promise.all([startWebPushService(), startFcmFake(), startApnsFake()]);
  apnsKeyFile = join(mkdtempSync(join(tmpdir(), 'apns-key-')), 'AuthKey.p8');
  writeFileSync(apnsKeyFile, apns.keyP8, { mode: 0o600 });
});

afterAll(async () => {
  await Promise.all(modules.map((module) => module.close()));
  await Promise.all([webPushService.close(), fcm.close(), apns.close()]);
});

describe('push providers', () => {
  it('are enabled by their settings, and none without', async () => {
    const all = await compile(allSettings());
    expect(all.get(PushProviders).enabled().sort()).toEqual(['apns', 'fcm', 'webpush']);
    expect(all.get(VAPID_PUBLIC_KEY)).toBe(vapid.publicKey);
    const none = await compile({});
    expect(none.get(PushProviders).enabled()).toEqual([]);
    expect(none.get(PushProviders).for('fcm')).toBeUndefined();
    expect(none.get(VAPID_PUBLIC_KEY)).toBeNull();
  });
});

describe('Web Push', () => {
  it('delivers the payload encrypted for the subscription, with VAPID, TTL and the collapse id as Topic', async () => {
    const send = await provider('webpush');
    const target = webPushTarget();
    const sent = message();
    await expect(send.send(target, sent)).resolves.toEqual({ status: 'delivered' });
    expect(webPushService.rejections).toEqual([]);
    expect(webPushService.delivered.find((d) => d.endpoint === target.endpoint)).toEqual({
      endpoint: target.endpoint,
      topic: sent.collapseId,
      ttl: 3600,
      urgency: 'high',
      payload: sent.payload,
    });
  });

  it('leaves the preview out when the message has none', async () => {
    const target = webPushTarget();
    await (await provider('webpush')).send(target, message(false));
    const { payload } = webPushService.delivered.find((d) => d.endpoint === target.endpoint)!;
    expect(payload).not.toHaveProperty('preview');
    expect(payload.senderName).toBe('Alice');
  });

  it('reports an unsubscribed endpoint (410) as gone', async () => {
    const target = webPushTarget();
    webPushService.unsubscribe(target.endpoint);
    await expect((await provider('webpush')).send(target, message())).resolves.toEqual({ status: 'gone' });
  });

  it('retries after a 5xx, honouring Retry-After', async () => {
    const send = await provider('webpush');
    const target = webPushTarget();
    webPushService.failNext(target.endpoint, 503, 1, 7);
    await expect(send.send(target, message())).resolves.toEqual({
      status: 'retry',
      reason: 'status 503',
      retryAfterMs: 7000,
    });
    webPushService.failNext(target.endpoint, 500, 1);
    await expect(send.send(target, message())).resolves.toMatchObject({ status: 'retry', reason: 'status 500' });
    await expect(send.send(target, message())).resolves.toEqual({ status: 'delivered' });
  });

  it('refuses a subscription whose keys are not keys, without calling out', async () => {
    const target = { ...webPushTarget(), p256dh: 'not-a-key' };
    await expect((await provider('webpush')).send(target, message())).resolves.toMatchObject({ status: 'rejected' });
  });
});

describe('FCM HTTP v1', () => {
  it('gets a token with the JWT grant at token_uri and sends the message, reusing the token', async () => {
    const send = await provider('fcm');
    const before = fcm.granted.length;
    const tokens = [deviceToken(), deviceToken(), deviceToken()];
    const sent = message();
    // Sent at once: they share one token request.
    const outcomes = await Promise.all(tokens.map((token) => send.send({ platform: 'fcm', token }, sent)));
    expect(outcomes).toEqual(tokens.map(() => ({ status: 'delivered' })));
    await expect(send.send({ platform: 'fcm', token: tokens[0] }, sent)).resolves.toEqual({ status: 'delivered' });
    expect(fcm.granted.length - before).toBe(1);
    expect(fcm.rejections).toEqual([]);
    const { payload, collapseId } = sent;
    expect(fcm.messages.find((m) => m.token === tokens[1])).toEqual({
      token: tokens[1],
      data: {
        kind: 'message',
        conversationId: payload.conversationId,
        messageId: payload.messageId,
        seq: '42',
        senderName: 'Alice',
        preview: 'See you at 6?',
        badge: '3',
      },
      notification: { title: 'Alice', body: 'See you at 6?' },
      android: { collapse_key: collapseId, priority: 'high', ttl: '3600s' },
      apns: { headers: { 'apns-collapse-id': collapseId }, payload: { aps: { badge: 3 } } },
      webpush: { headers: { Topic: collapseId } },
    });
  });

  it('reports an UNREGISTERED token as gone', async () => {
    const token = deviceToken();
    fcm.unregister(token);
    await expect((await provider('fcm')).send({ platform: 'fcm', token }, message())).resolves.toEqual({
      status: 'gone',
    });
  });

  it('takes a new access token once when FCM refuses the cached one', async () => {
    const send = await provider('fcm');
    await send.send({ platform: 'fcm', token: deviceToken() }, message());
    const before = fcm.granted.length;
    fcm.revokeAccessTokens();
    await expect(send.send({ platform: 'fcm', token: deviceToken() }, message())).resolves.toEqual({
      status: 'delivered',
    });
    expect(fcm.granted.length - before).toBe(1);
  });
});

describe('APNs', () => {
  it('delivers over HTTP/2 with the provider token, the headers and the payload APNs expects', async () => {
    const send = await provider('apns');
    const token = deviceToken();
    const sent = message();
    await expect(send.send({ platform: 'apns', token }, sent)).resolves.toEqual({ status: 'delivered' });
    expect(apns.rejections).toEqual([]);
    const request = apns.received.find((r) => r.deviceToken === token)!;
    expect(request.headers).toMatchObject({
      'apns-topic': apns.topic,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-collapse-id': sent.collapseId,
    });
    const expiration = Number(request.headers['apns-expiration']);
    expect(Math.abs(expiration - (Date.now() / 1000 + 3600))).toBeLessThan(60);
    expect(request.body).toEqual({
      aps: {
        alert: { title: 'Alice', body: 'See you at 6?' },
        badge: 3,
        sound: 'default',
        'thread-id': sent.payload.conversationId,
      },
      ...sent.payload,
    });
  });

  it('reuses one provider token across sends, and renews it when APNs says it expired', async () => {
    const send = await provider('apns');
    const before = apns.providerTokens.size;
    for (let i = 0; i < 3; i += 1) await send.send({ platform: 'apns', token: deviceToken() }, message());
    expect(apns.providerTokens.size - before).toBe(1);
    apns.expireProviderTokens();
    await expect(send.send({ platform: 'apns', token: deviceToken() }, message())).resolves.toEqual({
      status: 'delivered',
    });
    expect(apns.providerTokens.size - before).toBe(2);
  });

  it('reports an unregistered device (410) as gone', async () => {
    const token = deviceToken();
    apns.unregister(token);
    await expect((await provider('apns')).send({ platform: 'apns', token }, message())).resolves.toEqual({
      status: 'gone',
    });
  });
});

describe('the outbound address guard', () => {
  it('refuses every fake on 127.0.0.1 unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES is set', async () => {
    const counts = () => [webPushService.delivered.length, fcm.granted.length, apns.received.length];
    const before = counts();
    const refused = { status: 'rejected', reason: 'address_refused' };
    await expect((await provider('webpush', false)).send(webPushTarget(), message())).resolves.toEqual(refused);
    await expect(
      (await provider('fcm', false)).send({ platform: 'fcm', token: deviceToken() }, message()),
    ).resolves.toEqual(refused);
    await expect(
      (await provider('apns', false)).send({ platform: 'apns', token: deviceToken() }, message()),
    ).resolves.toEqual(refused);
    expect(counts()).toEqual(before);
  });
});

describe('push metrics', () => {
  it('count sends by provider and outcome, without user labels', async () => {
    const module = await compile({ ...allSettings(), OUTBOUND_ALLOW_PRIVATE_ADDRESSES: 'true' });
    await module.get(PushProviders).for('webpush')!.send(webPushTarget(), message());
    const registry = module.get(MetricsService).registry;
    const sends = await registry.getSingleMetricAsString('push_sends_total');
    expect(sends).toContain('push_sends_total{provider="webpush",outcome="delivered"} 1');
    expect(await registry.getSingleMetricAsString('push_send_duration_seconds')).toContain(
      'push_send_duration_seconds_count{provider="webpush"} 1',
    );
  });
});
