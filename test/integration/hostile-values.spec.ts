import { randomUUID } from 'node:crypto';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { bearer, freshAddress, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

/*
 * Values at the edges of what the API accepts, sent as an attacker would: each is stored as it
 * came or refused with a 4xx, never a 500. Limits count characters as PostgreSQL does (code points).
 */

/** 2 code points each, counted as 1 by validators that skip variation selectors. */
const HEART = '\u2764\uFE0F';
const answer = (response: HttpResponse) => ({ status: response.status, code: response.json<{ code?: string }>().code });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile values', () => {
  let one: TestApp;
  let two: TestApp;
  let prisma: PrismaService;
  let ann: SignedIn;
  let bob: SignedIn;
  let group: string;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({ MESSAGES_PER_MINUTE_PER_USER: 1000 });
    prisma = one.app.get(PrismaService);
    [ann, bob] = [await register(one), await register(one)];
    group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('edges', [bob]), 201).id;
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  describe('lengths in code points', () => {
    it('stores a body of exactly 4000 code points made of emoji with variation selectors, and refuses one more', async () => {
      const body = HEART.repeat(2000);
      const sent = expectStatus<{ id: string; body: string }>(await chat(one, ann).send(group, body), 201);
      expect(sent.body).toBe(body);
      expect((await prisma.message.findFirstOrThrow({ where: { id: sent.id } })).body).toBe(body);
      const before = await prisma.message.count();
      expect(answer(await chat(two, ann).send(group, `${body}x`))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(answer(await chat(two, ann).send(group, `${HEART.repeat(2000)}${HEART}`))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(await prisma.message.count()).toBe(before);
      const edited = await chat(two, ann).call('PATCH', `/${group}/messages/${sent.id}`, { body: `x${body}` });
      expect(answer(edited)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expectStatus(
        await chat(two, ann).call('PATCH', `/${group}/messages/${sent.id}`, { body: `x${body.slice(2)}` }),
        200,
      );
    });

    it('takes titles, names and attachment names at their limits with variation selectors, and refuses past them', async () => {
      const title = 't\uFE0F'.repeat(50);
      const created = expectStatus<{ id: string; title: string }>(await chat(one, ann).createGroup(title, [bob]), 201);
      expect(created.title).toBe(title);
      expect(answer(await chat(one, ann).createGroup(`${title}!`, [bob]))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(answer(await chat(one, ann).call('PATCH', `/${created.id}`, { title: `${title}!` }))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      const name = `${'n\uFE0E'.repeat(127)}!`;
      const attachment = { url: 'https://files.example.com/a.png', mimeType: 'image/png', size: 1, name };
      expectStatus(await chat(one, ann).send(created.id, 'file', { attachments: [attachment] }), 201);
      expect(
        answer(await chat(one, ann).send(created.id, 'file', { attachments: [{ ...attachment, name: `${name}!` }] })),
      ).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const me = (changes: Record<string, unknown>) =>
        one.request('PATCH', '/api/v1/users/me', { headers: bearer(bob.accessToken), body: changes });
      expectStatus(await me({ displayName: 'd\uFE0F'.repeat(32), bio: 'b\uFE0F'.repeat(250) }), 200);
      expect(answer(await me({ displayName: `${'d\uFE0F'.repeat(32)}!` }))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(answer(await me({ bio: `${'b\uFE0F'.repeat(250)}!` }))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    });
  });

  describe('lower-casing that lengthens text', () => {
    it('stores a display name of 64 "İ" and finds it by any prefix of it, in either case', async () => {
      const account = { ...newAccount('turk'), displayName: 'İ'.repeat(64) };
      const turk = await register(one, account);
      const renamed = await register(one);
      const profile = expectStatus<{ displayName: string }>(
        await one.request('PATCH', '/api/v1/users/me', {
          headers: bearer(renamed.accessToken),
          body: { displayName: `İ${'İ'.repeat(62)}x` },
        }),
        200,
      );
      expect(profile.displayName).toBe(`${'İ'.repeat(63)}x`);
      const found = async (search: string) =>
        expectStatus<{ items: { id: string }[] }>(
          await two.request('GET', `/api/v1/users?search=${encodeURIComponent(search)}&limit=100`, {
            headers: bearer(ann.accessToken),
          }),
          200,
        ).items.map((item) => item.id);
      for (const search of ['İ', 'İ'.repeat(20), 'İ'.repeat(64), 'i\u0307i\u0307']) {
        expect(await found(search)).toEqual(expect.arrayContaining([turk.user.id, renamed.user.id]));
      }
      expect(await found('İx')).toEqual([]);
    });

    it('refuses an email that passes 254 characters once lower-cased, and stores one that fits', async () => {
      const account = newAccount('mail');
      const tooLong = `${'İ'.repeat(32)}@${'İ'.repeat(40)}.${'İ'.repeat(40)}.${'İ'.repeat(40)}.com`;
      const refused = await one.request('POST', '/api/v1/auth/register', {
        body: { ...account, email: tooLong },
        headers: freshAddress(),
      });
      expect(refused.status).toBe(400);
      expect(refused.json().details).toEqual([expect.objectContaining({ field: 'email' })]);
      const fits = `${'İ'.repeat(10)}@example.com`;
      const stored = await register(one, { ...account, email: fits });
      expect(stored.user.email).toBe(`${'i\u0307'.repeat(10)}@example.com`);
      // Signing in with it, in either case, or with the long one (nobody's), never fails with a 500.
      for (const login of [fits, fits.toLowerCase(), tooLong, 'İ'.repeat(254)]) {
        const response = await one.request('POST', '/api/v1/auth/login', {
          body: { login, password: account.password },
          headers: freshAddress(),
        });
        expect(response.status).toBe(login === tooLong || login.length === 254 ? 401 : 200);
      }
    });
  });

  describe('crafted cursors', () => {
    const lists: [string, (time: unknown, id: unknown) => unknown][] = [
      ['/api/v1/notifications', (time, id) => ({ createdAt: time, id })],
      ['/api/v1/users/me/blocks', (time, blockedId) => ({ createdAt: time, blockedId })],
      ['/api/v1/conversations', (time, id) => ({ lastActivityAt: time, id })],
    ];
    const time = '2026-01-01T00:00:00.000Z';
    it.each([
      ['a time past what PostgreSQL holds', '+275760-09-13T00:00:00.000Z', randomUUID()],
      ['a year before what PostgreSQL holds', '-271821-04-20T00:00:00.000Z', randomUUID()],
      ['a month 13', '2026-13-01T00:00:00.000Z', randomUUID()],
      ['February 31', '2026-02-31T00:00:00.000Z', randomUUID()],
      ['a number for the time', 1e20, randomUUID()],
      ['NaN for the time', 'NaN', randomUUID()],
      ['an id of dashes', time, '-'.repeat(36)],
      ['an id of z', time, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'],
      ['a NUL in the id', time, `${randomUUID()}\u0000`],
      ['a number for the id', time, 42],
    ])('refuses %s on every list with 400 naming cursor', async (_, badTime, badId) => {
      for (const [path, position] of lists) {
        const cursor = b64(position(badTime, badId));
        const response = await one.request('GET', `${path}?cursor=${cursor}`, { headers: bearer(ann.accessToken) });
        expect({ path, status: response.status, details: response.json().details }).toEqual({
          path,
          status: 400,
          details: [expect.objectContaining({ field: 'cursor' })],
        });
      }
    });

    it.each([
      ['a version past bigint', { version: '9223372036854775808' }],
      ['a negative version', { version: '-1' }],
      ['a numeric version', { version: 5 }],
    ])('refuses a sync cursor with %s: 400 naming cursor', async (_, position) => {
      const response = await chat(one, ann).sync(group, `?since=0&cursor=${b64(position)}`);
      expect({ status: response.status, details: response.json().details }).toEqual({
        status: 400,
        details: [expect.objectContaining({ field: 'cursor' })],
      });
    });

    it.each([
      ['a NUL', 'a\u0000'],
      ['too long for a username', 'x'.repeat(40)],
      ['an upper-case name', 'ABC'],
      ['a number', 7],
    ])('refuses a search cursor with %s: 400 naming cursor', async (_, position) => {
      const response = await one.request('GET', `/api/v1/users?search=a&cursor=${b64(position)}`, {
        headers: bearer(ann.accessToken),
      });
      expect({ status: response.status, details: response.json().details }).toEqual({
        status: 400,
        details: [expect.objectContaining({ field: 'cursor' })],
      });
    });
  });

  describe('rows that vanish under a request', () => {
    it('answers 4xx, never 500, on every route of a conversation deleted while its membership is cached', async () => {
      const [owner, member, newcomer] = [await register(one), await register(one), await register(one)];
      const id = expectStatus<{ id: string }>(await chat(one, owner).createGroup('doomed', [member]), 201).id;
      const message = expectStatus<{ id: string }>(await chat(one, owner).send(id, 'soon gone'), 201).id;
      // Both instances hold the conversation's metadata (from Redis) when the rows go.
      for (const t of [one, two]) expectStatus(await chat(t, owner).messages(id), 200);
      await prisma.conversation.delete({ where: { id } });

      const as = (t: TestApp) => chat(t, owner);
      const attempts: [string, (t: TestApp) => Promise<HttpResponse>][] = [
        ['send', (t) => as(t).send(id, 'into the void')],
        ['edit', (t) => as(t).call('PATCH', `/${id}/messages/${message}`, { body: 'edited' })],
        ['delete', (t) => as(t).call('DELETE', `/${id}/messages/${message}`)],
        ['react', (t) => as(t).call('PUT', `/${id}/messages/${message}/reactions/${encodeURIComponent('👍')}`)],
        ['unreact', (t) => as(t).call('DELETE', `/${id}/messages/${message}/reactions/${encodeURIComponent('👍')}`)],
        ['add a member', (t) => as(t).call('POST', `/${id}/members`, { userIds: [newcomer.user.id] })],
        ['make an admin', (t) => as(t).call('PATCH', `/${id}/members/${member.user.id}`, { role: 'admin' })],
        ['remove a member', (t) => as(t).call('DELETE', `/${id}/members/${member.user.id}`)],
        ['rename', (t) => as(t).call('PATCH', `/${id}`, { title: 'renamed' })],
        ['mute', (t) => as(t).call('PATCH', `/${id}`, { muted: true })],
        ['read', (t) => as(t).read(id, 1)],
        ['hide', (t) => as(t).call('DELETE', `/${id}`)],
        ['accept', (t) => as(t).call('POST', `/${id}/accept`)],
        ['sync', (t) => as(t).sync(id, '?since=0')],
        ['detail', (t) => as(t).detail(id)],
      ];
      const results: string[] = [];
      for (const [what, attempt] of attempts) {
        for (const t of [one, two]) {
          const response = await attempt(t);
          if (response.status >= 500) results.push(`${what}: ${response.status} ${response.text}`);
        }
      }
      expect(results).toEqual([]);
      expect(await prisma.message.count({ where: { conversationId: id } })).toBe(0);
    });

    it('keeps every message consistent when edits, deletions and reactions race on two instances', async () => {
      const ids = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const sent = await chat(one, ann).send(group, `race ${i}`);
          return expectStatus<{ id: string }>(sent, 201).id;
        }),
      );
      const thumbs = encodeURIComponent('👍');
      const responses = await Promise.all(
        ids.flatMap((message) => [
          chat(one, ann).call('PATCH', `/${group}/messages/${message}`, { body: 'edited' }),
          chat(two, ann).call('DELETE', `/${group}/messages/${message}`),
          chat(two, bob).call('PUT', `/${group}/messages/${message}/reactions/${thumbs}`),
          chat(one, ann).call('PATCH', `/${group}/messages/${message}`, { body: 'edited again' }),
          chat(one, bob).call('DELETE', `/${group}/messages/${message}/reactions/${thumbs}`),
        ]),
      );
      expect(responses.filter((response) => response.status >= 500).map((response) => response.text)).toEqual([]);
      for (const response of responses) {
        if (response.status >= 400) expect(response.json().code).toBe('MESSAGE_DELETED');
      }
      const rows = await prisma.message.findMany({ where: { id: { in: ids } } });
      expect(rows.map(({ body, reactions, deletedAt }) => ({ body, reactions, deleted: deletedAt !== null }))).toEqual(
        ids.map(() => ({ body: '', reactions: {}, deleted: true })),
      );
      expect(await prisma.messageReaction.count({ where: { messageId: { in: ids } } })).toBe(0);
    });

    it('answers 4xx when the message itself vanished', async () => {
      const sent = expectStatus<{ id: string }>(await chat(one, ann).send(group, 'here, then not'), 201);
      await prisma.message.deleteMany({ where: { id: sent.id } });
      const edit = await chat(two, ann).call('PATCH', `/${group}/messages/${sent.id}`, { body: 'x' });
      expect(edit.status).toBe(404);
      const reply = await chat(two, ann).send(group, 'a reply', { replyToId: sent.id });
      expect(answer(reply)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const react = await chat(one, bob).call(
        'PUT',
        `/${group}/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`,
      );
      expect(react.status).toBe(404);
    });
  });
});
