import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import type { MessageRecord } from '#src/messages/message-record.js';
import { MessagesService } from '#src/messages/messages.service.js';
import type { PinOutcome, PinsRepository } from '#src/messages/pins.repository.js';
import { MAX_PINS, PinsService } from '#src/messages/pins.service.js';
import { T0, aDirect, aGroup, aMessage, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob, cyd] = newIds(3);

/**
 * PinsService with the real access rules over `conversation` holding `message`; the pins table
 * answers `outcome` to a pin and `removed` to an unpin.
 */
const pinning = (
  conversation: ConversationMeta,
  message: MessageRecord | null,
  {
    outcome = 'new',
    removed = true,
    blocked = false,
  }: { outcome?: PinOutcome | 'new'; removed?: boolean; blocked?: boolean } = {},
) =>
  newTestService(
    PinsService,
    {
      PinsRepository: {
        pin: (...[, , userId]: Parameters<PinsRepository['pin']>) =>
          Promise.resolve(outcome === 'new' ? { pinnedBy: userId, pinnedAt: T0, created: true } : outcome),
        unpin: () => Promise.resolve(removed),
        listAbove: () => Promise.resolve([{ message: message ?? aMessage(), pinnedBy: ada, pinnedAt: T0 }]),
      },
      MessagesRepository: { findInConversation: () => Promise.resolve(message) },
      ConversationsRepository: { findMeta: () => Promise.resolve(conversation) },
      BlocksService: { blockedEitherWay: () => Promise.resolve(blocked) },
    },
    { real: [ConversationAccess, MessagesService] },
  );

const published = (fakes: Record<string, unknown>) =>
  (fakes.ChatEvents as { publish: { mock: { calls: unknown[][] } } }).publish.mock.calls;

describe('pinning', () => {
  const group = aGroup([{ userId: ada }, { userId: bob, role: 'admin' }, { userId: cyd }]);
  const inGroup = aMessage({ conversationId: group.id, seq: 3 });

  it.each([
    ['the owner', ada],
    ['an admin', bob],
  ])('lets %s of a group pin, telling every member', async (_, userId) => {
    const { subject, fakes } = await pinning(group, inGroup);
    await expect(subject.pin(userId, group.id, inGroup.id)).resolves.toMatchObject({
      message: { id: inGroup.id },
      pinnedBy: userId,
      pinnedAt: T0.toISOString(),
    });
    expect(published(fakes)).toEqual([['pins.updated', { conversationId: group.id, memberIds: [ada, bob, cyd] }]]);
  });

  it('refuses a plain group member both ways with 403 NOT_GROUP_ADMIN, before touching the pins', async () => {
    const { subject, fakes } = await pinning(group, inGroup);
    await expect(subject.pin(cyd, group.id, inGroup.id)).rejects.toMatchObject({
      status: 403,
      code: 'NOT_GROUP_ADMIN',
    });
    await expect(subject.unpin(cyd, group.id, inGroup.id)).rejects.toMatchObject({
      status: 403,
      code: 'NOT_GROUP_ADMIN',
    });
    expect(fakes.PinsRepository.pin).not.toHaveBeenCalled();
    expect(fakes.PinsRepository.unpin).not.toHaveBeenCalled();
  });

  it('answers an outsider 404 CONVERSATION_NOT_FOUND', async () => {
    const { subject } = await pinning(group, inGroup);
    const outsider = newIds(1)[0];
    for (const attempt of [
      subject.pin(outsider, group.id, inGroup.id),
      subject.unpin(outsider, group.id, inGroup.id),
      subject.list(outsider, group.id),
    ]) {
      await expect(attempt).rejects.toMatchObject({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
    }
  });

  it('answers 404 MESSAGE_NOT_FOUND for a message that is gone, hidden, deleted, or deleted while pinning', async () => {
    const hiding = aGroup([{ userId: ada, hiddenBeforeSeq: 3 }]);
    const deleted = aMessage({ conversationId: group.id, deletedAt: T0 });
    for (const [conversation, message, outcome] of [
      [group, null, 'new'],
      [hiding, aMessage({ conversationId: hiding.id, seq: 3 }), 'new'],
      [group, deleted, 'new'],
      [group, inGroup, 'deleted'],
    ] as const) {
      const { subject, fakes } = await pinning(conversation, message, { outcome });
      await expect(subject.pin(ada, conversation.id, message?.id ?? inGroup.id)).rejects.toMatchObject({
        status: 404,
        code: 'MESSAGE_NOT_FOUND',
      });
      expect(published(fakes)).toEqual([]);
    }
  });

  it('answers 409 PIN_LIMIT when the conversation is full', async () => {
    const { subject, fakes } = await pinning(group, inGroup, { outcome: 'full' });
    await expect(subject.pin(ada, group.id, inGroup.id)).rejects.toMatchObject({ status: 409, code: 'PIN_LIMIT' });
    expect(published(fakes)).toEqual([]);
    expect(fakes.PinsRepository.pin.mock.calls[0][3]).toBe(MAX_PINS);
    expect(MAX_PINS).toBe(50);
  });

  it('answers a pin already there as it is, and tells no one', async () => {
    const outcome = { pinnedBy: bob, pinnedAt: T0, created: false };
    const { subject, fakes } = await pinning(group, inGroup, { outcome });
    await expect(subject.pin(ada, group.id, inGroup.id)).resolves.toMatchObject({ pinnedBy: bob });
    expect(published(fakes)).toEqual([]);
  });

  it("lists the pins above the caller's hide point", async () => {
    const hiding = aGroup([{ userId: ada }, { userId: bob, hiddenBeforeSeq: 7 }]);
    const message = aMessage({ conversationId: hiding.id, seq: 8 });
    const { subject, fakes } = await pinning(hiding, message);
    await expect(subject.list(bob, hiding.id)).resolves.toEqual({
      items: [
        { message: expect.objectContaining({ id: message.id, seq: 8 }), pinnedBy: ada, pinnedAt: T0.toISOString() },
      ],
    });
    expect(fakes.PinsRepository.listAbove).toHaveBeenCalledWith(hiding.id, 7);
  });

  it('tells the members of an unpin only when a pin was removed', async () => {
    for (const removed of [true, false]) {
      const { subject, fakes } = await pinning(group, inGroup, { removed });
      await expect(subject.unpin(bob, group.id, inGroup.id)).resolves.toBeUndefined();
      expect(published(fakes)).toHaveLength(removed ? 1 : 0);
    }
  });

  describe('in a direct conversation', () => {
    it('lets either member pin and unpin', async () => {
      const direct = aDirect({ userId: ada }, { userId: bob });
      const message = aMessage({ conversationId: direct.id, senderId: ada });
      for (const userId of [ada, bob]) {
        const { subject } = await pinning(direct, message);
        await expect(subject.pin(userId, direct.id, message.id)).resolves.toMatchObject({ pinnedBy: userId });
        await expect(subject.unpin(userId, direct.id, message.id)).resolves.toBeUndefined();
      }
    });

    it('refuses the recipient of an unanswered or declined request both ways', async () => {
      for (const [status, code] of [
        ['pending', 'REQUEST_PENDING'],
        ['declined', 'REQUEST_DECLINED'],
      ] as const) {
        const direct = aDirect({ userId: ada }, { userId: bob, status });
        const message = aMessage({ conversationId: direct.id, senderId: ada });
        const { subject } = await pinning(direct, message);
        await expect(subject.pin(bob, direct.id, message.id)).rejects.toMatchObject({ status: 403, code });
        await expect(subject.unpin(bob, direct.id, message.id)).rejects.toMatchObject({ status: 403, code });
      }
    });

    it('refuses a pin across a block with 403 BLOCKED, and lets the unpin through', async () => {
      const direct = aDirect({ userId: ada }, { userId: bob });
      const message = aMessage({ conversationId: direct.id, senderId: ada });
      const { subject } = await pinning(direct, message, { blocked: true });
      await expect(subject.pin(ada, direct.id, message.id)).rejects.toMatchObject({ status: 403, code: 'BLOCKED' });
      await expect(subject.unpin(ada, direct.id, message.id)).resolves.toBeUndefined();
    });
  });
});
