import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import { JsonText } from '#src/common/pagination/json-text.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import type { WarmTarget } from '#src/infra/cache/warm-target.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { memberOf } from '#src/conversations/conversation-meta.js';
import { conversationNotFound } from '#src/conversations/conversations.errors.js';
import { ConversationCache } from '#src/conversations/conversation-cache.js';
import { toMessageView, toThreadSummary, type MessageView } from '#src/conversations/message.presenter.js';
import { MessageAttachments } from '#src/uploads/message-attachments.service.js';
import type { MessageCreateDto } from './dto/message-create.dto.js';
import type { MessageListDto } from './dto/message-list.dto.js';
import { LatestMessagesCache, messagePage } from './latest-messages.cache.js';
import { mentionsIn } from './mentions.js';
import type { MessageRecord } from './message-record.js';
import { messageNotFound } from './messages.errors.js';
import { MessagesRepository, type StoredMessage } from './messages.repository.js';

/** Sending and reading messages. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly latest: LatestMessagesCache,
    private readonly access: ConversationAccess,
    private readonly conversations: ConversationCache,
    private readonly events: ChatEvents,
    private readonly attachments: MessageAttachments,
  ) {}

  /**
   * Stores a message under the conversation's next seq. The same `clientMessageId` from the same
   * sender in the same conversation returns the first message (`created: false`) instead of
   * storing it twice, however many copies race.
   */
  async send(
    userId: string,
    conversationId: string,
    dto: MessageCreateDto,
  ): Promise<{ message: MessageView; created: boolean }> {
    const membership = await this.access.requireMember(userId, conversationId);
    const refusal = failureOf(() => this.access.assertWriterRules(userId, membership));
    if (refusal) return this.replayOrRefuse(conversationId, userId, dto.clientMessageId, refusal);
    const hiddenBeforeSeq = membership.member.hiddenBeforeSeq;
    if (dto.replyToId) {
      const original = await this.messages.findInConversation(conversationId, dto.replyToId);
      if (!original || original.seq <= hiddenBeforeSeq) {
        throw invalidField('replyToId', 'replyToId must be a message of this conversation');
      }
    }
    if (dto.threadRootId) {
      const root = await this.messages.findInConversation(conversationId, dto.threadRootId);
      if (!root || root.seq <= hiddenBeforeSeq || root.threadRootId !== null || root.deletedAt !== null) {
        throw notAThreadRoot();
      }
    }
    // Slow mode comes last among the checks, before the attachments are taken: a refused send uses no turn.
    const turn = await this.access.takeSendTurn(membership).catch((error: Error) => error);
    if (turn instanceof Error) return this.replayOrRefuse(conversationId, userId, dto.clientMessageId, turn);
    const memberIds = membership.conversation.members.map((member) => member.userId);
    let stored: StoredMessage | 'rootDeleted' | null;
    try {
      stored = await this.store(conversationId, userId, dto, memberIds);
    } catch (error) {
      await turn.giveBack();
      throw error;
    }
    // Nothing new was stored (no longer a member, the root deleted, a retry): the turn was not used.
    if (!stored || stored === 'rootDeleted' || !stored.created) await turn.giveBack();
    if (!stored) {
      // The statement stores nothing across a block, or for a sender no longer a member (the cached
      // membership was older); a retry of a message stored before either came back as that message.
      await this.access.assertNotBlocked(userId, membership.conversation);
      throw conversationNotFound();
    }
    if (stored === 'rootDeleted') throw notAThreadRoot();
    if (!stored.created) return replay(stored.record);
    const { record, root } = stored;
    const message = toMessageView(record);
    this.events.publish('message.created', { conversationId, message, memberIds });
    const thread = root && toThreadSummary(root);
    if (thread) this.events.publish('thread.updated', { conversationId, rootId: root.id, thread, memberIds });
    return { message, created: true };
  }

  /**
   * Inserts the message once (see `send`), with its attachments and mentions, through the Redis
   * window; a new one moves up in its members' lists.
   */
  private async store(conversationId: string, userId: string, dto: MessageCreateDto, memberIds: string[]) {
    const mentioned = mentionsIn(dto.body);
    const newMessage = {
      conversationId,
      senderId: userId,
      clientMessageId: dto.clientMessageId,
      body: dto.body,
      replyToId: dto.replyToId ?? null,
      threadRootId: dto.threadRootId ?? null,
      attachments: await this.attachments.resolve(userId, dto.attachments),
      mentionNames: mentioned.names,
      mentionAll: mentioned.all,
    };
    const isNew = (result: StoredMessage | 'rootDeleted' | null): result is StoredMessage =>
      result !== null && result !== 'rootDeleted' && result.created;
    return this.latest.change(
      conversationId,
      () => this.messages.insertOnce(newMessage),
      (result) => (isNew(result) ? (result.root ?? result.record) : null),
      (result) => (isNew(result) ? this.conversations.messageStored(memberIds) : Promise.resolve()),
    );
  }

  /** A retry of a message already stored is answered even when writing is no longer allowed; anything else is refused. */
  private async replayOrRefuse(conversationId: string, userId: string, clientMessageId: string, refusal: Error) {
    const previous = await this.messages.findByClientId(conversationId, userId, clientMessageId);
    if (previous) return replay(previous);
    throw refusal;
  }

  /** A page of messages in ascending seq. The latest page comes from the Redis window when warm. */
  async list(
    userId: string,
    conversationId: string,
    query: MessageListDto,
  ): Promise<{ value: JsonText; hit: boolean }> {
    const { member } = await this.access.requireMember(userId, conversationId);
    const floor = member.hiddenBeforeSeq;
    if (query.before !== undefined && query.after !== undefined) {
      throw invalidField('after', 'give before or after, not both');
    }
    const replies = query.includeThreadReplies;
    if (query.before !== undefined) {
      const rows = await this.messages.before(conversationId, query.before, floor, query.limit + 1, replies);
      return { value: pageOf(rows.slice(0, query.limit).reverse(), rows.length > query.limit), hit: false };
    }
    if (query.after !== undefined) {
      const rows = await this.messages.after(conversationId, Math.max(query.after, floor), query.limit + 1, replies);
      return { value: pageOf(rows.slice(0, query.limit), rows.length > query.limit), hit: false };
    }
    // The Redis window holds the timeline, the page most clients read; with the replies it is read here.
    if (replies) {
      const rows = await this.messages.latest(conversationId, query.limit + 1, { floor, replies: true });
      return { value: pageOf(rows.slice(0, query.limit).reverse(), rows.length > query.limit), hit: false };
    }
    return this.latest.page(conversationId, floor, query.limit, (count) => this.messages.latest(conversationId, count));
  }

  /** The conversation's latest window, to fill before its members read it. */
  windowWarming(conversationId: string): WarmTarget {
    return this.latest.warming(conversationId, (count) => this.messages.latest(conversationId, count));
  }

  /** One message, as the member sees it (404 when it is hidden from them). */
  async findVisible(userId: string, conversationId: string, messageId: string) {
    const membership = await this.access.requireMember(userId, conversationId);
    const record = await this.messages.findInConversation(conversationId, messageId);
    if (!record || record.seq <= membership.member.hiddenBeforeSeq) throw messageNotFound();
    return { membership, record };
  }

  /**
   * A message the user can see, found by its id alone: 404 `MESSAGE_NOT_FOUND` alike for an unknown
   * id and for a message of a conversation they are not in, or sent before they hid it.
   */
  async findVisibleById(userId: string, messageId: string): Promise<MessageRecord> {
    const record = await this.messages.findById(messageId);
    const conversation = record && (await this.access.find(record.conversationId));
    const member = conversation && memberOf(conversation, userId);
    if (!record || !member || record.seq <= member.hiddenBeforeSeq) throw messageNotFound();
    return record;
  }

  /** Any message, by its id alone, for a system admin; 404 `MESSAGE_NOT_FOUND` when there is none. */
  async findAny(messageId: string): Promise<MessageRecord> {
    const record = await this.messages.findById(messageId);
    if (!record) throw messageNotFound();
    return record;
  }
}

const notAThreadRoot = () =>
  invalidField(
    'threadRootId',
    'threadRootId must be a message of this conversation that is neither a reply nor deleted',
  );

function failureOf(check: () => void): Error | null {
  try {
    check();
    return null;
  } catch (error) {
    return error as Error;
  }
}

const replay = (previous: MessageRecord): { message: MessageView; created: boolean } => ({
  message: toMessageView(previous),
  created: false,
});

const pageOf = (rows: MessageRecord[], hasMore: boolean): JsonText =>
  messagePage(
    rows.map((row) => JSON.stringify(toMessageView(row))),
    hasMore,
  );
