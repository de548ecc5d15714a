import { jest } from '@jest/globals';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { DeliveryMark } from '#src/conversations/members.repository.js';
import { markAudience, shownDeliveredSeq, shownReadSeq } from '#src/conversations/receipt-rule.js';
import { ReceiptsService } from '#src/conversations/receipts.service.js';
import { aGroup, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob, cid, eve] = newIds(4);

describe('the marks as shown', () => {
  it.each([
    ['nothing yet', { lastReadSeq: 0, lastDeliveredSeq: 0, hiddenBeforeSeq: 0 }, 0, 0],
    ['delivered ahead of the read mark', { lastReadSeq: 2, lastDeliveredSeq: 5, hiddenBeforeSeq: 0 }, 2, 5],
    [
      'read past the delivery mark: reading implies delivery',
      { lastReadSeq: 7, lastDeliveredSeq: 3, hiddenBeforeSeq: 0 },
      7,
      7,
    ],
    [
      'hidden up to a point: counts as read and delivered',
      { lastReadSeq: 1, lastDeliveredSeq: 2, hiddenBeforeSeq: 4 },
      4,
      4,
    ],
  ])('%s', (_name, marks, read, delivered) => {
    expect(shownReadSeq(marks)).toBe(read);
    expect(shownDeliveredSeq(marks)).toBe(delivered);
    expect(shownDeliveredSeq(marks)).toBeGreaterThanOrEqual(shownReadSeq(marks));
  });
});

describe('who hears that a mark moved', () => {
  it('every member when the member shares their marks, only the member otherwise', () => {
    expect(markAudience(bob, true, [ada, bob, cid])).toEqual([ada, bob, cid]);
    expect(markAudience(bob, false, [ada, bob, cid])).toEqual([bob]);
  });
});

describe('a delivery mark', () => {
  const group = aGroup([{ userId: ada }, { userId: bob }, { userId: cid }]);
  const mark = (overrides: Partial<DeliveryMark & { moved: boolean }>) => ({
    lastSeq: 5,
    lastReadSeq: 0,
    lastDeliveredSeq: 0,
    hiddenBeforeSeq: 0,
    sharesMarks: true,
    moved: true,
    ...overrides,
  });
  const receipts = async (answer: ReturnType<typeof mark> | 'pastLastSeq' | null) => {
    const { subject, fakes } = await newTestService(
      ReceiptsService,
      {
        ConversationsRepository: { findMeta: (id: string) => Promise.resolve(id === group.id ? group : null) },
        MembersRepository: { markDeliveredUpTo: () => Promise.resolve(answer) },
      },
      { real: [ConversationAccess] },
    );
    return { subject, fakes: { ...fakes, ChatEvents: fakes.ChatEvents as { publish: jest.Mock } } };
  };

  it('tells every member once it moved, and answers the mark as shown', async () => {
    const { subject, fakes } = await receipts(mark({ lastDeliveredSeq: 3 }));
    expect(await subject.markDelivered(bob, group.id, 3)).toEqual({ conversationId: group.id, lastDeliveredSeq: 3 });
    expect(fakes.ChatEvents.publish).toHaveBeenCalledWith('delivered', {
      conversationId: group.id,
      userId: bob,
      seq: 3,
      memberIds: [ada, bob, cid],
    });
  });

  it('tells only the member’s own sockets when they do not share their marks', async () => {
    const { subject, fakes } = await receipts(mark({ lastDeliveredSeq: 3, sharesMarks: false }));
    await subject.markDelivered(bob, group.id, 3);
    expect(fakes.ChatEvents.publish).toHaveBeenCalledWith('delivered', expect.objectContaining({ memberIds: [bob] }));
  });

  it('tells no one when it did not move, and answers the read mark when that is further', async () => {
    const { subject, fakes } = await receipts(mark({ lastDeliveredSeq: 1, lastReadSeq: 4, moved: false }));
    expect(await subject.markDelivered(bob, group.id, 2)).toEqual({ conversationId: group.id, lastDeliveredSeq: 4 });
    expect(fakes.ChatEvents.publish).not.toHaveBeenCalled();
  });

  it('refuses a seq past the last message with 400, and a member removed meanwhile with 404', async () => {
    await expect((await receipts('pastLastSeq')).subject.markDelivered(bob, group.id, 9)).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    await expect((await receipts(null)).subject.markDelivered(bob, group.id, 1)).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('refuses a non-member 404 before touching any mark', async () => {
    const { subject, fakes } = await receipts(mark({}));
    await expect(subject.markDelivered(eve, group.id, 1)).rejects.toMatchObject({ status: 404 });
    expect(fakes.MembersRepository.markDeliveredUpTo).not.toHaveBeenCalled();
  });
});
