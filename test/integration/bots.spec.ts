import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { bearer, login, newAccount, register, type SignedIn } from '../support/auth-client.js';
import {
  asBot,
  botAuth,
  createBot,
  createBotRequest,
  deleteBot,
  newBotName,
  type CreatedBot,
} from '../support/bot-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, connectWithAuth, refusedWith, request, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl, testRedisUrl } from '../support/test-config.js';

const ADMIN_EMAIL = `bots-admin-${process.pid}@example.com`;
/** Listed in ADMIN_EMAILS too, and given to a bot's row: a bot is still no admin. */
const LISTED_EMAIL = `bots-listed-${process.pid}@example.com`;
const SEND_LIMIT = 8;
const KEY_SHAPE = /^bot_[A-Za-z0-9_-]{43}$/;

const closed = (socket: ClientSocket) => new Promise<string>((resolve) => socket.on('disconnect', resolve));

/** Why a socket handshake with this `auth` is refused ('connected' when it is not). */
async function handshakeRefusal(baseUrl: string, auth: Record<string, unknown>): Promise<string> {
  try {
    const socket = await connectWithAuth(baseUrl, auth);
    socket.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('bots', () => {
  let one: TestApp;
  let two: TestApp;
  let admin: SignedIn;
  let db: pg.Client;
  let redis: Redis;
  const sockets: ClientSocket[] = [];
  const connectBot = async (t: TestApp, bot: CreatedBot) => {
    const socket = await connectWithAuth(t.baseUrl, { apiKey: bot.apiKey });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      ADMIN_EMAILS: `${ADMIN_EMAIL},${LISTED_EMAIL}`,
      MESSAGES_PER_MINUTE_PER_USER: SEND_LIMIT,
      // This file's admin creates dozens of bots a minute; the limit itself has a test of its own.
      BOT_CHANGES_PER_MINUTE_PER_USER: 1000,
    });
    admin = await register(one, { ...newAccount('admin'), email: ADMIN_EMAIL });
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    redis = new Redis(testRedisUrl());
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(async () => {
    await db.end();
    redis.disconnect();
    await Promise.all([one.close(), two.close()]);
  });

  describe('creation', () => {
    it('answers 201 { user, apiKey }: a bot profile and a key of the documented shape, audited', async () => {
      const username = newBotName('Deploy');
      const response = await createBotRequest(one, admin, { username, displayName: 'Deploy bot' });
      const created = expectStatus<CreatedBot>(response, 201);
      expect(created.user).toMatchObject({
        username: username.toLowerCase(),
        displayName: 'Deploy bot',
        bot: true,
        deleted: false,
      });
      expect(created.user).not.toHaveProperty('email');
      expect(created.apiKey).toMatch(KEY_SHAPE);

      const profile = await two.request('GET', `/api/v1/users/${created.user.id}`, {
        headers: bearer(admin.accessToken),
      });
      expect(expectStatus(profile, 200)).toMatchObject({ id: created.user.id, bot: true, deleted: false });
      const human = await two.request('GET', `/api/v1/users/${admin.user.id}`, { headers: bearer(admin.accessToken) });
      expect(expectStatus(human, 200)).toMatchObject({ bot: false });

      const { rows } = await db.query(
        "SELECT actor_id, target_type, target_id, details FROM audit_log WHERE action = 'bot.created' AND target_id = $1",
        [created.user.id],
      );
      expect(rows).toEqual([
        {
          actor_id: admin.user.id,
          target_type: 'bot',
          target_id: created.user.id,
          details: { username: username.toLowerCase() },
        },
      ]);
    });

    it('gives every bot a different key, and stores only its SHA-256, nowhere the key itself', async () => {
      const [a, b] = [await createBot(one, admin), await createBot(two, admin)];
      expect(a.apiKey).not.toBe(b.apiKey);
      const { rows } = await db.query('SELECT * FROM bot_api_keys WHERE bot_id = $1', [a.user.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].key_hash).toBe(createHash('sha256').update(a.apiKey).digest('hex'));
      const secret = a.apiKey.slice('bot_'.length);
      const everywhere = await db.query(
        `SELECT row_to_json(k)::text AS k, row_to_json(s)::text AS s, row_to_json(u)::text AS u
         FROM bot_api_keys k JOIN sessions s ON s.id = k.session_id JOIN users u ON u.id = k.bot_id
         WHERE k.bot_id = $1`,
        [a.user.id],
      );
      const stored = JSON.stringify(everywhere.rows);
      expect(stored).not.toContain(secret);
      const account = await db.query('SELECT role, password_hash FROM users WHERE id = $1', [a.user.id]);
      expect(account.rows).toEqual([{ role: 'bot', password_hash: '' }]);
    });

    it('refuses a username a user or another bot has, in any case: 409 USERNAME_TAKEN', async () => {
      const taken = await createBot(one, admin);
      const human = await register(one);
      for (const username of [taken.user.username.toUpperCase(), human.user.username.toUpperCase()]) {
        const response = await createBotRequest(two, admin, { username, displayName: 'Copy' });
        expect(response.status).toBe(409);
        expect(response.json()).toMatchObject({ code: 'USERNAME_TAKEN' });
      }
      // Nor can someone register the bot's name afterwards.
      const registration = await one.request('POST', '/api/v1/auth/register', {
        body: { ...newAccount(), username: taken.user.username },
        headers: { 'x-forwarded-for': '198.51.100.7' },
      });
      expect(registration.status).toBe(409);
    });

    it('of two creations racing for one username, exactly one wins', async () => {
      const username = newBotName('race');
      const answers = await Promise.all([
        createBotRequest(one, admin, { username, displayName: 'A' }),
        createBotRequest(two, admin, { username, displayName: 'B' }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM users WHERE username = $1', [username]);
      expect(rows[0].n).toBe(1);
    });

    it.each([
      ['no username', { displayName: 'X' }, 'username'],
      ['a username with a hyphen', { username: 'no-hyphens', displayName: 'X' }, 'username'],
      ['a username of 2', { username: 'ab', displayName: 'X' }, 'username'],
      ['a username of 33', { username: 'a'.repeat(33), displayName: 'X' }, 'username'],
      ['a username that is a number', { username: 12345, displayName: 'X' }, 'username'],
      ['no displayName', { username: 'fine_name' }, 'displayName'],
      ['an empty displayName', { username: 'fine_name', displayName: '' }, 'displayName'],
      ['a displayName of 65', { username: 'fine_name', displayName: 'x'.repeat(65) }, 'displayName'],
      ['a displayName that is an object', { username: 'fine_name', displayName: { a: 1 } }, 'displayName'],
      ['an unknown field', { username: 'fine_name', displayName: 'X', role: 'admin' }, 'role'],
    ])('answers 400 VALIDATION_FAILED to %s, and creates nothing', async (_name, body, field) => {
      const response = await createBotRequest(one, admin, body);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(response.json().details)).toContain(field);
      const { rows } = await db.query("SELECT count(*)::int AS n FROM users WHERE username = 'fine_name'");
      expect(rows[0].n).toBe(0);
    });

    it('answers 400 to a body that is not JSON or not an object', async () => {
      for (const body of ['{"username": ', '[]', '"bot"']) {
        const response = await one.request('POST', '/api/v1/admin/bots', {
          headers: { ...bearer(admin.accessToken), 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBe(400);
      }
    });
  });

  describe('who may create and delete bots', () => {
    it('refuses a user who is not an admin with 403 FORBIDDEN on both routes, and creates or deletes nothing', async () => {
      const user = await register(one);
      const bot = await createBot(one, admin);
      const created = await createBotRequest(one, user, { username: newBotName(), displayName: 'X' });
      expect(created.status).toBe(403);
      expect(created.json()).toMatchObject({ code: 'FORBIDDEN' });
      const deleted = await deleteBot(two, user, bot.user.id);
      expect(deleted.status).toBe(403);
      expect((await asBot(two, bot.apiKey).request('GET', '/api/v1/users/me')).status).toBe(200);
    });

    it('refuses a call without a valid token with 401', async () => {
      expect(
        (await one.request('POST', '/api/v1/admin/bots', { body: { username: 'x_y_z', displayName: 'X' } })).status,
      ).toBe(401);
      expect((await one.request('DELETE', `/api/v1/admin/bots/${randomUUID()}`)).status).toBe(401);
    });

    it('refuses a bot, even one named in ADMIN_EMAILS: it cannot create or delete bots, or reach /admin', async () => {
      const bot = await createBot(one, admin);
      const other = await createBot(one, admin);
      await db.query('UPDATE users SET email = $1 WHERE id = $2', [LISTED_EMAIL, bot.user.id]);
      const as = asBot(two, bot.apiKey);
      const create = await as.request('POST', '/api/v1/admin/bots', { username: newBotName(), displayName: 'X' });
      expect(create.status).toBe(403);
      expect(create.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect((await as.request('DELETE', `/api/v1/admin/bots/${other.user.id}`)).status).toBe(403);
      expect((await as.request('DELETE', `/api/v1/admin/bots/${bot.user.id}`)).status).toBe(403);
      expect((await asBot(one, other.apiKey).request('GET', '/api/v1/users/me')).status).toBe(200);
    });

    it('limits an admin to BOT_CHANGES_PER_MINUTE_PER_USER creations and deletions', async () => {
      const limited = await startTestApp({ BOT_CHANGES_PER_MINUTE_PER_USER: 2 });
      try {
        // An admin of its own: the limit counts per admin, and this file's admin has used it already.
        const fresh = await register(limited);
        await db.query("UPDATE users SET role = 'admin' WHERE id = $1", [fresh.user.id]);
        const statuses = [];
        for (let i = 0; i < 3; i += 1) {
          statuses.push((await createBotRequest(limited, fresh, { username: newBotName(), displayName: 'X' })).status);
        }
        expect(statuses).toEqual([201, 201, 429]);
        expect((await deleteBot(limited, fresh, randomUUID())).status).toBe(429);
        // Another admin's budget is their own.
        expect((await createBotRequest(one, admin, { username: newBotName(), displayName: 'X' })).status).toBe(201);
      } finally {
        await limited.close();
      }
    });
  });

  describe('a bot at work', () => {
    it('is added to a group, sends, reads and reacts over REST with its key, on either instance', async () => {
      const ann = await register(one);
      const bot = await createBot(one, admin);
      const group = expectStatus<{ id: string }>(
        await chat(one, ann).createGroup('with a bot', [{ user: { id: bot.user.id } } as SignedIn]),
        201,
      );
      await chat(two, ann).send(group.id, 'hello bot');
      const as = (t: TestApp) => asBot(t, bot.apiKey);

      const list = expectStatus<{ items: { id: string }[] }>(
        await as(two).request('GET', '/api/v1/conversations'),
        200,
      );
      expect(list.items.map((item) => item.id)).toContain(group.id);
      const page = expectStatus<{ items: { body: string; senderId: string; id: string }[] }>(
        await as(one).request('GET', `/api/v1/conversations/${group.id}/messages`),
        200,
      );
      expect(page.items.map((message) => message.body)).toEqual(['hello bot']);

      const sent = await as(two).request('POST', `/api/v1/conversations/${group.id}/messages`, {
        clientMessageId: randomUUID(),
        body: 'beep boop',
      });
      expect(expectStatus(sent, 201)).toMatchObject({ body: 'beep boop', senderId: bot.user.id, seq: 2 });
      expectStatus(await as(one).request('POST', `/api/v1/conversations/${group.id}/read`, { seq: 2 }), 200);
      const reaction = await as(one).request(
        'PUT',
        `/api/v1/conversations/${group.id}/messages/${page.items[0].id}/reactions/%F0%9F%91%8D`,
      );
      expect(reaction.status).toBeLessThan(300);

      const seen = expectStatus<{ items: { body: string; senderId: string }[] }>(
        await chat(one, ann).messages(group.id),
        200,
      );
      expect(seen.items.find((message) => message.body === 'beep boop')?.senderId).toBe(bot.user.id);
      const detail = expectStatus<{ members: { userId: string }[] }>(await chat(one, ann).detail(group.id), 200);
      expect(detail.members.map((member) => member.userId)).toContain(bot.user.id);
    });

    it('answers a direct conversation a user opened, once it accepts the request', async () => {
      const ann = await register(one);
      const bot = await createBot(one, admin);
      const direct = expectStatus<{ id: string }>(
        await chat(one, ann).openDirect({ user: { id: bot.user.id } } as SignedIn),
        201,
      );
      const as = asBot(two, bot.apiKey);
      expectStatus(await as.request('POST', `/api/v1/conversations/${direct.id}/accept`), 200);
      const reply = await as.request('POST', `/api/v1/conversations/${direct.id}/messages`, {
        clientMessageId: randomUUID(),
        body: 'at your service',
      });
      expect(reply.status).toBe(201);
    });

    it('sends and receives over a socket opened with auth { apiKey }, across instances', async () => {
      const ann = await register(one);
      const bot = await createBot(one, admin);
      const group = expectStatus<{ id: string }>(
        await chat(one, ann).createGroup('live', [{ user: { id: bot.user.id } } as SignedIn]),
        201,
      );
      const socket = await connectBot(two, bot);
      const created = collect(socket, 'message.created');
      await chat(one, ann).send(group.id, 'ping');
      await created.until((items) => items.some((item) => item.message.body === 'ping'));

      const ack = await request(socket, 'message.send', {
        conversationId: group.id,
        clientMessageId: randomUUID(),
        body: 'pong',
      });
      expect(ack).toMatchObject({ ok: true, data: { body: 'pong', senderId: bot.user.id } });
      const read = await request(socket, 'conversation.read', { conversationId: group.id, seq: 2 });
      expect(read).toMatchObject({ ok: true });
      const seen = expectStatus<{ items: { body: string }[] }>(await chat(one, ann).messages(group.id), 200);
      expect(seen.items.map((message) => message.body)).toContain('pong');
    });

    it('is rate limited like a user, at the same limit, REST and socket sharing one budget', async () => {
      const ann = await register(one);
      const bot = await createBot(one, admin);
      const group = expectStatus<{ id: string }>(
        await chat(one, ann).createGroup('limits', [{ user: { id: bot.user.id } } as SignedIn]),
        201,
      );
      const socket = await connectBot(one, bot);
      const botStatuses: number[] = [];
      for (let i = 0; i < SEND_LIMIT - 2; i += 1) {
        const sent = await asBot(i % 2 ? one : two, bot.apiKey).request(
          'POST',
          `/api/v1/conversations/${group.id}/messages`,
          {
            clientMessageId: randomUUID(),
            body: `m${i}`,
          },
        );
        botStatuses.push(sent.status);
      }
      for (let i = 0; i < 2; i += 1) {
        const ack = await request(socket, 'message.send', {
          conversationId: group.id,
          clientMessageId: randomUUID(),
          body: 's',
        });
        botStatuses.push(ack.ok ? 201 : 0);
      }
      const over = await asBot(two, bot.apiKey).request('POST', `/api/v1/conversations/${group.id}/messages`, {
        clientMessageId: randomUUID(),
        body: 'one too many',
      });
      expect(botStatuses).toEqual(Array(SEND_LIMIT).fill(201));
      expect(over.status).toBe(429);
      expect(over.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(over.headers.get('x-ratelimit-limit')).toBe(String(SEND_LIMIT));
      const socketOver = await request(socket, 'message.send', {
        conversationId: group.id,
        clientMessageId: randomUUID(),
        body: 's',
      });
      expect(socketOver).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });

      const userStatuses: number[] = [];
      for (let i = 0; i <= SEND_LIMIT; i += 1)
        userStatuses.push((await chat(i % 2 ? one : two, ann).send(group.id, `u${i}`)).status);
      expect(userStatuses).toEqual([...Array(SEND_LIMIT).fill(201), 429]);
    });
  });

  describe('what a bot cannot do', () => {
    it('cannot sign in, by username or by email, with any password', async () => {
      const bot = await createBot(one, admin);
      const { rows } = await db.query('SELECT email FROM users WHERE id = $1', [bot.user.id]);
      for (const name of [bot.user.username, rows[0].email as string]) {
        for (const password of ['', 'correct horse battery', bot.apiKey]) {
          const response = await login(one, name, password, {
            'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250)}`,
          });
          expect([400, 401]).toContain(response.status);
          if (password) expect(response.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
        }
      }
    });

    it('cannot refresh: its key and a refresh token forged for its session are refused', async () => {
      const bot = await createBot(one, admin);
      const { rows } = await db.query('SELECT session_id FROM bot_api_keys WHERE bot_id = $1', [bot.user.id]);
      const forged = `rt1.${rows[0].session_id}.0.${randomBytes(32).toString('base64url')}`;
      for (const refreshToken of [bot.apiKey, forged]) {
        const response = await two.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
        expect(response.status).toBe(401);
      }
    });

    it.each([
      ['POST', '/api/v1/auth/logout'],
      ['POST', '/api/v1/auth/logout-all'],
      ['GET', '/api/v1/auth/sessions'],
      ['DELETE', `/api/v1/auth/sessions/${randomUUID()}`],
      ['DELETE', '/api/v1/users/me'],
    ])('gets 403 FORBIDDEN on %s %s, and its key keeps working', async (method, path) => {
      const bot = await createBot(one, admin);
      const response = await asBot(one, bot.apiKey).request(method, path);
      expect(response.status).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect((await asBot(two, bot.apiKey).request('GET', '/api/v1/users/me')).status).toBe(200);
    });
  });

  describe('deletion', () => {
    it('refuses its key at once on both instances, closes its open sockets, and is audited', async () => {
      const ann = await register(one);
      const bot = await createBot(one, admin);
      const group = expectStatus<{ id: string }>(
        await chat(one, ann).createGroup('farewell', [{ user: { id: bot.user.id } } as SignedIn]),
        201,
      );
      await asBot(one, bot.apiKey).request('POST', `/api/v1/conversations/${group.id}/messages`, {
        clientMessageId: randomUUID(),
        body: 'last words',
      });
      // Both instances have the key cached and its session mirrored.
      for (const t of [one, two])
        expect((await asBot(t, bot.apiKey).request('GET', '/api/v1/users/me')).status).toBe(200);
      const sockets = [await connectBot(one, bot), await connectBot(two, bot)];
      const told = sockets.map((socket) => collect(socket, 'session.revoked'));
      const reasons = sockets.map(closed);

      expect((await deleteBot(one, admin, bot.user.id)).status).toBe(204);
      for (const t of [two, one]) {
        const refused = await asBot(t, bot.apiKey).request('GET', '/api/v1/conversations');
        expect(refused.status).toBe(401);
        expect(refused.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      }
      expect(await Promise.all(reasons)).toEqual(['io server disconnect', 'io server disconnect']);
      for (const notice of told) expect(notice.received).toHaveLength(1);
      expect(await handshakeRefusal(two.baseUrl, { apiKey: bot.apiKey })).toBe('UNAUTHORIZED');

      const profile = expectStatus(
        await two.request('GET', `/api/v1/users/${bot.user.id}`, { headers: bearer(ann.accessToken) }),
        200,
      );
      expect(profile).toMatchObject({ deleted: true, bot: true, displayName: null });
      const messages = expectStatus<{ items: { body: string; senderId: string }[] }>(
        await chat(two, ann).messages(group.id),
        200,
      );
      expect(messages.items.find((message) => message.body === 'last words')?.senderId).toBe(bot.user.id);
      const { rows } = await db.query(
        "SELECT actor_id, details FROM audit_log WHERE action = 'bot.deleted' AND target_id = $1",
        [bot.user.id],
      );
      expect(rows).toEqual([{ actor_id: admin.user.id, details: { username: bot.user.username } }]);
      const session = await db.query(
        'SELECT s.revoked_at FROM sessions s JOIN bot_api_keys k ON k.session_id = s.id WHERE k.bot_id = $1',
        [bot.user.id],
      );
      expect(session.rows[0].revoked_at).toBeInstanceOf(Date);
    });

    it('lets nothing through with an owner entry that outlived the deletion in the key cache', async () => {
      const bot = await createBot(one, admin);
      expect((await asBot(two, bot.apiKey).request('GET', '/api/v1/users/me')).status).toBe(200);
      const keyHash = createHash('sha256').update(bot.apiKey).digest('hex');
      const cached = await redis.getBuffer(RedisKeys.botKey(keyHash));
      expect(cached).not.toBeNull();
      expect((await deleteBot(one, admin, bot.user.id)).status).toBe(204);
      // As if the invalidation never reached Redis (its instance died first): the entry is back.
      await redis.set(RedisKeys.botKey(keyHash), cached!, 'EX', 600);
      for (const t of [one, two])
        expect((await asBot(t, bot.apiKey).request('GET', '/api/v1/conversations')).status).toBe(401);
    });

    it('frees the username, and a second deletion answers 404 BOT_NOT_FOUND', async () => {
      const bot = await createBot(one, admin);
      expect((await deleteBot(two, admin, bot.user.id)).status).toBe(204);
      const again = await deleteBot(one, admin, bot.user.id);
      expect(again.status).toBe(404);
      expect(again.json()).toMatchObject({ code: 'BOT_NOT_FOUND' });
      expect((await createBotRequest(one, admin, { username: bot.user.username, displayName: 'Again' })).status).toBe(
        201,
      );
    });

    it('of two deletions racing, one answers 204 and the other 404, with one audit row', async () => {
      const bot = await createBot(one, admin);
      const answers = await Promise.all([deleteBot(one, admin, bot.user.id), deleteBot(two, admin, bot.user.id)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 404]);
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'bot.deleted' AND target_id = $1",
        [bot.user.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('deletes only bots: a user id or an unknown id is 404, a malformed id 400, and the user is untouched', async () => {
      const human = await register(one);
      for (const id of [human.user.id, admin.user.id, randomUUID()]) {
        const response = await deleteBot(one, admin, id);
        expect(response.status).toBe(404);
        expect(response.json()).toMatchObject({ code: 'BOT_NOT_FOUND' });
      }
      expect((await two.request('GET', '/api/v1/users/me', { headers: bearer(human.accessToken) })).status).toBe(200);
      for (const id of ['not-a-uuid', '1', `${randomUUID()}x`])
        expect((await deleteBot(one, admin, id)).status).toBe(400);
    });
  });

  describe('the OpenAPI document', () => {
    it('has the Bot scheme, offered beside Bearer on every route a key may call and on none it may not', async () => {
      const document = (await one.request('GET', '/docs-json')).json<{
        paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
        components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
      }>();
      expect(document.components.securitySchemes.bot).toMatchObject({
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
      });
      const schemes = (path: string, method: string) =>
        (document.paths[path][method].security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect(schemes('/api/v1/conversations/{id}/messages', 'post')).toEqual(['bearer', 'bot']);
      expect(schemes('/api/v1/users/{id}', 'get')).toEqual(['bearer', 'bot']);
      for (const [path, method] of [
        ['/api/v1/auth/logout', 'post'],
        ['/api/v1/auth/sessions', 'get'],
        ['/api/v1/users/me', 'delete'],
        ['/api/v1/admin/bots', 'post'],
        ['/api/v1/admin/bots/{id}', 'delete'],
      ]) {
        expect(schemes(path, method)).toEqual(['bearer']);
      }
      expect(schemes('/api/v1/auth/login', 'post')).toEqual([]);
    });
  });

  describe('bad keys', () => {
    const wellFormedUnknown = () => `bot_${randomBytes(32).toString('base64url')}`;

    it.each([
      ['an unknown key of the right shape', () => `Bot ${wellFormedUnknown()}`],
      ['a key one character short', () => `Bot ${wellFormedUnknown().slice(0, -1)}`],
      ['a key one character long', () => `Bot ${wellFormedUnknown()}A`],
      ['a key with a character outside base64url', () => `Bot ${wellFormedUnknown().slice(0, -1)}+`],
      ['a key without its prefix', () => `Bot ${randomBytes(32).toString('base64url')}`],
      ['an oversized key', () => `Bot bot_${'A'.repeat(8000)}`],
      ['an empty key', () => 'Bot '],
      ['the scheme alone', () => 'Bot'],
      ['two spaces', () => `Bot  ${wellFormedUnknown()}`],
      ['an access token under the Bot scheme', () => 'Bot eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ])('answers 401 UNAUTHORIZED to %s, never a 5xx', async (_name, header) => {
      const response = await one.request('GET', '/api/v1/conversations', { headers: { authorization: header() } });
      expect(response.status).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('refuses a valid key under the Bearer scheme, and takes the Bot scheme in any case', async () => {
      const bot = await createBot(one, admin);
      expect((await one.request('GET', '/api/v1/users/me', { headers: bearer(bot.apiKey) })).status).toBe(401);
      for (const scheme of ['bot', 'BOT', 'Bot']) {
        const response = await two.request('GET', '/api/v1/users/me', {
          headers: { authorization: `${scheme} ${bot.apiKey}` },
        });
        expect(response.status).toBe(200);
      }
      expect(
        (
          await one.request('GET', '/api/v1/users/me', {
            headers: botAuth(`${bot.apiKey.slice(0, -1)}${bot.apiKey.endsWith('A') ? 'B' : 'A'}`),
          })
        ).status,
      ).toBe(401);
    });

    it.each([
      ['an unknown key', () => ({ apiKey: wellFormedUnknown() })],
      ['a garbled key', () => ({ apiKey: 'bot_!!!' })],
      ['an oversized key', () => ({ apiKey: `bot_${'A'.repeat(20_000)}` })],
      ['a number', () => ({ apiKey: 42 })],
      ['an object', () => ({ apiKey: { key: 'bot_x' } })],
      ['null', () => ({ apiKey: null })],
    ])('refuses a socket handshake with %s as auth.apiKey: UNAUTHORIZED', async (_name, auth) => {
      expect(await handshakeRefusal(one.baseUrl, auth())).toBe('UNAUTHORIZED');
    });

    it('refuses a handshake that carries a token and a key at once', async () => {
      const bot = await createBot(one, admin);
      const user = await register(one);
      expect(await handshakeRefusal(two.baseUrl, { apiKey: bot.apiKey, token: user.accessToken })).toBe('UNAUTHORIZED');
      expect(await refusedWith(two.baseUrl, bot.apiKey)).toBe('UNAUTHORIZED');
      expect(await handshakeRefusal(two.baseUrl, { apiKey: bot.apiKey })).toBe('connected');
    });
  });
});
