import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  bearer,
  deleteAccount,
  freshAddress,
  me,
  register,
  TEST_PASSWORD,
  type SignedIn,
} from '../support/auth-client.js';
import { insertMessages } from '../support/bulk-messages.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { image, uploads } from '../support/upload-client.js';

interface Message {
  id: string;
  seq: number;
  senderId: string;
  body: string;
  attachments: unknown[];
  reactions: Record<string, number>;
  deletedAt: string | null;
  threadRootId?: string | null;
}

const isTombstone = (message: Message) =>
  message.body === '' &&
  message.deletedAt !== null &&
  message.attachments.length === 0 &&
  Object.keys(message.reactions).length === 0;

describe('deleting an account', () => {
  let one: TestApp;
  let two: TestApp;
  let db: pg.Client;
  const dir = mkdtempSync(join(tmpdir(), 'erasure-'));
  const sockets = socketsClosedAfterEach();

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      STORAGE_DRIVER: 'local',
      STORAGE_DIR: dir,
      MESSAGES_PER_MINUTE_PER_USER: 1000,
      UPLOADS_PER_MINUTE_PER_USER: 1000,
    });
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const remove = (who: SignedIn, body: unknown, headers: Record<string, string> = {}) =>
    one.request('DELETE', '/api/v1/users/me', { headers: { ...bearer(who.accessToken), ...headers }, body });

  /** Every message of the conversation as `who` reads it, thread replies included, by pages of 100 after seq 0. */
  async function everyMessage(t: TestApp, who: SignedIn, conversationId: string): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const after = all.at(-1)?.seq ?? 0;
      const page = expectStatus<{ items: Message[]; hasMore: boolean }>(
        await chat(t, who).messages(conversationId, `?after=${after}&limit=100&includeThreadReplies=true`),
        200,
      );
      all.push(...page.items);
      if (!page.hasMore) return all;
    }
  }

  /** Whether the account's erasure has been carried out (its row is gone). */
  const erasureDone = async (userId: string) =>
    (await db.query('SELECT 1 FROM account_erasures WHERE user_id = $1', [userId])).rowCount === 0;

  it('is refused without the right password: 401 for a wrong or missing one, 400 for a malformed body', async () => {
    const ann = await register(one);
    const { rows: before } = await db.query('SELECT count(*)::int AS n FROM users WHERE deleted_at IS NULL');
    for (const body of [{ password: 'not the password' }, {}, undefined, { password: '' }, { eraseMessages: true }]) {
      const response = await remove(ann, body, freshAddress());
      expect({ body, status: response.status, code: response.json().code }).toEqual({
        body,
        status: 401,
        code: 'INVALID_CREDENTIALS',
      });
    }
    for (const body of [
      { password: 12345678 },
      { password: TEST_PASSWORD, eraseMessages: 'yes' },
      { password: 'x'.repeat(129) },
      { password: TEST_PASSWORD, unexpected: true },
    ]) {
      const response = await remove(ann, body, freshAddress());
      expect({ body, status: response.status, code: response.json().code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect((await me(one, ann.accessToken)).status).toBe(200);
    const { rows: after } = await db.query('SELECT count(*)::int AS n FROM users WHERE deleted_at IS NULL');
    expect(after).toEqual(before);
    expect(await erasureDone(ann.user.id)).toBe(true);
  });

  it('counts wrong passwords with the account’s failed sign-ins: a token gives no more guesses than the login', async () => {
    const ann = await register(one);
    const address = freshAddress();
    for (let i = 0; i < 5; i += 1) expect((await remove(ann, { password: `guess ${i}` }, address)).status).toBe(401);
    const limited = await remove(ann, { password: TEST_PASSWORD }, address);
    expect(limited.status).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect((await me(one, ann.accessToken)).status).toBe(200);
  });

  it('without eraseMessages keeps the messages, from a deleted user', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('keep', [bob]), 201).id;
    expectStatus(await chat(one, ann).send(group, 'still here'), 201);
    expect((await deleteAccount(one, ann)).status).toBe(204);
    expect((await me(one, ann.accessToken)).status).toBe(401);
    const messages = await everyMessage(two, bob, group);
    expect(messages.map((message) => message.body)).toEqual(['still here']);
    expect(await erasureDone(ann.user.id)).toBe(true);
  });

  it('with eraseMessages tombstones every message sent, gap-free, as other members see it through REST, caches, sockets and sync; the uploads go', async () => {
    const [ann, bob, cid] = [await register(one), await register(two), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('erase', [bob, cid]), 201).id;
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const photo = await uploads(one, ann).upload('ann.png', 'image/png', await image('png', 64, 48));
    const unattached = await uploads(one, ann).upload('later.png', 'image/png', await image('png', 8, 8));
    const bobsPhoto = await uploads(two, bob).upload('bob.png', 'image/png', await image('png', 16, 16));
    const stored = (id: string) => [join(dir, 'uploads', id), join(dir, 'thumbnails', id)].filter(existsSync);
    expect(stored(photo.id)).toHaveLength(2);

    const sent: Message[] = [];
    const say = async (t: TestApp, who: SignedIn, id: string, body: string, extra = {}) => {
      sent.push(expectStatus<Message>(await chat(t, who).send(id, body, extra), 201));
      return sent.at(-1)!;
    };
    const root = await say(two, bob, group, 'bob starts a thread');
    // Bob's sends move his read mark: his are first, so Ann's mention stays unread for him.
    await say(two, bob, group, 'bob answers', { attachments: [{ uploadId: bobsPhoto.id }] });
    await say(one, ann, group, `hello @${bob.user.username}`);
    await say(one, ann, group, 'with a photo', { attachments: [{ uploadId: photo.id }] });
    const reply = expectStatus<Message>(await chat(one, ann).reply(group, root.id, 'ann in the thread'), 201);
    const pinned = await say(one, ann, group, 'pin me');
    expectStatus(await chat(one, ann).call('PUT', `/${group}/pins/${pinned.id}`), 200);
    expectStatus(await chat(two, bob).call('PUT', `/${group}/messages/${pinned.id}/reactions/%F0%9F%91%8D`), 200);
    await say(one, ann, direct, 'a direct word');
    await say(one, ann, group, 'the last word');
    const annsIds = [...sent.filter((message) => message.senderId === ann.user.id).map((m) => m.id), reply.id];

    // Bob's caches warm: the latest page and his list, which shows Ann's last message and his mention.
    expect((await chat(two, bob).messages(group)).headers.get('x-cache')).toBe('MISS');
    expect((await chat(two, bob).messages(group)).headers.get('x-cache')).toBe('HIT');
    const listed = expectStatus<{ items: { id: string; lastMessage: Message; unreadMentionCount: number }[] }>(
      await chat(two, bob).list(),
      200,
    );
    expect(listed.items.find((item) => item.id === group)).toMatchObject({
      lastMessage: { body: 'the last word' },
      unreadMentionCount: 1,
    });
    const bobs = await sockets.connect(two, bob);
    const deletions = collect(bobs, 'message.deleted');
    const pins = collect(bobs, 'pins.updated');

    expect((await remove(ann, { password: TEST_PASSWORD, eraseMessages: true })).status).toBe(204);

    await eventually(() => erasureDone(ann.user.id), Boolean, 15_000);
    expect(await erasureDone(ann.user.id)).toBe(true);
    const messages = await everyMessage(two, bob, group);
    expect(messages.map((message) => message.seq)).toEqual(messages.map((_, i) => i + 1));
    for (const message of messages) {
      if (message.senderId === ann.user.id)
        expect({ message, tombstone: isTombstone(message) }).toEqual({ message, tombstone: true });
      else expect(message.body).not.toBe('');
    }
    expect(messages.find((message) => message.id === root.id)).toMatchObject({ body: 'bob starts a thread' });
    expect(messages.find((message) => message.body === 'bob answers')?.attachments).toHaveLength(1);
    expect((await everyMessage(one, bob, direct)).every(isTombstone)).toBe(true);

    // The latest page, rebuilt, and served from Redis again: tombstones both times.
    const page = await chat(two, bob).messages(group);
    const cached = await chat(two, bob).messages(group);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    for (const response of [page, cached]) {
      const items = response.json<{ items: Message[] }>().items;
      expect(items.filter((message) => message.senderId === ann.user.id).every(isTombstone)).toBe(true);
      expect(response.text).not.toMatch(/hello @|with a photo|pin me|the last word/);
    }
    const list = expectStatus<{ items: { id: string; lastMessage: Message; unreadMentionCount: number }[] }>(
      await chat(two, bob).list(),
      200,
    );
    expect(list.items.find((item) => item.id === group)).toMatchObject({
      lastMessage: { body: '', deletedAt: expect.any(String) },
      unreadMentionCount: 0,
    });
    const synced = expectStatus<{ items: Message[] }>(await chat(one, cid).sync(group, '?since=0'), 200);
    expect(synced.items.filter((message) => annsIds.includes(message.id)).every(isTombstone)).toBe(true);
    expect(expectStatus<{ items: unknown[] }>(await chat(two, bob).call('GET', `/${group}/pins`), 200).items).toEqual(
      [],
    );
    const search = await two.request('GET', '/api/v1/search/messages?q=photo', { headers: bearer(bob.accessToken) });
    expect(search.json<{ items: unknown[] }>().items).toEqual([]);

    // Members heard of each one; the uploads are gone, bytes and rows, Bob's aside.
    await deletions.until((received) => annsIds.every((id) => received.some((event) => event.messageId === id)));
    await pins.until((received) => received.some((event) => event.conversationId === group));
    expect(stored(photo.id)).toEqual([]);
    expect(stored(unattached.id)).toEqual([]);
    expect(stored(bobsPhoto.id).length).toBeGreaterThan(0);
    const { rows } = await db.query('SELECT id FROM uploads WHERE user_id = $1', [ann.user.id]);
    expect(rows).toEqual([]);
    expect((await uploads(two, bob).links(photo.id)).status).toBe(404);
    expect((await uploads(two, bob).links(bobsPhoto.id)).status).toBe(200);
  });

  it('erases a history longer than a batch, across conversations, with each tombstone in sync exactly once', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('long', [bob]), 201).id;
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    await insertMessages(db, group, ann.user.id, 700, 'ann');
    await insertMessages(db, group, bob.user.id, 50, 'bob');
    await insertMessages(db, group, ann.user.id, 300, 'ann');
    await insertMessages(db, direct, ann.user.id, 400, 'ann');

    expect((await remove(ann, { password: TEST_PASSWORD, eraseMessages: true })).status).toBe(204);

    await eventually(() => erasureDone(ann.user.id), Boolean, 30_000);
    expect(await erasureDone(ann.user.id)).toBe(true);
    const messages = await everyMessage(two, bob, group);
    expect(messages).toHaveLength(1050);
    expect(messages.map((message) => message.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(messages.filter(isTombstone)).toHaveLength(1000);
    expect(messages.filter((message) => message.body.startsWith('bob '))).toHaveLength(50);
    expect((await everyMessage(two, bob, direct)).filter(isTombstone)).toHaveLength(400);

    // Sync in small pages: every tombstone once, none lost between two pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?since=0&limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const synced: { items: Message[]; nextCursor: string | null } = expectStatus(
        await chat(two, bob).sync(group, query),
        200,
      );
      seen.push(...synced.items.filter(isTombstone).map((message) => message.id));
      cursor = synced.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
  });

  it('is finished by another instance when the one carrying it out dies', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('taken over', [bob]), 201).id;
    await insertMessages(db, group, ann.user.id, 20, 'ann');
    // Recorded and claimed once by an instance that died: its lease ran out a moment ago.
    await db.query(
      `INSERT INTO account_erasures (user_id, attempts, available_at) VALUES ($1, 1, now() - interval '1 second')`,
      [ann.user.id],
    );
    await eventually(() => erasureDone(ann.user.id), Boolean, 15_000);
    expect((await everyMessage(one, bob, group)).every(isTombstone)).toBe(true);
  });

  it('refuses to erase through a token of an account already deleted', async () => {
    const ann = await register(one);
    expect((await deleteAccount(one, ann)).status).toBe(204);
    const again = await remove(ann, { password: TEST_PASSWORD, eraseMessages: true });
    expect(again.status).toBe(401);
    expect((await db.query('SELECT 1 FROM account_erasures WHERE user_id = $1', [ann.user.id])).rowCount).toBe(0);
  });
});
