import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess } from './conversation-access.service.js';
import { ConversationCache } from './conversation-cache.js';
import type { ReadMarkView, UnreadView } from './conversation.presenter.js';
import { ConversationsRepository } from './conversations.repository.js';
import { MembersRepository } from './members.repository.js';
import { markAudience, shownReadSeq } from './receipt-rule.js';

/** Read marks and the unread counts derived from them (Postgres holds both; Redis caches the counts). */
@Injectable()
export class ReadMarksService {
  constructor(
    private readonly members: MembersRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationAccess,
    private readonly cache: ConversationCache,
    private readonly events: ChatEvents,
  ) {}

  /**
   * Moves the caller's read mark forward to `seq` (never back); the others hear of it only when it
   * moved, and only when the caller shares their marks (else just the caller's own sockets do).
   */
  async markRead(userId: string, conversationId: string, seq: number): Promise<ReadMarkView> {
    const { conversation } = await this.access.requireMember(userId, conversationId);
    const mark = await this.members.markReadUpTo(conversationId, userId, seq);
    if (!mark) {
      throw invalidField('seq', "seq is past the conversation's last message");
    }
    const lastReadSeq = shownReadSeq(mark);
    if (mark.moved) {
      await this.cache.readMarkMoved(userId);
      const memberIds = markAudience(
        userId,
        mark.sharesMarks,
        conversation.members.map((member) => member.userId),
      );
      this.events.publish('read', { conversationId, userId, seq: lastReadSeq, memberIds });
    }
    return { conversationId, lastReadSeq, unreadCount: mark.unreadCount, unreadMentionCount: mark.unreadMentionCount };
  }

  /** Unread messages per conversation and in total. Message requests count once accepted. */
  unread(userId: string): Promise<{ value: UnreadView; hit: boolean }> {
    return this.cache.unread(userId, async () => {
      const items = await this.conversations.unreadCounts(userId);
      return { total: items.reduce((sum, item) => sum + item.unreadCount, 0), items };
    });
  }
}
