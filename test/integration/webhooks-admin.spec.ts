import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { register, type SignedIn } from '../support/auth-client.js';
import { expectStatus } from '../support/chat-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { ADMIN_EMAIL, registerAdmin, webhooks } from '../support/webhook-client.js';

/*
 * The webhooks admin API as an attacker and a careful admin see it: who may call it, what it
 * refuses, what it shows of a secret, and the audit rows its changes leave. The app refuses
 * private addresses (the default); no event is delivered here.
 */

const EVENTS = [
  'message.created',
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
  'conversation.created',
  'report.created',
  'user.suspended',
];
const PUBLIC_URL = 'https://93.184.216.34/hooks/chat';

let t: TestApp;
let db: pg.Client;
let admin: SignedIn;
let user: SignedIn;

beforeAll(async () => {
  t = await startTestApp({ ADMIN_EMAILS: ADMIN_EMAIL, WEBHOOK_CHANGES_PER_MINUTE_PER_USER: 1000 });
  db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  [admin, user] = [await registerAdmin(t), await register(t)];
});

afterAll(async () => {
  await db?.end();
  await t?.close();
});

const auditOf = async (targetId: string) =>
  (
    await db.query<{ actorId: string; action: string; targetType: string; details: unknown; ip: string | null }>(
      `SELECT actor_id AS "actorId", action, target_type AS "targetType", details, ip
       FROM audit_log WHERE target_id = $1 ORDER BY created_at, action`,
      [targetId],
    )
  ).rows;

describe('creating, listing and deleting webhooks', () => {
  it('answers the secret once, as whsec_ and the base64 of 32 bytes, and never lists it', async () => {
    const created = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, ['message.created', 'member.added']), 201);
    expect(created).toEqual({
      id: expect.any(String),
      url: PUBLIC_URL,
      events: ['message.created', 'member.added'],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      createdAt: expect.any(String),
    });
    expect(Buffer.from(created.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const another = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, ['message.created']), 201);
    expect(another.secret).not.toBe(created.secret);

    const listed = expectStatus(await webhooks(t, admin).list(), 200);
    expect(listed.items).toContainEqual({
      id: created.id,
      url: created.url,
      events: created.events,
      createdAt: created.createdAt,
    });
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect(JSON.stringify(expectStatus(await webhooks(t, admin).deliveries(created.id), 200))).not.toContain('whsec_');
  });

  it('audits a creation and a deletion, by whom and from where', async () => {
    const created = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, EVENTS), 201);
    expect(await webhooks(t, admin).remove(created.id)).toMatchObject({ status: 204 });
    expect(await auditOf(created.id)).toEqual([
      {
        actorId: admin.user.id,
        action: 'webhook.created',
        targetType: 'webhook',
        details: { url: PUBLIC_URL, events: EVENTS },
        ip: expect.any(String),
      },
      {
        actorId: admin.user.id,
        action: 'webhook.deleted',
        targetType: 'webhook',
        details: { url: PUBLIC_URL, events: EVENTS },
        ip: expect.any(String),
      },
    ]);
    expect(JSON.stringify(await auditOf(created.id))).not.toContain('whsec_');
  });

  it('deletes a webhook once: it leaves the list, and a second delete or its deliveries are 404 WEBHOOK_NOT_FOUND', async () => {
    const created = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, ['message.deleted']), 201);
    expectStatus(await webhooks(t, admin).remove(created.id), 204);
    const listed = expectStatus(await webhooks(t, admin).list(), 200);
    expect(listed.items.map((item: { id: string }) => item.id)).not.toContain(created.id);
    for (const response of [
      await webhooks(t, admin).remove(created.id),
      await webhooks(t, admin).deliveries(created.id),
      await webhooks(t, admin).remove(randomUUID()),
    ]) {
      expect(response.status).toBe(404);
      expect(response.json().code).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await auditOf(created.id)).map((row) => row.action)).toEqual(['webhook.created', 'webhook.deleted']);
  });

  it('keeps to 50 webhooks, even when creations race for the last place: 409 WEBHOOK_LIMIT', async () => {
    await db.query('DELETE FROM webhooks');
    await db.query(
      `INSERT INTO webhooks (id, url, events, secret)
       SELECT gen_random_uuid(), $1, ARRAY['message.created'], 'whsec_x' FROM generate_series(1, 48)`,
      [PUBLIC_URL],
    );
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => webhooks(t, admin).create(PUBLIC_URL, ['message.created'])),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect(racing.find((response) => response.status === 409)!.json().code).toBe('WEBHOOK_LIMIT');
    expect((await db.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(50);
    await db.query('DELETE FROM webhooks');
  });
});

describe('who may use the webhooks API', () => {
  it('refuses anyone who is not a system admin with 403 FORBIDDEN, on every route, changing nothing', async () => {
    const created = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, ['message.created']), 201);
    const attempts = [
      await webhooks(t, user).create(PUBLIC_URL, ['message.created']),
      await webhooks(t, user).list(),
      await webhooks(t, user).remove(created.id),
      await webhooks(t, user).deliveries(created.id),
      // Refused as a caller before its input is looked at.
      await webhooks(t, user).create('not a url', ['nope']),
      await webhooks(t, user).remove('not-a-uuid'),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(response.json().code).toBe('FORBIDDEN');
    }
    expect(expectStatus(await webhooks(t, admin).list(), 200).items.map((item: { id: string }) => item.id)).toContain(
      created.id,
    );
    expect(await auditOf(created.id)).toHaveLength(1);
  });

  it('refuses a caller without a valid token with 401', async () => {
    for (const response of [
      await t.request('GET', '/api/v1/admin/webhooks'),
      await t.request('POST', '/api/v1/admin/webhooks', { body: { url: PUBLIC_URL, events: ['message.created'] } }),
    ]) {
      expect(response.status).toBe(401);
    }
  });
});

describe('what a creation refuses', () => {
  const refused = async (body: unknown, field: string) => {
    const response = await webhooks(t, admin).call('POST', '', body);
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('VALIDATION_FAILED');
    expect(response.json().details.map((detail: { field: string }) => detail.field)).toContain(field);
    return response.json().details as { field: string; message: string }[];
  };

  it.each([
    ['an unknown event', { url: PUBLIC_URL, events: ['message.created', 'message.read'] }, 'events'],
    ['no event', { url: PUBLIC_URL, events: [] }, 'events'],
    ['events that are not a list', { url: PUBLIC_URL, events: 'message.created' }, 'events'],
    ['an event twice', { url: PUBLIC_URL, events: ['member.added', 'member.added'] }, 'events'],
    ['no events at all', { url: PUBLIC_URL }, 'events'],
    ['no url', { events: ['message.created'] }, 'url'],
    ['a url that is no URL', { url: 'hooks.example.com/chat', events: ['message.created'] }, 'url'],
    ['an ftp url', { url: 'ftp://93.184.216.34/hook', events: ['message.created'] }, 'url'],
    ['a javascript: url', { url: 'javascript:alert(1)', events: ['message.created'] }, 'url'],
    ['a url that is not a string', { url: 42, events: ['message.created'] }, 'url'],
    ['a huge url', { url: `https://93.184.216.34/${'a'.repeat(3000)}`, events: ['message.created'] }, 'url'],
    ['a host that is a bare number', { url: 'http://2130706433/hook', events: ['message.created'] }, 'url'],
    ['an unknown field', { url: PUBLIC_URL, events: ['message.created'], secret: 'whsec_mine' }, 'secret'],
  ])('refuses %s: 400 VALIDATION_FAILED naming the field', async (_case, body, field) => {
    await refused(body, field);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook'],
    ['loopback, as a name', 'http://localhost:8080/hook'],
    ['IPv6 loopback', 'http://[::1]:8080/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['another private network', 'https://192.168.0.10/hook'],
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data'],
    ['the unspecified address', 'http://0.0.0.0/hook'],
  ])('refuses a URL at %s while OUTBOUND_ALLOW_PRIVATE_ADDRESSES is off', async (_case, url) => {
    const [detail] = await refused({ url, events: ['message.created'] }, 'url');
    expect(detail.message).toMatch(/a private, loopback or reserved address$/);
  });

  it('stores nothing for a refused creation', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n;
    await refused({ url: 'http://127.0.0.1/hook', events: ['message.created'] }, 'url');
    expect((await db.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(before);
  });

  it('refuses a malformed id and a forged deliveries cursor with 400', async () => {
    const created = expectStatus(await webhooks(t, admin).create(PUBLIC_URL, ['message.created']), 201);
    for (const response of [
      await webhooks(t, admin).remove('not-a-uuid'),
      await webhooks(t, admin).deliveries('not-a-uuid'),
      await webhooks(t, admin).deliveries(created.id, '?cursor=not-a-cursor'),
      await webhooks(t, admin).deliveries(
        created.id,
        `?cursor=${Buffer.from(JSON.stringify({ createdAt: 'yesterday', id: 'x' })).toString('base64url')}`,
      ),
      await webhooks(t, admin).deliveries(created.id, '?limit=1000'),
    ]) {
      expect(response.status).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents every webhooks route with its answers, errors included', async () => {
    const document = (await t.request('GET', '/docs-json')).json();
    const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses).sort();
    expect(statuses('/api/v1/admin/webhooks', 'post')).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
      '503',
    ]);
    expect(statuses('/api/v1/admin/webhooks', 'get')).toEqual(['200', '401', '403', '503']);
    expect(statuses('/api/v1/admin/webhooks/{id}', 'delete')).toEqual([
      '204',
      '400',
      '401',
      '403',
      '404',
      '414',
      '429',
      '503',
    ]);
    expect(statuses('/api/v1/admin/webhooks/{id}/deliveries', 'get')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '414',
      '503',
    ]);
    expect(document.components.schemas.CreatedWebhook.required).toContain('secret');
    expect(document.components.schemas.Webhook.properties).not.toHaveProperty('secret');
    expect(document.components.schemas.WebhookDelivery.properties.status.enum).toEqual([
      'pending',
      'delivered',
      'failed',
    ]);
  });
});
