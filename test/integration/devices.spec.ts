import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { PushAudienceRepository } from '#src/push/push-audience.repository.js';
import { bearer, freshAddress, login, register, type SignedIn } from '../support/auth-client.js';
import { expectStatus } from '../support/chat-client.js';
import { startApnsFake, type ApnsFake } from '../support/push-fakes/apns.fake.js';
import { startWebPushService, type WebPushService } from '../support/push-fakes/web-push-service.fake.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';

/*
 * The devices API as an attacker sees it, through the real app: what a registration answers and
 * leaks, what it refuses, whose devices a caller can see or remove, and that a device goes with
 * the session that registered it. Web Push and APNs are configured; FCM is not.
 */

interface DeviceView {
  id: string;
  platform: string;
  name: string | null;
  createdAt: string;
}

const vapid = webpush.generateVAPIDKeys();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const apnsToken = () => randomBytes(32).toString('hex');

let webPushService: WebPushService;
let apns: ApnsFake;
/** Private addresses allowed (the fake push service is at 127.0.0.1): the ordinary cases. */
let app: TestApp;
/** The default: Web Push endpoints at private address literals are refused. */
let strict: TestApp;
/** No push provider configured at all. */
let bare: TestApp;

beforeAll(async () => {
  [webPushService, apns] = await Promise.all([startWebPushService(), startApnsFake()]);
  const push = {
    WEBPUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
    WEBPUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
    WEBPUSH_SUBJECT: 'mailto:ops@chat.example',
    APNS_KEY_P8: apns.keyP8,
    APNS_KEY_ID: apns.keyId,
    APNS_TEAM_ID: apns.teamId,
    APNS_TOPIC: apns.topic,
    APNS_ENDPOINT: apns.origin,
  };
  [app, strict, bare] = await Promise.all([
    startTestApp({ ...push, OUTBOUND_ALLOW_PRIVATE_ADDRESSES: true, ACCOUNT_CHANGES_PER_MINUTE_PER_USER: 1000 }),
    startTestApp({ ...push, ACCOUNT_CHANGES_PER_MINUTE_PER_USER: 1000 }),
    startTestApp(),
  ]);
});

afterAll(async () => {
  await Promise.all([app?.close(), strict?.close(), bare?.close()]);
  await Promise.all([webPushService?.close(), apns?.close()]);
});

const registerDevice = (t: TestApp, who: { accessToken: string }, body: unknown) =>
  t.request('POST', '/api/v1/devices', { headers: bearer(who.accessToken), body });
const listDevices = async (t: TestApp, who: { accessToken: string }) =>
  expectStatus<{ items: DeviceView[] }>(
    await t.request('GET', '/api/v1/devices', { headers: bearer(who.accessToken) }),
    200,
  ).items;
const webPushBody = (subscription = webPushService.subscription(), name?: string) => ({
  platform: 'webpush',
  subscription,
  ...(name === undefined ? {} : { name }),
});

/** A second session of the same user: logs in again. */
async function newSession(t: TestApp, who: SignedIn): Promise<SignedIn> {
  return expectStatus<SignedIn>(await login(t, who.user.email, 'correct horse battery', freshAddress()), 200);
}

const logout = async (t: TestApp, who: { accessToken: string }) =>
  expectStatus(await t.request('POST', '/api/v1/auth/logout', { headers: bearer(who.accessToken) }), 204);

const deviceRows = (t: TestApp, where: { userId?: string; id?: string; tokenHash?: string }) =>
  t.app.get(PrismaService).device.findMany({ where });

/** Polls until `done` holds (the removal on logout runs on an event just after the revocation). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

/** 400 VALIDATION_FAILED with a detail naming `field` (or a field under it). */
function expectInvalid(response: HttpResponse, field: string, label: string): void {
  if (response.status !== 400) throw new Error(`${label}: expected 400, got ${response.status}: ${response.text}`);
  const body = response.json<{ code: string; details?: { field: string }[] }>();
  if (body.code !== 'VALIDATION_FAILED') throw new Error(`${label}: expected VALIDATION_FAILED: ${response.text}`);
  const fields = (body.details ?? []).map((detail) => detail.field);
  if (!fields.some((named) => named === field || named.startsWith(`${field}.`))) {
    throw new Error(`${label}: expected a detail naming ${field}, got ${JSON.stringify(fields)}`);
  }
}

describe('registering and listing devices', () => {
  it('answers a Web Push registration with { id, platform, name, createdAt } only, and lists it without secrets', async () => {
    const ann = await register(app);
    const subscription = webPushService.subscription();
    const response = await registerDevice(app, ann, webPushBody(subscription, 'Firefox on the laptop'));
    const device = expectStatus<DeviceView>(response, 201);
    expect(Object.keys(device).sort()).toEqual(['createdAt', 'id', 'name', 'platform']);
    expect(device).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      platform: 'webpush',
      name: 'Firefox on the laptop',
      createdAt: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(device.createdAt))).toBe(false);

    const listed = await app.request('GET', '/api/v1/devices', { headers: bearer(ann.accessToken) });
    expect(listed.json()).toEqual({ items: [device] });
    for (const secret of [subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth]) {
      expect(response.text).not.toContain(secret);
      expect(listed.text).not.toContain(secret);
    }
    // The path of the endpoint is the secret part: not even that.
    expect(listed.text).not.toContain(new URL(subscription.endpoint).pathname);
  });

  it('registers an APNs device by its 64-hex token, without echoing it', async () => {
    const ann = await register(app);
    const token = apnsToken();
    const response = await registerDevice(app, ann, { platform: 'apns', token, name: 'iPhone' });
    const device = expectStatus<DeviceView>(response, 201);
    expect(device).toMatchObject({ platform: 'apns', name: 'iPhone' });
    expect(Object.keys(device).sort()).toEqual(['createdAt', 'id', 'name', 'platform']);
    expect(response.text).not.toContain(token);
    const withoutName = expectStatus<DeviceView>(
      await registerDevice(app, ann, { platform: 'apns', token: apnsToken() }),
      201,
    );
    expect(withoutName.name).toBeNull();
  });

  it("lists only the caller's devices, newest first", async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(
        expectStatus<DeviceView>(await registerDevice(app, ann, { platform: 'apns', token: apnsToken() }), 201).id,
      );
      await sleep(5);
    }
    const bobs = expectStatus<DeviceView>(await registerDevice(app, bob, webPushBody()), 201);
    const listed = await listDevices(app, ann);
    expect(listed.map((device) => device.id)).toEqual([...ids].reverse());
    const times = listed.map((device) => Date.parse(device.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await listDevices(app, bob)).map((device) => device.id)).toEqual([bobs.id]);
  });
});

describe('validation', () => {
  let ann: SignedIn;
  beforeAll(async () => (ann = await register(app)));

  // Built when the cases are collected, before the fake push service starts: keys made here.
  const keysOf = () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  };
  const endpoint = () => `https://push.example.com/push/${randomUUID()}`;
  const badP256 = (bytes: Buffer) => ({
    endpoint: endpoint(),
    keys: { ...keysOf(), p256dh: bytes.toString('base64url') },
  });
  const compressedPoint = Buffer.concat([Buffer.from([0x02]), randomBytes(32)]);
  const notUncompressed = Buffer.concat([Buffer.from([0x05]), randomBytes(64)]);

  const cases: [string, unknown, string][] = [
    ['an unknown platform', { platform: 'sms', token: 'abc' }, 'platform'],
    ['no platform', { token: apnsToken() }, 'platform'],
    ['a platform in another case', { platform: 'WEBPUSH', subscription: {} }, 'platform'],
    ['webpush without a subscription', { platform: 'webpush' }, 'subscription'],
    ['webpush with a token instead', { platform: 'webpush', token: apnsToken() }, 'subscription'],
    [
      'an http:// endpoint',
      { platform: 'webpush', subscription: { endpoint: 'http://push.example.com/x', keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'a javascript: endpoint',
      { platform: 'webpush', subscription: { endpoint: 'javascript:alert(1)', keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'a file: endpoint',
      { platform: 'webpush', subscription: { endpoint: 'file:///etc/passwd', keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'an endpoint that is not a URL',
      { platform: 'webpush', subscription: { endpoint: 'not a url', keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'an endpoint over 2048 chars',
      {
        platform: 'webpush',
        subscription: { endpoint: `https://push.example.com/${'a'.repeat(2100)}`, keys: keysOf() },
      },
      'subscription.endpoint',
    ],
    [
      'a p256dh of 33 bytes (compressed)',
      { platform: 'webpush', subscription: badP256(compressedPoint) },
      'subscription.keys.p256dh',
    ],
    [
      'a p256dh of 65 bytes not starting 0x04',
      { platform: 'webpush', subscription: badP256(notUncompressed) },
      'subscription.keys.p256dh',
    ],
    [
      'a p256dh of 66 bytes',
      { platform: 'webpush', subscription: badP256(Buffer.concat([Buffer.from([4]), randomBytes(65)])) },
      'subscription.keys.p256dh',
    ],
    [
      'a p256dh that is not base64url',
      {
        platform: 'webpush',
        subscription: { endpoint: endpoint(), keys: { ...keysOf(), p256dh: `${'+/'.repeat(44)}` } },
      },
      'subscription.keys.p256dh',
    ],
    [
      'an auth of 15 bytes',
      {
        platform: 'webpush',
        subscription: { endpoint: endpoint(), keys: { ...keysOf(), auth: randomBytes(15).toString('base64url') } },
      },
      'subscription.keys.auth',
    ],
    [
      'an auth of 17 bytes',
      {
        platform: 'webpush',
        subscription: { endpoint: endpoint(), keys: { ...keysOf(), auth: randomBytes(17).toString('base64url') } },
      },
      'subscription.keys.auth',
    ],
    [
      'an auth of 24 bytes',
      {
        platform: 'webpush',
        subscription: { endpoint: endpoint(), keys: { ...keysOf(), auth: randomBytes(24).toString('base64url') } },
      },
      'subscription.keys.auth',
    ],
    ['keys missing', { platform: 'webpush', subscription: { endpoint: endpoint() } }, 'subscription.keys'],
    [
      'keys without auth',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: { p256dh: keysOf().p256dh } } },
      'subscription.keys.auth',
    ],
    [
      'keys without p256dh',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: { auth: keysOf().auth } } },
      'subscription.keys.p256dh',
    ],
    ['an endpoint missing', { platform: 'webpush', subscription: { keys: keysOf() } }, 'subscription.endpoint'],
    ['an APNs token that is not hex', { platform: 'apns', token: 'z'.repeat(64) }, 'token'],
    ['an APNs token of 63 hex digits', { platform: 'apns', token: apnsToken().slice(1) }, 'token'],
    ['an APNs token of 62 hex digits', { platform: 'apns', token: apnsToken().slice(2) }, 'token'],
    ['an APNs token of 202 hex digits', { platform: 'apns', token: randomBytes(101).toString('hex') }, 'token'],
    [
      'an APNs token with spaces',
      { platform: 'apns', token: `${apnsToken().slice(0, 32)} ${apnsToken().slice(0, 32)}` },
      'token',
    ],
    ['an APNs token missing', { platform: 'apns' }, 'token'],
    [
      'an APNs token with a subscription',
      { platform: 'apns', token: apnsToken(), subscription: { endpoint: endpoint(), keys: keysOf() } },
      'subscription',
    ],
    [
      'webpush with a token as well',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: keysOf() }, token: apnsToken() },
      'token',
    ],
    ['an empty token', { platform: 'apns', token: '' }, 'token'],
    ['a 5000-character token', { platform: 'apns', token: 'a'.repeat(5000) }, 'token'],
    ['a 5000-character FCM-looking token', { platform: 'fcm', token: 'a'.repeat(5000) }, 'token'],
    ['fcm, not configured here', { platform: 'fcm', token: 'fcm-registration-token:abc' }, 'platform'],
    ['a name over 100 characters', { platform: 'apns', token: apnsToken(), name: 'n'.repeat(101) }, 'name'],
    ['an empty name', { platform: 'apns', token: apnsToken(), name: '' }, 'name'],
    ['an unknown field', { platform: 'apns', token: apnsToken(), userId: randomUUID() }, 'userId'],
    ['a sessionId of its own choosing', { platform: 'apns', token: apnsToken(), sessionId: randomUUID() }, 'sessionId'],
    [
      'an unknown field in the subscription',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: keysOf(), extra: 1 } },
      'subscription.extra',
    ],
    [
      'an unknown field in the keys',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: { ...keysOf(), extra: 'x' } } },
      'subscription.keys.extra',
    ],
    [
      'a subscription that is an array',
      { platform: 'webpush', subscription: [{ endpoint: endpoint(), keys: keysOf() }] },
      'subscription',
    ],
    ['a subscription that is null', { platform: 'webpush', subscription: null }, 'subscription'],
    ['a subscription that is a number', { platform: 'webpush', subscription: 42 }, 'subscription'],
    [
      'a subscription that is a string',
      { platform: 'webpush', subscription: 'https://push.example.com/x' },
      'subscription',
    ],
    [
      'keys that are an array',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: [keysOf()] } },
      'subscription.keys',
    ],
    [
      'keys that are null',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: null } },
      'subscription.keys',
    ],
    [
      'keys that are a string',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: 'p256dh' } },
      'subscription.keys',
    ],
    [
      'an endpoint that is an array',
      { platform: 'webpush', subscription: { endpoint: [endpoint()], keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'an endpoint that is an object',
      { platform: 'webpush', subscription: { endpoint: { href: endpoint() }, keys: keysOf() } },
      'subscription.endpoint',
    ],
    [
      'a p256dh that is a number',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: { ...keysOf(), p256dh: 4 } } },
      'subscription.keys.p256dh',
    ],
    [
      'an auth that is null',
      { platform: 'webpush', subscription: { endpoint: endpoint(), keys: { ...keysOf(), auth: null } } },
      'subscription.keys.auth',
    ],
    ['a platform that is an array', { platform: ['apns'], token: apnsToken() }, 'platform'],
    ['a platform that is null', { platform: null, token: apnsToken() }, 'platform'],
    ['a platform that is a number', { platform: 1, token: apnsToken() }, 'platform'],
    ['a token that is a number', { platform: 'apns', token: 1234 }, 'token'],
    ['a token that is an array', { platform: 'apns', token: [apnsToken()] }, 'token'],
    ['a token that is an object', { platform: 'apns', token: { $gt: '' } }, 'token'],
    ['a token that is null', { platform: 'apns', token: null }, 'token'],
    ['a name that is a number', { platform: 'apns', token: apnsToken(), name: 7 }, 'name'],
    ['a name that is an object', { platform: 'apns', token: apnsToken(), name: { first: 'x' } }, 'name'],
  ];

  it.each(cases)('refuses %s with 400 VALIDATION_FAILED naming the field', async (label, body, field) => {
    expectInvalid(await registerDevice(app, ann, body), field, label);
  });

  it('refuses a body that is not an object, and __proto__ keys anywhere, with 400 and nothing stored', async () => {
    const ann = await register(app);
    for (const raw of ['[]', 'null', '42', '"webpush"', '[{"platform":"apns"}]']) {
      const response = await app.request('POST', '/api/v1/devices', {
        headers: { ...bearer(ann.accessToken), 'content-type': 'application/json' },
        body: raw,
      });
      expectInvalid(response, 'body', raw);
    }
    const { endpoint: url, keys } = webPushService.subscription();
    const polluted = [
      `{"platform":"apns","token":"${apnsToken()}","__proto__":{"polluted":true}}`,
      `{"__proto__":{"platform":"apns"},"token":"${apnsToken()}"}`,
      `{"platform":"webpush","subscription":{"endpoint":"${url}","keys":{"p256dh":"${keys.p256dh}","auth":"${keys.auth}","__proto__":{"x":1}}}}`,
      `{"platform":"webpush","subscription":{"endpoint":"${url}","__proto__":{"keys":{"p256dh":"${keys.p256dh}","auth":"${keys.auth}"}}}}`,
      `{"platform":"apns","token":"${apnsToken()}","constructor":{"prototype":{"polluted":true}}}`,
    ];
    for (const raw of polluted) {
      const response = await app.request('POST', '/api/v1/devices', {
        headers: { ...bearer(ann.accessToken), 'content-type': 'application/json' },
        body: raw,
      });
      expect([response.status, raw]).toEqual([400, raw]);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(response.json().code);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await listDevices(app, ann)).toEqual([]);
    expect(await deviceRows(app, { userId: ann.user.id })).toEqual([]);
  });

  it('refuses a Web Push endpoint at a private address literal on a server that does not allow them', async () => {
    const bob = await register(strict);
    const { keys } = webPushService.subscription();
    const privateEndpoints = [
      'https://127.0.0.1/x',
      'https://127.1.2.3:8443/x',
      'https://10.0.0.1/x',
      'https://192.168.1.1/x',
      'https://172.16.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/x',
      'https://[::ffff:7f00:1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://0.0.0.0/x',
      webPushService.subscription().endpoint,
    ];
    for (const url of privateEndpoints) {
      expectInvalid(
        await registerDevice(strict, bob, { platform: 'webpush', subscription: { endpoint: url, keys } }),
        'subscription.endpoint',
        url,
      );
    }
    expect(await deviceRows(strict, { userId: bob.user.id })).toEqual([]);
    // A public host name passes this check (host names are checked when a push resolves them).
    const publicName = { endpoint: `https://push.example.com/${randomUUID()}`, keys };
    expectStatus(await registerDevice(strict, bob, { platform: 'webpush', subscription: publicName }), 201);
  });

  it('refuses Web Push and APNs with 400 naming platform on a server with no provider configured', async () => {
    const cat = await register(bare);
    expectInvalid(await registerDevice(bare, cat, webPushBody()), 'platform', 'webpush');
    expectInvalid(await registerDevice(bare, cat, { platform: 'apns', token: apnsToken() }), 'platform', 'apns');
    expectInvalid(await registerDevice(bare, cat, { platform: 'fcm', token: 'abc:def' }), 'platform', 'fcm');
    expect(await deviceRows(bare, { userId: cat.user.id })).toEqual([]);
  });
});

describe('authorization', () => {
  it('answers 401 without a token, or with a bad one, on every device route', async () => {
    const ann = await register(app);
    const id = expectStatus<DeviceView>(
      await registerDevice(app, ann, { platform: 'apns', token: apnsToken() }),
      201,
    ).id;
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${ann.accessToken}` },
    ];
    for (const headers of headerSets) {
      const calls = [
        app.request('POST', '/api/v1/devices', { headers, body: { platform: 'apns', token: apnsToken() } }),
        app.request('GET', '/api/v1/devices', { headers }),
        app.request('DELETE', `/api/v1/devices/${id}`, { headers }),
      ];
      for (const response of await Promise.all(calls)) {
        expect(expectStatus<{ code: string }>(response, 401).code).toBe('UNAUTHORIZED');
      }
    }
    expect((await listDevices(app, ann)).map((device) => device.id)).toEqual([id]);
    expect(await deviceRows(app, { userId: ann.user.id })).toHaveLength(1);
  });

  it("answers 404 DEVICE_NOT_FOUND to another user's DELETE, and the device stays", async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const anns = expectStatus<DeviceView>(await registerDevice(app, ann, webPushBody()), 201);
    const bobs = expectStatus<DeviceView>(
      await registerDevice(app, bob, { platform: 'apns', token: apnsToken() }),
      201,
    );

    const response = await app.request('DELETE', `/api/v1/devices/${anns.id}`, { headers: bearer(bob.accessToken) });
    expect(expectStatus<{ code: string }>(response, 404).code).toBe('DEVICE_NOT_FOUND');
    const unknown = await app.request('DELETE', `/api/v1/devices/${randomUUID()}`, {
      headers: bearer(bob.accessToken),
    });
    expect(expectStatus<{ code: string }>(unknown, 404).code).toBe('DEVICE_NOT_FOUND');
    expect((await listDevices(app, ann)).map((device) => device.id)).toEqual([anns.id]);
    expect((await listDevices(app, bob)).map((device) => device.id)).toEqual([bobs.id]);

    // The owner can remove it; removed twice, it is not found.
    expectStatus(await app.request('DELETE', `/api/v1/devices/${anns.id}`, { headers: bearer(ann.accessToken) }), 204);
    expect(await listDevices(app, ann)).toEqual([]);
    const again = await app.request('DELETE', `/api/v1/devices/${anns.id}`, { headers: bearer(ann.accessToken) });
    expect(expectStatus<{ code: string }>(again, 404).code).toBe('DEVICE_NOT_FOUND');
    expect((await listDevices(app, bob)).map((device) => device.id)).toEqual([bobs.id]);
  });

  it('answers 400 naming id for an id that is not a UUID', async () => {
    const ann = await register(app);
    for (const id of ['not-a-uuid', '1', `${randomUUID()}x`, "' OR 1=1 --", '%00']) {
      const response = await app.request('DELETE', `/api/v1/devices/${encodeURIComponent(id)}`, {
        headers: bearer(ann.accessToken),
      });
      expectInvalid(response, 'id', id);
    }
  });

  it("never lists another user's devices", async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const annsIds = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      annsIds.add(
        expectStatus<DeviceView>(await registerDevice(app, ann, { platform: 'apns', token: apnsToken() }), 201).id,
      );
    }
    annsIds.add(expectStatus<DeviceView>(await registerDevice(app, ann, webPushBody()), 201).id);
    const bobsList = await listDevices(app, bob);
    expect(bobsList).toEqual([]);
    const bobs = expectStatus<DeviceView>(
      await registerDevice(app, bob, { platform: 'apns', token: apnsToken() }),
      201,
    );
    expect((await listDevices(app, bob)).map((device) => device.id)).toEqual([bobs.id]);
    expect(new Set((await listDevices(app, ann)).map((device) => device.id))).toEqual(annsIds);
  });

  it('serves the VAPID public key without authentication, and null where Web Push is not configured', async () => {
    const response = await app.request('GET', '/api/v1/push/vapid-public-key');
    expect(expectStatus(response, 200)).toEqual({ publicKey: vapid.publicKey });
    expect(response.text).not.toContain(vapid.privateKey);
    expect(expectStatus(await bare.request('GET', '/api/v1/push/vapid-public-key'), 200)).toEqual({ publicKey: null });
  });
});

describe('the same device registered again', () => {
  it('by the same user on a new session: one row, the same id, now under the new session', async () => {
    const first = await register(app);
    const second = await newSession(app, first);
    expect(second.sessionId).not.toBe(first.sessionId);
    const subscription = webPushService.subscription();

    const once = expectStatus<DeviceView>(await registerDevice(app, first, webPushBody(subscription, 'old')), 201);
    const twice = expectStatus<DeviceView>(await registerDevice(app, second, webPushBody(subscription, 'new')), 201);
    expect(twice.id).toBe(once.id);
    expect(twice.name).toBe('new');
    const rows = await deviceRows(app, { userId: first.user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: once.id, sessionId: second.sessionId });
    expect((await listDevices(app, first)).map((device) => device.id)).toEqual([once.id]);

    // Ending the session that first registered it leaves it: it belongs to the second now.
    await logout(app, first);
    await sleep(300);
    expect((await listDevices(app, second)).map((device) => device.id)).toEqual([once.id]);
    expect(await deviceRows(app, { id: once.id })).toHaveLength(1);

    await logout(app, second);
    expect(
      await eventually(
        () => deviceRows(app, { id: once.id }),
        (left) => left.length === 0,
      ),
    ).toEqual([]);
  });

  it('by another user: the device changed hands, the first user no longer has it', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const subscription = webPushService.subscription();
    const token = apnsToken();
    const annsPush = expectStatus<DeviceView>(await registerDevice(app, ann, webPushBody(subscription)), 201);
    expectStatus<DeviceView>(await registerDevice(app, ann, { platform: 'apns', token }), 201);

    const bobsPush = expectStatus<DeviceView>(await registerDevice(app, bob, webPushBody(subscription)), 201);
    // The same APNs token in other letter case is the same device.
    const bobsApns = expectStatus<DeviceView>(
      await registerDevice(app, bob, { platform: 'apns', token: token.toUpperCase() }),
      201,
    );

    expect(await listDevices(app, ann)).toEqual([]);
    expect(await deviceRows(app, { userId: ann.user.id })).toEqual([]);
    expect(await deviceRows(app, { id: annsPush.id })).toEqual([]);
    const rows = await app.app.get(PrismaService).device.findMany({
      where: { OR: [{ token: subscription.endpoint }, { token }] },
    });
    expect(rows.map((row) => [row.userId, row.id]).sort()).toEqual(
      [
        [bob.user.id, bobsPush.id],
        [bob.user.id, bobsApns.id],
      ].sort(),
    );
    expect(new Set((await listDevices(app, bob)).map((device) => device.id))).toEqual(
      new Set([bobsPush.id, bobsApns.id]),
    );
  });
});

describe('devices end with their session', () => {
  it("logout removes that session's devices, from the list and the table; the other session's stay", async () => {
    const first = await register(app);
    const second = await newSession(app, first);
    const gone = [
      expectStatus<DeviceView>(await registerDevice(app, first, webPushBody()), 201).id,
      expectStatus<DeviceView>(await registerDevice(app, first, { platform: 'apns', token: apnsToken() }), 201).id,
    ];
    const kept = expectStatus<DeviceView>(
      await registerDevice(app, second, { platform: 'apns', token: apnsToken() }),
      201,
    ).id;
    expect(await listDevices(app, second)).toHaveLength(3);

    await logout(app, first);
    expect((await listDevices(app, second)).map((device) => device.id)).toEqual([kept]);
    const rows = await eventually(
      () => deviceRows(app, { userId: first.user.id }),
      (left) => left.length === 1,
    );
    expect(rows.map((row) => row.id)).toEqual([kept]);
    expect(rows[0].sessionId).toBe(second.sessionId);
    // The logged-out session cannot list or register any more.
    expect((await app.request('GET', '/api/v1/devices', { headers: bearer(first.accessToken) })).status).toBe(401);
    expect((await registerDevice(app, first, { platform: 'apns', token: apnsToken() })).status).toBe(401);
    expect(await deviceRows(app, { id: gone[0] })).toEqual([]);
  });

  it('revoking a session from another one removes its devices', async () => {
    const first = await register(app);
    const second = await newSession(app, first);
    expectStatus<DeviceView>(await registerDevice(app, first, webPushBody()), 201);
    const response = await app.request('DELETE', `/api/v1/auth/sessions/${first.sessionId}`, {
      headers: bearer(second.accessToken),
    });
    expectStatus(response, 204);
    expect(await listDevices(app, second)).toEqual([]);
    expect(
      await eventually(
        () => deviceRows(app, { userId: first.user.id }),
        (left) => left.length === 0,
      ),
    ).toEqual([]);
  });

  it('a device whose session was revoked without the event is not listed and has no push audience', async () => {
    const first = await register(app);
    const second = await newSession(app, first);
    const stale = expectStatus<DeviceView>(
      await registerDevice(app, first, { platform: 'apns', token: apnsToken() }),
      201,
    );
    const audience = app.app.get(PushAudienceRepository);
    expect(await audience.withDevices([first.user.id])).toEqual([first.user.id]);

    // As a crash between the revocation and its event leaves it: the session revoked, the row still there.
    await app.app
      .get(PrismaService)
      .session.update({ where: { id: first.sessionId }, data: { revokedAt: new Date() } });
    expect(await deviceRows(app, { id: stale.id })).toHaveLength(1);
    expect(await listDevices(app, second)).toEqual([]);
    expect(await audience.withDevices([first.user.id])).toEqual([]);

    // An expired session counts as ended too.
    const third = await newSession(app, first);
    const expiring = expectStatus<DeviceView>(await registerDevice(app, third, webPushBody()), 201);
    expect((await listDevices(app, second)).map((device) => device.id)).toEqual([expiring.id]);
    await app.app
      .get(PrismaService)
      .session.update({ where: { id: third.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await listDevices(app, second)).toEqual([]);
    expect(await audience.withDevices([first.user.id])).toEqual([]);
  });
});

describe('limits and races', () => {
  it('keeps at most 20 devices per user: the 21st replaces the oldest', async () => {
    const ann = await register(app);
    const ids: string[] = [];
    for (let i = 0; i < 21; i += 1) {
      ids.push(
        expectStatus<DeviceView>(await registerDevice(app, ann, { platform: 'apns', token: apnsToken() }), 201).id,
      );
      await sleep(2);
    }
    const listed = await listDevices(app, ann);
    expect(listed).toHaveLength(20);
    expect(listed.map((device) => device.id)).toEqual(ids.slice(1).reverse());
    expect(await deviceRows(app, { userId: ann.user.id })).toHaveLength(20);
    expect(await deviceRows(app, { id: ids[0] })).toEqual([]);
  });

  it('registering one subscription 10 times at once never answers 500 and leaves exactly one row', async () => {
    const ann = await register(app);
    const subscription = webPushService.subscription();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => registerDevice(app, ann, webPushBody(subscription))),
    );
    const statuses = responses.map((response) => response.status);
    for (const response of responses) {
      if (response.status >= 500 && response.status !== 503) throw new Error(`${response.status}: ${response.text}`);
      if (response.status !== 201) expect(response.json().code).toEqual(expect.any(String));
    }
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    const ids = new Set(responses.filter((response) => response.status === 201).map((response) => response.json().id));
    expect(ids.size).toBe(1);
    const rows = await deviceRows(app, { userId: ann.user.id });
    expect(rows).toHaveLength(1);
    expect((await listDevices(app, ann)).map((device) => device.id)).toEqual([...ids]);
  });

  it('two users racing for one subscription leave it to exactly one of them', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    // Several subscriptions raced at once: an interleaving that leaves both users a row shows up in some.
    const subscriptions = Array.from({ length: 5 }, () => webPushService.subscription());
    const responses = await Promise.all(
      subscriptions.flatMap((subscription) =>
        Array.from({ length: 10 }, (_, i) => registerDevice(app, i % 2 ? bob : ann, webPushBody(subscription))),
      ),
    );
    for (const response of responses) {
      if (response.status >= 500 && response.status !== 503) throw new Error(`${response.status}: ${response.text}`);
    }
    const prisma = app.app.get(PrismaService);
    for (const subscription of subscriptions) {
      const rows = await prisma.device.findMany({ where: { token: subscription.endpoint } });
      expect(rows.map((row) => row.token)).toEqual([subscription.endpoint]);
    }
    const listed = [...(await listDevices(app, ann)), ...(await listDevices(app, bob))];
    expect(listed).toHaveLength(subscriptions.length);
  });
});
