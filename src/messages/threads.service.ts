import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { conversationNotFound } from '#src/conversations/conversations.errors.js';
import {
  toMessageView,
  toThreadSummary,
  type MessageView,
  type ThreadSummary,
} from '#src/conversations/message.presenter.js';
import type { SeqPageDto } from './dto/message-list.dto.js';
import type { MessageRecord } from './message-record.js';
import { messageNotFound } from './messages.errors.js';
import { MessagesRepository } from './messages.repository.js';
import { ThreadsRepository, type ThreadPosition, type ThreadRow } from './threads.repository.js';

/** A thread in the caller's list. */
export interface ThreadView {
  root: MessageView;
  thread: ThreadSummary | null;
  /** Replies past the caller's read mark in the thread, not their own. */
  unreadCount: number;
}

/** The caller's read mark in a thread, as `POST …/threads/:rootId/read` answers it. */
export interface ThreadReadMarkView {
  conversationId: string;
  rootId: string;
  lastReadSeq: number;
  unreadCount: number;
}

const isThreadPosition = (value: unknown): value is ThreadPosition => {
  const position = value as ThreadPosition | null;
  return isCursorTime(position?.lastReplyAt) && isCursorId(position?.rootId);
};

const toThreadView = (row: ThreadRow): ThreadView => ({
  root: toMessageView(row),
  thread: toThreadSummary(row),
  unreadCount: row.unreadCount,
});

/** Reading threads and each member's place in them; replies are sent like any message (MessagesService). */
@Injectable()
export class ThreadsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly threads: ThreadsRepository,
    private readonly access: ConversationAccess,
  ) {}

  /** Replies in ascending seq: the first ones, or those before or after a seq. */
  async replies(
    userId: string,
    conversationId: string,
    rootId: string,
    query: SeqPageDto,
  ): Promise<{ items: MessageView[]; hasMore: boolean }> {
    await this.requireRoot(userId, conversationId, rootId);
    if (query.before !== undefined && query.after !== undefined) {
      throw invalidField('after', 'give before or after, not both');
    }
    if (query.before !== undefined) {
      const rows = await this.threads.replies(conversationId, rootId, { before: query.before }, query.limit + 1);
      return { items: rows.slice(0, query.limit).reverse().map(toMessageView), hasMore: rows.length > query.limit };
    }
    const rows = await this.threads.replies(conversationId, rootId, { after: query.after ?? 0 }, query.limit + 1);
    return { items: rows.slice(0, query.limit).map(toMessageView), hasMore: rows.length > query.limit };
  }

  /** The threads the caller follows in the conversation, most recent reply first. */
  async followed(userId: string, conversationId: string, limit: number, cursor?: string): Promise<Page<ThreadView>> {
    const { member } = await this.access.requireMember(userId, conversationId);
    const after = decodeCursor(cursor, isThreadPosition);
    const rows = await this.threads.followed(conversationId, userId, member.hiddenBeforeSeq, limit + 1, after);
    return toPage(rows, limit, toThreadView, (row) => ({
      lastReplyAt: row.threadLastReplyAt?.toISOString(),
      rootId: row.id,
    }));
  }

  /** Moves the caller's read mark in the thread forward to `seq`, a seq the thread has reached. */
  async markRead(userId: string, conversationId: string, rootId: string, seq: number): Promise<ThreadReadMarkView> {
    const root = await this.requireRoot(userId, conversationId, rootId);
    if (seq > (root.threadLastReplySeq ?? 0)) throw invalidField('seq', "seq is past the thread's last reply");
    const mark = await this.threads.markRead(conversationId, userId, rootId, seq);
    if (!mark) throw conversationNotFound();
    return { conversationId, rootId, ...mark };
  }

  async setFollowing(userId: string, conversationId: string, rootId: string, following: boolean): Promise<void> {
    await this.requireRoot(userId, conversationId, rootId);
    if (!(await this.threads.setFollowing(conversationId, userId, rootId, following))) throw conversationNotFound();
  }

  /** The root of a thread the caller can see: a timeline message above their hide point (404 otherwise). */
  private async requireRoot(userId: string, conversationId: string, rootId: string): Promise<MessageRecord> {
    const { member } = await this.access.requireMember(userId, conversationId);
    const root = await this.messages.findInConversation(conversationId, rootId);
    if (!root || root.threadRootId !== null || root.seq <= member.hiddenBeforeSeq) throw messageNotFound();
    return root;
  }
}
