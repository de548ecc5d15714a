import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { MessageRecord } from '#src/messages/message-record.js';
import { SyncService } from '#src/messages/sync.service.js';
import { aGroup, aMessage, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob] = newIds(2);

/**
 * A conversation's history as the repository keeps it: `created` lists seqs in the order they were
 * sent (versions 1, 2, …); each of `changes` then changes a message (the next versions).
 */
function history(created: number, changes: number[] = []) {
  const createdVersion = new Map<number, bigint>();
  const messages = new Map<number, MessageRecord>();
  let version = 0n;
  for (let seq = 1; seq <= created; seq++) {
    createdVersion.set(seq, ++version);
    messages.set(seq, aMessage({ seq, version }));
  }
  for (const seq of changes) messages.set(seq, { ...messages.get(seq)!, body: `edited ${seq}`, version: ++version });
  return {
    lastSeq: () => Promise.resolve(created),
    createdVersionAt: (_id: string, seq: number) => Promise.resolve(createdVersion.get(seq) ?? null),
    changedSince: (_id: string, from: bigint, floor: number, limit: number) =>
      Promise.resolve(
        [...messages.values()]
          .filter((message) => message.version > from && message.seq > floor)
          .sort((a, b) => Number(a.version - b.version))
          .slice(0, limit),
      ),
  };
}

const group = aGroup([{ userId: ada }, { userId: bob, hiddenBeforeSeq: 2 }]);
const syncing = (repository: object) =>
  newTestService(
    SyncService,
    { MessagesRepository: repository, ConversationsRepository: { findMeta: () => Promise.resolve(group) } },
    { real: [ConversationAccess] },
  );
const seqs = (items: { seq: number }[]) => items.map((item) => item.seq);

describe('what a client that was away gets', () => {
  it('from the start, every message in the order it last changed', async () => {
    const { subject } = await syncing(history(4, [1]));
    const view = await subject.sync(ada, group.id, { since: 0, limit: 50 });
    expect(seqs(view.items)).toEqual([2, 3, 4, 1]);
    expect(view).toMatchObject({ lastSeq: 4, hasMore: false, nextCursor: null });
  });

  it('from a seq, the messages sent after it and the older ones changed since it was sent', async () => {
    const { subject } = await syncing(history(6, [2, 5]));
    const view = await subject.sync(ada, group.id, { since: 4, limit: 50 });
    expect(seqs(view.items)).toEqual([6, 2, 5]);
    expect(view.items.find((item) => item.seq === 2)?.body).toBe('edited 2');
  });

  it('from the last seq with nothing changed since, nothing', async () => {
    const { subject } = await syncing(history(3));
    await expect(subject.sync(ada, group.id, { since: 3, limit: 50 })).resolves.toMatchObject({
      items: [],
      lastSeq: 3,
      hasMore: false,
    });
  });

  it('leaves out messages the member hid', async () => {
    const { subject } = await syncing(history(4, [1]));
    const view = await subject.sync(bob, group.id, { since: 0, limit: 50 });
    expect(seqs(view.items)).toEqual([3, 4]);
  });

  it('refuses a since past the last message: 400 VALIDATION_FAILED on since', async () => {
    const { subject } = await syncing(history(3));
    await expect(subject.sync(ada, group.id, { since: 4, limit: 50 })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ field: 'since' }],
    });
  });
});

describe('sync in pages', () => {
  it('pages by limit, each cursor taking up after the last change of the page before, with none missed', async () => {
    const { subject } = await syncing(history(5, [1, 3]));
    const first = await subject.sync(ada, group.id, { since: 0, limit: 3 });
    expect(seqs(first.items)).toEqual([2, 4, 5]);
    expect(first.hasMore).toBe(true);
    const second = await subject.sync(ada, group.id, { since: 0, limit: 3, cursor: first.nextCursor! });
    expect(seqs(second.items)).toEqual([1, 3]);
    expect(second).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it('has no more when the page is exactly full', async () => {
    const { subject } = await syncing(history(3));
    await expect(subject.sync(ada, group.id, { since: 0, limit: 3 })).resolves.toMatchObject({
      hasMore: false,
      nextCursor: null,
    });
  });

  it('refuses a cursor it did not make: 400 VALIDATION_FAILED on cursor', async () => {
    const { subject } = await syncing(history(3));
    const forged = Buffer.from(JSON.stringify({ version: '-1' })).toString('base64url');
    await expect(subject.sync(ada, group.id, { since: 0, limit: 3, cursor: forged })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ field: 'cursor' }],
    });
  });

  it('reports as lastSeq a message sent after the last seq was read', async () => {
    const repository = { ...history(3), lastSeq: () => Promise.resolve(2) };
    const { subject } = await syncing(repository);
    await expect(subject.sync(ada, group.id, { since: 0, limit: 50 })).resolves.toMatchObject({ lastSeq: 3 });
  });
});
