import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { MessageRecord } from './message-record.js';

/** Where a page of a member's threads starts: after this (last reply time, root id). */
export interface ThreadPosition {
  lastReplyAt: string;
  rootId: string;
}

/** A thread root with the member's unread replies in it. */
export type ThreadRow = MessageRecord & { unreadCount: number };

/** Replies in the thread past the member's mark there, not their own. Over `thread_subscriptions s`. */
const THREAD_UNREAD = Prisma.sql`(
  SELECT count(*)::int FROM messages r
  WHERE r.conversation_id = s.conversation_id AND r.thread_root_id = s.root_id
    AND r.seq > s.last_read_seq AND r.sender_id <> s.user_id)`;

/**
 * The member's row, held against removal until the statement commits: a place in a thread is
 * written only for a member, never left behind by one removed meanwhile.
 */
const MEMBER = (conversationId: string, userId: string) => Prisma.sql`(
  SELECT conversation_id, user_id FROM conversation_members
  WHERE conversation_id = ${conversationId}::uuid AND user_id = ${userId}::uuid FOR KEY SHARE) cm`;

/**
 * Threads: replies are messages (the messages repository stores them, with their root's summary);
 * this reads them by thread and keeps each member's place in a thread (following, read mark).
 */
@Injectable()
export class ThreadsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Up to `limit` replies of the thread before seq `before` (newest first) or after seq `after` (oldest first). */
  replies(
    conversationId: string,
    rootId: string,
    range: { before: number } | { after: number },
    limit: number,
  ): Promise<MessageRecord[]> {
    const where =
      'before' in range ? Prisma.sql`m.seq < ${range.before}::int` : Prisma.sql`m.seq > ${range.after}::int`;
    const order = 'before' in range ? Prisma.sql`DESC` : Prisma.sql`ASC`;
    return this.prisma.$queryRaw<MessageRecord[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.conversation_id = ${conversationId}::uuid AND m.thread_root_id = ${rootId}::uuid AND ${where}
      ORDER BY m.seq ${order} LIMIT ${limit}`;
  }

  /**
   * The threads with replies that the member follows, above their hide point, most recent reply
   * first, after `after`.
   */
  followed(
    conversationId: string,
    userId: string,
    floor: number,
    limit: number,
    after?: ThreadPosition,
  ): Promise<ThreadRow[]> {
    const afterAt = after ? new Date(after.lastReplyAt) : null;
    return this.prisma.$queryRaw<ThreadRow[]>`
      SELECT ${MESSAGE_COLUMNS}, ${THREAD_UNREAD} AS "unreadCount"
      FROM thread_subscriptions s
      JOIN messages m ON m.conversation_id = s.conversation_id AND m.id = s.root_id
      WHERE s.conversation_id = ${conversationId}::uuid AND s.user_id = ${userId}::uuid AND s.following
        AND m.thread_reply_count > 0 AND m.seq > ${floor}::int
        AND (${afterAt}::timestamptz IS NULL
             OR (m.thread_last_reply_at, m.id) < (${afterAt}::timestamptz, ${after?.rootId ?? null}::uuid))
      ORDER BY m.thread_last_reply_at DESC, m.id DESC
      LIMIT ${limit}`;
  }

  /**
   * Moves the member's read mark in the thread forward to `seq` (never back), creating their place
   * in it when they had none: not following, and no choice either (`following` null), so that a
   * later mention still makes them follow. Returns the mark and the unread replies after it.
   * Null when they are no longer a member.
   */
  async markRead(
    conversationId: string,
    userId: string,
    rootId: string,
    seq: number,
  ): Promise<{ lastReadSeq: number; unreadCount: number } | null> {
    const [row] = await this.prisma.$queryRaw<{ lastReadSeq: number; unreadCount: number }[]>`
      WITH marked AS (
        INSERT INTO thread_subscriptions (conversation_id, user_id, root_id, following, last_read_seq)
        SELECT cm.conversation_id, cm.user_id, ${rootId}::uuid, NULL, ${seq}::int FROM ${MEMBER(conversationId, userId)}
        ON CONFLICT (conversation_id, user_id, root_id) DO UPDATE
        SET last_read_seq = GREATEST(thread_subscriptions.last_read_seq, EXCLUDED.last_read_seq)
        RETURNING conversation_id, user_id, root_id, last_read_seq
      )
      SELECT s.last_read_seq AS "lastReadSeq", ${THREAD_UNREAD} AS "unreadCount" FROM marked s`;
    return row ?? null;
  }

  /** Follows or unfollows the thread, keeping the member's read mark in it; false when they are no longer a member. */
  async setFollowing(conversationId: string, userId: string, rootId: string, following: boolean): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      INSERT INTO thread_subscriptions (conversation_id, user_id, root_id, following)
      SELECT cm.conversation_id, cm.user_id, ${rootId}::uuid, ${following} FROM ${MEMBER(conversationId, userId)}
      ON CONFLICT (conversation_id, user_id, root_id) DO UPDATE SET following = EXCLUDED.following`;
    return changed > 0;
  }
}
