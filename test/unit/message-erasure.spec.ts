import { MessageErasure, mentionedIn } from '#src/messages/message-erasure.service.js';
import type { ErasedInConversation, ErasedMessage, MessageRef } from '#src/messages/message-erasure.repository.js';
import { aGroup, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob, cid, c1, c2] = newIds(5);
const groups = { [c1]: aGroup([{ userId: ada }, { userId: bob }, { userId: cid }], { id: c1 }) };

const erased = (seq: number, overrides: Partial<ErasedMessage> = {}): ErasedMessage => ({
  id: `m${seq}`,
  seq,
  threadRootId: null,
  mentionAll: false,
  mentionUserIds: [],
  ...overrides,
});

const outcome = (messages: ErasedMessage[], overrides: Partial<ErasedInConversation> = {}): ErasedInConversation => ({
  messages,
  lastSeq: 10,
  unpinned: false,
  releasedUploadIds: [],
  ...overrides,
});

/** An erasure whose tombstones come out as `results` says, per conversation. */
const erasureWith = (results: Record<string, ErasedInConversation>, page: (MessageRef & { seq: number })[] = []) =>
  newTestService(MessageErasure, {
    MessageErasureRepository: {
      tombstoneMany: (conversationId: string) => Promise.resolve(results[conversationId] ?? outcome([])),
      sentBy: () => Promise.resolve(page),
      createdBefore: () => Promise.resolve(page),
    },
    LatestMessagesCache: { changeMany: <T>(_id: string, write: () => Promise<T>) => write() },
    ConversationAccess: { find: (id: string) => Promise.resolve(groups[id] ?? null) },
    UploadRemoval: { removeUnreferenced: () => Promise.resolve(0) },
  });

describe('the unread mention counts an erasure touches', () => {
  it('are those of the members each timeline message mentioned, everyone for @all, none for thread replies', () => {
    expect(mentionedIn([erased(1, { mentionUserIds: [bob] }), erased(2)], [ada, bob, cid])).toEqual([bob]);
    expect(mentionedIn([erased(1, { mentionAll: true })], [ada, bob, cid]).sort()).toEqual([ada, bob, cid].sort());
    expect(mentionedIn([erased(1, { threadRootId: 'root', mentionUserIds: [bob], mentionAll: true })], [ada])).toEqual(
      [],
    );
  });
});

describe('erasing messages', () => {
  it('tombstones each conversation once, in a window change of its own, and counts only what it erased', async () => {
    const { subject, fakes } = await erasureWith({ [c1]: outcome([erased(1), erased(2)]) });
    const refs = [
      { conversationId: c1, id: 'm1' },
      { conversationId: c2, id: 'x' },
      { conversationId: c1, id: 'm2' },
    ];
    await expect(subject.erase(refs, { announce: false })).resolves.toBe(2);
    expect(fakes.MessageErasureRepository.tombstoneMany.mock.calls).toEqual([
      [c1, ['m1', 'm2']],
      [c2, ['x']],
    ]);
    expect(fakes.LatestMessagesCache.changeMany).toHaveBeenCalledTimes(2);
  });

  it('tells the lists when the last message went, and the mention counts it was in', async () => {
    const { subject, fakes } = await erasureWith({
      [c1]: outcome([erased(3, { mentionUserIds: [cid] }), erased(10)], { lastSeq: 10 }),
    });
    await subject.erase([{ conversationId: c1, id: 'm3' }], { announce: false });
    const conversations = fakes.ConversationCache as Record<string, { mock: { calls: unknown[][] } }>;
    expect(conversations.messageChanged.mock.calls).toEqual([[[ada, bob, cid], { isLast: true }]]);
    expect(conversations.mentionDeleted.mock.calls).toEqual([[[cid]]]);
  });

  it('leaves the lists alone when older messages went, and names no mention counts when none was mentioned', async () => {
    const { subject, fakes } = await erasureWith({ [c1]: outcome([erased(3)], { lastSeq: 10 }) });
    await subject.erase([{ conversationId: c1, id: 'm3' }], { announce: false });
    const conversations = fakes.ConversationCache as Record<string, { mock: { calls: unknown[][] } }>;
    expect(conversations.messageChanged.mock.calls).toEqual([[[ada, bob, cid], { isLast: false }]]);
    expect(conversations.mentionDeleted.mock.calls).toEqual([]);
  });

  it('announces each tombstone to the members only when asked; a lost pin always', async () => {
    const results = { [c1]: outcome([erased(1), erased(2)], { unpinned: true }) };
    for (const announce of [true, false]) {
      const { subject, fakes } = await erasureWith(results);
      await subject.erase([{ conversationId: c1, id: 'm1' }], { announce });
      const published = (fakes.ChatEvents as { publish: { mock: { calls: [string, unknown][] } } }).publish.mock.calls;
      expect(published.map(([name]) => name)).toEqual(
        announce ? ['message.deleted', 'message.deleted', 'pins.updated'] : ['pins.updated'],
      );
      if (announce) {
        expect(published[0][1]).toEqual({ conversationId: c1, messageId: 'm1', seq: 1, memberIds: [ada, bob, cid] });
      }
    }
  });

  it('deletes the uploads the tombstones released, once each, after every conversation', async () => {
    const { subject, fakes } = await erasureWith({
      [c1]: outcome([erased(1)], { releasedUploadIds: ['u1', 'u2'] }),
      [c2]: outcome([erased(1)], { releasedUploadIds: ['u2', 'u3'] }),
    });
    await subject.erase(
      [
        { conversationId: c1, id: 'm1' },
        { conversationId: c2, id: 'm1' },
      ],
      { announce: false },
    );
    expect(fakes.UploadRemoval.removeUnreferenced.mock.calls).toEqual([[['u1', 'u2', 'u3']]]);
  });

  it('pages a sender’s messages: the next page starts after the last of a full one, and there is none after a short one', async () => {
    const full = [
      { conversationId: c1, id: 'm1', seq: 1 },
      { conversationId: c2, id: 'm7', seq: 7 },
    ];
    const { subject } = await erasureWith({}, full);
    await expect(subject.eraseSentBy(ada, 2)).resolves.toEqual({ erased: 0, next: { conversationId: c2, seq: 7 } });
    await expect(subject.eraseSentBy(ada, 3)).resolves.toEqual({ erased: 0, next: undefined });
    await expect(subject.eraseCreatedBefore(new Date(), 2)).resolves.toEqual({ erased: 0, more: true });
    await expect(subject.eraseCreatedBefore(new Date(), 3)).resolves.toEqual({ erased: 0, more: false });
  });
});
