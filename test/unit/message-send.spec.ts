import { randomUUID } from 'node:crypto';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { MessageRecord } from '#src/messages/message-record.js';
import { MessagesService } from '#src/messages/messages.service.js';
import type { NewMessage } from '#src/messages/messages.repository.js';
import { aDirect, aGroup, aMessage, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob] = newIds(2);

/** MessagesService with the real access rules over `conversation`, and `repository` as its messages. */
const sending = <R extends object>(conversation: ConversationMeta, repository: R, blocked = false) =>
  newTestService(
    MessagesService,
    {
      MessagesRepository: repository,
      ConversationsRepository: { findMeta: () => Promise.resolve(conversation) },
      BlocksService: { blockedEitherWay: () => Promise.resolve(blocked) },
      // No attachments in these sends: they resolve to none.
      MessageAttachments: { resolve: () => Promise.resolve([]) },
    },
    { real: [ConversationAccess] },
  );

const stores = (message: NewMessage): Promise<{ record: MessageRecord; created: boolean }> =>
  Promise.resolve({ record: aMessage({ ...message, seq: 7 }), created: true });

describe('sending a message', () => {
  const dto = () => ({ clientMessageId: randomUUID(), body: 'hello' });

  it('stores it and answers it as created', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await sending(group, { insertOnce: stores });
    const sent = dto();
    const { message, created } = await subject.send(bob, group.id, sent);
    expect(created).toBe(true);
    expect(message).toMatchObject({ conversationId: group.id, senderId: bob, seq: 7, body: 'hello' });
    expect(message.clientMessageId).toBe(sent.clientMessageId);
  });

  it('refuses a member who may not write, storing nothing: 403 REQUEST_PENDING', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'pending' });
    const { subject } = await sending(direct, { findByClientId: () => Promise.resolve(null) });
    await expect(subject.send(bob, direct.id, dto())).rejects.toMatchObject({ status: 403, code: 'REQUEST_PENDING' });
  });

  it('refuses a direct conversation with a block, which the statement stored nothing for: 403 BLOCKED', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob });
    const { subject } = await sending(direct, { insertOnce: () => Promise.resolve(null) }, true);
    await expect(subject.send(ada, direct.id, dto())).rejects.toMatchObject({ status: 403, code: 'BLOCKED' });
  });

  it('answers a retry of a message stored before writing was refused with that message', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'declined' });
    const sent = dto();
    const first = aMessage({ conversationId: direct.id, senderId: ada, ...sent, seq: 3 });
    const { subject, fakes } = await sending(direct, { findByClientId: () => Promise.resolve(first) });
    await expect(subject.send(ada, direct.id, sent)).resolves.toMatchObject({
      created: false,
      message: { id: first.id, seq: 3 },
    });
    expect(fakes.MessagesRepository.findByClientId).toHaveBeenCalledWith(direct.id, ada, sent.clientMessageId);
  });

  it('refuses a non-member: 404 CONVERSATION_NOT_FOUND', async () => {
    const group = aGroup([{ userId: ada }]);
    const { subject } = await sending(group, {});
    await expect(subject.send(bob, group.id, dto())).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('answers 404 CONVERSATION_NOT_FOUND when the sender was removed before the message was stored', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await sending(group, { insertOnce: () => Promise.resolve(null) });
    await expect(subject.send(bob, group.id, dto())).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('refuses a reply to a message the sender cannot see: 400 VALIDATION_FAILED on replyToId', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, hiddenBeforeSeq: 5 }]);
    const hidden = aMessage({ conversationId: group.id, seq: 5 });
    const { subject } = await sending(group, { findInConversation: () => Promise.resolve(hidden) });
    await expect(subject.send(bob, group.id, { ...dto(), replyToId: hidden.id })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ field: 'replyToId' }],
    });
  });
});

describe('sending the same clientMessageId again', () => {
  const group = aGroup([{ userId: ada }, { userId: bob }]);
  const sent = { clientMessageId: randomUUID(), body: 'hello' };
  const first = aMessage({ conversationId: group.id, senderId: bob, ...sent, seq: 4 });

  it('answers the first message, not created, when it is already stored', async () => {
    const { subject } = await sending(group, { insertOnce: () => Promise.resolve({ record: first, created: false }) });
    await expect(subject.send(bob, group.id, sent)).resolves.toMatchObject({
      created: false,
      message: { id: first.id, seq: 4 },
    });
  });

  it('passes on a failed insert', async () => {
    const failure = new Error('connection lost');
    const { subject } = await sending(group, { insertOnce: () => Promise.reject(failure) });
    await expect(subject.send(bob, group.id, sent)).rejects.toBe(failure);
  });
});
