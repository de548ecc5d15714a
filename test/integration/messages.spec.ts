import { randomUUID } from 'node:crypto';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

interface Message {
  id: string;
  seq: number;
  body: string;
  clientMessageId: string;
  senderId: string;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: Record<string, number>;
}

const seqs = (items: Message[]) => items.map((item) => item.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('messages over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  const group = async (owner: SignedIn, members: SignedIn[]) =>
    expectStatus<{ id: string }>(await chat(one, owner).createGroup('team', members), 201).id;

  it('numbers 200 concurrent sends through two instances 1..200, unique and without gaps', async () => {
    const senders = await Promise.all(range(1, 10).map(() => register(one)));
    const id = await group(senders[0], senders.slice(1));
    const responses = await Promise.all(
      range(0, 199).map((i) => chat(i % 2 ? two : one, senders[i % 10]).send(id, `message ${i}`)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(201));
    expect(responses.map((response) => response.json<Message>().seq).sort((a, b) => a - b)).toEqual(range(1, 200));

    const reader = chat(two, senders[3]);
    const synced = expectStatus(await reader.sync(id), 200);
    expect(synced.lastSeq).toBe(200);
    expect(seqs(synced.items)).toEqual(range(1, 200));
    const older = expectStatus(await reader.messages(id, '?before=101&limit=100'), 200);
    const latest = expectStatus(await reader.messages(id, '?limit=100'), 200);
    expect([...seqs(older.items), ...seqs(latest.items)]).toEqual(range(1, 200));
    expect(older.hasMore).toBe(false);
    expect(latest.hasMore).toBe(true);
  });

  it('answers a resent clientMessageId with the first message, even when the copies race', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const clientMessageId = randomUUID();
    const copies = await Promise.all(
      range(1, 6).map((i) =>
        chat(i % 2 ? one : two, ann).call('POST', `/${id}/messages`, { clientMessageId, body: `copy ${i}` }),
      ),
    );
    const statuses = copies.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    const ids = new Set(copies.map((response) => response.json<Message>().id));
    expect(ids.size).toBe(1);

    const again = await chat(two, ann).call('POST', `/${id}/messages`, { clientMessageId, body: 'later' });
    expect(again.status).toBe(200);
    expect(again.json<Message>()).toEqual(copies.find((response) => response.status === 201)!.json());
    const stored = expectStatus(await chat(one, bob).sync(id), 200);
    expect(stored.lastSeq).toBe(1);

    // A clientMessageId is unique per conversation and sender: the same one elsewhere is another message.
    const other = await group(ann, [bob]);
    const elsewhere = expectStatus<Message>(
      await chat(one, ann).call('POST', `/${other}/messages`, { clientMessageId, body: 'elsewhere' }),
      201,
    );
    expect(elsewhere).toMatchObject({ conversationId: other, seq: 1, body: 'elsewhere', clientMessageId });
    expect(elsewhere.id).not.toBe(again.json<Message>().id);
    const repeated = await chat(two, ann).call('POST', `/${other}/messages`, { clientMessageId, body: 'again' });
    expect(repeated.status).toBe(200);
    expect(repeated.json<Message>().id).toBe(elsewhere.id);
  });

  it('replies, attachments, edits, tombstones and reactions, all seen in the page and by sync in order', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    const first = expectStatus<Message>(await chat(one, ann).send(id, 'first'), 201);
    const attachment = { url: 'https://files.example.com/a.png', mimeType: 'image/png', size: 1234, name: 'a.png' };
    const reply = expectStatus<Message>(
      await chat(two, bob).send(id, 'reply', { replyToId: first.id, attachments: [attachment] }),
      201,
    );
    expect(reply).toMatchObject({ seq: 2, replyToId: first.id, attachments: [attachment], reactions: {} });
    const bobAt = 2;

    const edited = expectStatus<Message>(
      await chat(one, ann).call('PATCH', `/${id}/messages/${first.id}`, { body: 'first, edited' }),
      200,
    );
    expect(edited.body).toBe('first, edited');
    expect(edited.editedAt).not.toBeNull();
    const thumbs = encodeURIComponent('👍');
    const reacted = expectStatus(
      await chat(two, bob).call('PUT', `/${id}/messages/${first.id}/reactions/${thumbs}`),
      200,
    );
    expect(reacted.reactions).toEqual({ '👍': 1 });
    expectStatus(await chat(one, ann).call('PUT', `/${id}/messages/${first.id}/reactions/${thumbs}`), 200);
    expectStatus(await chat(one, ann).call('PUT', `/${id}/messages/${first.id}/reactions/${thumbs}`), 200);
    expectStatus(await chat(one, bob).call('DELETE', `/${id}/messages/${reply.id}`), 204);
    const third = expectStatus<Message>(await chat(one, ann).send(id, 'third'), 201);

    for (const t of [one, two]) {
      const page = expectStatus<{ items: Message[] }>(await chat(t, bob).messages(id), 200);
      expect(
        page.items.map(({ seq, body, reactions, deletedAt }) => ({ seq, body, reactions, deleted: !!deletedAt })),
      ).toEqual([
        { seq: 1, body: 'first, edited', reactions: { '👍': 2 }, deleted: false },
        { seq: 2, body: '', reactions: {}, deleted: true },
        { seq: 3, body: 'third', reactions: {}, deleted: false },
      ]);
      expect(page.items[1].deletedAt).not.toBeNull();
    }

    // Bob was at seq 2 before the edit: sync gives the edited and reacted message, his deleted one, then the new one.
    const synced = expectStatus(await chat(two, bob).sync(id, `?since=${bobAt}`), 200);
    expect(synced.items.map((item: Message) => [item.seq, item.body])).toEqual([
      [1, 'first, edited'],
      [2, ''],
      [3, 'third'],
    ]);
    expect(synced.lastSeq).toBe(third.seq);
    const upToDate = expectStatus(await chat(two, bob).sync(id, `?since=3`), 200);
    expect(upToDate.items).toEqual([]);

    const paged = expectStatus(await chat(one, bob).sync(id, '?since=0&limit=2'), 200);
    expect(paged.hasMore).toBe(true);
    const rest = expectStatus(await chat(one, bob).sync(id, `?since=0&limit=2&cursor=${paged.nextCursor}`), 200);
    expect(rest.hasMore).toBe(false);
    expect(new Set([...paged.items, ...rest.items].map((item: Message) => item.seq))).toEqual(new Set([1, 2, 3]));
  });

  it('serves the warm latest page from Redis, and the read after a send, edit or reaction includes it', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const id = await group(ann, [bob]);
    for (const i of range(1, 3)) expectStatus(await chat(one, ann).send(id, `m${i}`), 201);

    const cold = await chat(one, bob).messages(id);
    expect(cold.headers.get('x-cache')).toBe('MISS');
    const warm = await chat(two, bob).messages(id);
    expect(warm.headers.get('x-cache')).toBe('HIT');
    expect(warm.json()).toEqual(cold.json());

    const sent = expectStatus<Message>(await chat(two, ann).send(id, 'fresh'), 201);
    const after = await chat(one, bob).messages(id);
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect(seqs(after.json().items)).toEqual([1, 2, 3, 4]);
    expect(after.json().items[3]).toEqual(sent);

    expectStatus(await chat(one, ann).call('PATCH', `/${id}/messages/${sent.id}`, { body: 'fresher' }), 200);
    const afterEdit = await chat(two, bob).messages(id, '?limit=2');
    expect(afterEdit.headers.get('x-cache')).toBe('HIT');
    expect(afterEdit.json().items.map((item: Message) => item.body)).toEqual(['m3', 'fresher']);
    expect(afterEdit.json().hasMore).toBe(true);
  });

  it('keeps the Redis window at the latest 100 and pages older messages from Postgres', async () => {
    const senders = await Promise.all(range(1, 5).map(() => register(one)));
    const id = await group(senders[0], senders.slice(1));
    for (const i of range(0, 109)) expectStatus(await chat(one, senders[i % 5]).send(id, `n${i}`), 201);
    const reader = chat(two, senders[1]);
    expect((await reader.messages(id, '?limit=100')).headers.get('x-cache')).toBe('MISS');
    const latest = await reader.messages(id, '?limit=100');
    expect(latest.headers.get('x-cache')).toBe('HIT');
    expect(seqs(latest.json().items)).toEqual(range(11, 110));
    const older = expectStatus(await reader.messages(id, '?before=11&limit=100'), 200);
    expect(seqs(older.items)).toEqual(range(1, 10));
    const newer = expectStatus(await reader.messages(id, '?after=105'), 200);
    expect(seqs(newer.items)).toEqual(range(106, 110));
    expect(newer.hasMore).toBe(false);
  });
});
