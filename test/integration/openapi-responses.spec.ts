import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ADMIN_SETTINGS, registerAdmin } from '../support/admin-client.js';
import { bearer, freshAddress, newAccount, register, TEST_PASSWORD, type SignedIn } from '../support/auth-client.js';
import { expectStatus } from '../support/chat-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';
import { image, uploads } from '../support/upload-client.js';

type Schema = Record<string, unknown>;

/**
 * An OpenAPI 3.0 schema as JSON Schema, and strict: `nullable` becomes `null` allowed, and an object
 * with properties accepts no others, so a field the schema lacks fails as surely as a missing one.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, ...rest } = schema as Schema;
  const converted: Schema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, strict(value)]));
  const { $ref } = converted;
  if (typeof $ref === 'string') converted.$ref = $ref.replace('#/components/', 'openapi#/components/');
  if (converted.properties && converted.additionalProperties === undefined) converted.additionalProperties = false;
  return nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
}

/** The headers an answer carries that its documented response must declare. */
const DOCUMENTED_HEADERS = ['X-Request-Id', 'X-Cache', 'X-RateLimit-Remaining', 'Retry-After'];

describe('the answers of the API', () => {
  let t: TestApp;
  let operations: Record<string, Record<string, Operation>>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // A CommonJS module: its plugin is also its own `default`, which both module systems reach.
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  const problems: string[] = [];
  const checked = new Set<string>();

  /**
   * Sends a request and checks the answer against the document: its status is one the operation
   * declares, the headers of DOCUMENTED_HEADERS it carries are declared there, and its body matches
   * that status's schema. `path` is the documented template.
   */
  async function call(
    who: SignedIn | undefined,
    method: string,
    path: string,
    values: Record<string, string> = {},
    body?: unknown,
  ): Promise<HttpResponse> {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]));
    const headers = { ...freshAddress(), ...(who && bearer(who.accessToken)) };
    const response = await t.request(method, url, { headers, body });
    const template = path.split('?')[0];
    const key = `${method} ${template} ${response.status}`;
    checked.add(key);
    const declared = operations[template]?.[method.toLowerCase()]?.responses[String(response.status)];
    if (!declared) {
      problems.push(`${key}: not documented (${response.text.slice(0, 200)})`);
      return response;
    }
    const undeclared = DOCUMENTED_HEADERS.filter((name) => response.headers.has(name) && !declared.headers?.[name]);
    if (undeclared.length > 0) problems.push(`${key}: ${undeclared.join(', ')} not documented`);
    const schema = declared.content?.['application/json']?.schema;
    if (!schema) return response;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(strict(schema) as Schema);
      validators.set(key, validate);
    }
    if (!validate(response.json())) problems.push(`${key}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
    return response;
  }

  beforeAll(async () => {
    t = await startTestApp(ADMIN_SETTINGS);
    const document = (await t.request('GET', '/docs-json')).json<{ paths: typeof operations; components: Schema }>();
    operations = document.paths;
    ajv.addSchema({ components: strict(document.components) }, 'openapi');
  });
  afterAll(() => t.close());

  it('match the schema of the status they have, on the main routes of every feature', async () => {
    const [m1, m2, m3] = [randomUUID(), randomUUID(), randomUUID()];
    const ada = await register(t, newAccount('ada'));
    const bob = await register(t, newAccount('bob'));
    const cy = await register(t, newAccount('cy'));
    const root = await registerAdmin(t);

    // Accounts and users
    const account = newAccount('dee');
    await call(undefined, 'POST', '/api/v1/auth/register', {}, account);
    await call(undefined, 'POST', '/api/v1/auth/login', {}, { login: account.username, password: TEST_PASSWORD });
    await call(undefined, 'POST', '/api/v1/auth/login', {}, { login: account.username, password: 'wrong password!' });
    await call(undefined, 'POST', '/api/v1/auth/refresh', {}, { refreshToken: ada.refreshToken });
    const fresh = expectStatus<SignedIn>(
      await t.request('POST', '/api/v1/auth/login', {
        body: { login: ada.user.username, password: TEST_PASSWORD },
        headers: freshAddress(),
      }),
      200,
    );
    await call(fresh, 'GET', '/api/v1/auth/sessions');
    await call(fresh, 'DELETE', '/api/v1/auth/sessions/{id}', { id: randomUUID() });
    await call(fresh, 'POST', '/api/v1/auth/logout');
    await call(ada, 'GET', '/api/v1/users/me');
    await call(ada, 'PATCH', '/api/v1/users/me', {}, { displayName: 'Ada', settings: { showLastSeen: true } });
    await call(ada, 'GET', '/api/v1/users/{id}', { id: bob.user.id });
    await call(ada, 'GET', '/api/v1/users/{id}', { id: randomUUID() });
    await call(ada, 'GET', '/api/v1/users/{id}', { id: 'not-a-uuid' });
    await call(ada, 'GET', '/api/v1/users?search=bob');
    await call(ada, 'POST', '/api/v1/users/{id}/block', { id: cy.user.id });
    await call(ada, 'GET', '/api/v1/users/me/blocks');
    await call(ada, 'DELETE', '/api/v1/users/{id}/block', { id: cy.user.id });
    await call(undefined, 'GET', '/api/v1/users/me');

    // Conversations
    const direct = expectStatus<{ id: string }>(
      await call(ada, 'POST', '/api/v1/conversations', {}, { type: 'direct', userId: bob.user.id }),
      201,
    );
    await call(ada, 'POST', '/api/v1/conversations', {}, { type: 'direct', userId: bob.user.id });
    await call(bob, 'POST', '/api/v1/conversations/{id}/accept', { id: direct.id });
    const group = expectStatus<{ id: string }>(
      await call(ada, 'POST', '/api/v1/conversations', {}, { type: 'group', title: 'g', memberIds: [bob.user.id] }),
      201,
    );
    const id = group.id;
    await call(ada, 'POST', '/api/v1/conversations/{id}/members', { id }, { userIds: [cy.user.id] });
    await call(
      ada,
      'PATCH',
      '/api/v1/conversations/{id}/members/{userId}',
      { id, userId: bob.user.id },
      { role: 'admin' },
    );
    await call(ada, 'PATCH', '/api/v1/conversations/{id}', { id }, { title: 'group' });
    await call(cy, 'PATCH', '/api/v1/conversations/{id}', { id }, { title: 'mine' });
    await call(ada, 'GET', '/api/v1/conversations');
    await call(ada, 'GET', '/api/v1/conversations/{id}', { id });
    await call(ada, 'GET', '/api/v1/conversations/{id}', { id: randomUUID() });

    // Messages, reactions, threads, pins, marks
    const link = { url: 'https://files.example.com/a.pdf', mimeType: 'application/pdf', size: 10, name: 'a.pdf' };
    const sent = expectStatus<{ id: string; seq: number }>(
      await call(
        ada,
        'POST',
        '/api/v1/conversations/{id}/messages',
        { id },
        {
          clientMessageId: m1,
          body: `hello @${bob.user.username}`,
          attachments: [link],
        },
      ),
      201,
    );
    await call(ada, 'POST', '/api/v1/conversations/{id}/messages', { id }, { clientMessageId: m1, body: 'again' });
    const upload = await uploads(t, bob).upload('dot.png', 'image/png', await image('png', 4, 3));
    await call(
      bob,
      'POST',
      '/api/v1/conversations/{id}/messages',
      { id },
      {
        clientMessageId: m2,
        body: 'a reply',
        threadRootId: sent.id,
        attachments: [{ uploadId: upload.id }],
      },
    );
    const ids = { id, messageId: sent.id, rootId: sent.id };
    await call(bob, 'PUT', '/api/v1/conversations/{id}/messages/{messageId}/reactions/{emoji}', {
      ...ids,
      emoji: '👍',
    });
    await call(bob, 'PUT', '/api/v1/conversations/{id}/messages/{messageId}/reactions/{emoji}', { ...ids, emoji: 'x' });
    await call(bob, 'GET', '/api/v1/conversations/{id}/messages/{messageId}/reactions', ids);
    await call(ada, 'PATCH', '/api/v1/conversations/{id}/messages/{messageId}', ids, { body: 'hello, edited' });
    await call(bob, 'PATCH', '/api/v1/conversations/{id}/messages/{messageId}', ids, { body: 'not mine' });
    await call(ada, 'GET', '/api/v1/conversations/{id}/messages', { id });
    await call(ada, 'GET', '/api/v1/conversations/{id}/sync?since=0', { id });
    await call(ada, 'GET', '/api/v1/conversations/{id}/threads', { id });
    await call(ada, 'GET', '/api/v1/conversations/{id}/threads/{rootId}/messages', ids);
    await call(ada, 'POST', '/api/v1/conversations/{id}/threads/{rootId}/read', ids, { seq: sent.seq + 1 });
    await call(ada, 'PUT', '/api/v1/conversations/{id}/pins/{messageId}', ids);
    await call(ada, 'GET', '/api/v1/conversations/{id}/pins', { id });
    await call(bob, 'POST', '/api/v1/conversations/{id}/read', { id }, { seq: sent.seq });
    await call(bob, 'POST', '/api/v1/conversations/{id}/read', { id }, { seq: 999 });
    await call(bob, 'POST', '/api/v1/conversations/{id}/delivered', { id }, { seq: sent.seq });
    await call(ada, 'GET', '/api/v1/conversations/{id}/reads', { id });
    await call(bob, 'GET', '/api/v1/conversations/unread');
    await call(bob, 'GET', '/api/v1/search/messages?q=hello');
    await call(ada, 'POST', '/api/v1/conversations/{id}/members/{userId}/mute', { id, userId: cy.user.id }, {});
    await call(cy, 'POST', '/api/v1/conversations/{id}/messages', { id }, { clientMessageId: m3, body: 'muted' });
    await call(ada, 'POST', '/api/v1/conversations/{id}/bans', { id }, { userId: cy.user.id, reason: 'spam' });
    await call(ada, 'GET', '/api/v1/conversations/{id}/bans', { id });
    await call(bob, 'DELETE', '/api/v1/conversations/{id}/messages/{messageId}/reactions/{emoji}', {
      ...ids,
      emoji: '👍',
    });
    await call(ada, 'PUT', '/api/v1/conversations/{id}/threads/{rootId}/follow', ids);
    await call(ada, 'DELETE', '/api/v1/conversations/{id}/pins/{messageId}', ids);
    await call(ada, 'DELETE', '/api/v1/conversations/{id}/messages/{messageId}', ids);
    await call(ada, 'DELETE', '/api/v1/conversations/{id}/members/{userId}', { id, userId: bob.user.id });
    await call(ada, 'DELETE', '/api/v1/conversations/{id}', { id });

    // Notifications, presence, uploads, devices, data
    await call(bob, 'GET', '/api/v1/notifications');
    await call(bob, 'GET', '/api/v1/notifications/unread-count');
    await call(bob, 'POST', '/api/v1/notifications/read-all');
    await call(bob, 'PUT', '/api/v1/users/me/status', {}, { status: 'away', statusText: 'lunch' });
    await call(ada, 'GET', '/api/v1/users/{id}/presence', { id: bob.user.id });
    await call(ada, 'POST', '/api/v1/users/presence', {}, { userIds: [bob.user.id, cy.user.id] });
    await call(bob, 'POST', '/api/v1/uploads', {}, { name: 'b.png', mimeType: 'image/png', size: 10 });
    await call(bob, 'POST', '/api/v1/uploads', {}, { name: 'b.exe', mimeType: 'application/x-msdownload', size: 10 });
    await call(bob, 'POST', '/api/v1/uploads/{id}/complete', { id: upload.id });
    await call(bob, 'GET', '/api/v1/uploads/{id}/url', { id: upload.id });
    await call(bob, 'GET', '/api/v1/devices');
    await call(undefined, 'GET', '/api/v1/push/vapid-public-key');
    const exported = expectStatus<{ id: string }>(await call(bob, 'POST', '/api/v1/users/me/export'), 202);
    await call(bob, 'GET', '/api/v1/users/me/export/{id}', { id: exported.id });
    await call(bob, 'POST', '/api/v1/reports', {}, { userId: ada.user.id, reason: 'spam' });

    // Administration and health
    await call(root, 'GET', '/api/v1/admin/users');
    await call(ada, 'GET', '/api/v1/admin/users');
    await call(root, 'GET', '/api/v1/admin/reports');
    await call(root, 'GET', '/api/v1/admin/audit');
    await call(root, 'POST', '/api/v1/admin/users/{id}/suspend', { id: cy.user.id }, { reason: 'spam' });
    await call(root, 'POST', '/api/v1/admin/bots', {}, { username: `bot_${process.pid}`, displayName: 'Bot' });
    const hook = expectStatus<{ id: string }>(
      await call(
        root,
        'POST',
        '/api/v1/admin/webhooks',
        {},
        {
          url: 'https://93.184.216.34/hooks/chat',
          events: ['message.created'],
        },
      ),
      201,
    );
    await call(root, 'GET', '/api/v1/admin/webhooks');
    await call(root, 'GET', '/api/v1/admin/webhooks/{id}/deliveries', { id: hook.id });
    await call(root, 'DELETE', '/api/v1/admin/webhooks/{id}', { id: hook.id });
    const report = expectStatus<{ id: string }>(
      await call(ada, 'POST', '/api/v1/reports', {}, { userId: bob.user.id, reason: 'abuse' }),
      201,
    );
    await call(root, 'POST', '/api/v1/admin/reports/{id}/resolve', { id: report.id }, { action: 'dismiss' });
    await call(root, 'POST', '/api/v1/admin/reports/{id}/resolve', { id: report.id }, { action: 'dismiss' });
    await call(root, 'POST', '/api/v1/admin/users/{id}/unsuspend', { id: cy.user.id });
    await call(root, 'DELETE', '/api/v1/admin/messages/{messageId}', { messageId: randomUUID() });
    await call(undefined, 'GET', '/health');
    await call(undefined, 'GET', '/health/liveness');
    await call(undefined, 'GET', '/health/readiness');
    await call(undefined, 'GET', '/app');

    expect(checked.size).toBeGreaterThan(85);
    expect(problems).toEqual([]);
  });
});
