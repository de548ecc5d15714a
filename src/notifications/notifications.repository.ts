import { Injectable } from '@nestjs/common';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import type { MessageSource } from '#src/conversations/message.presenter.js';
import { Prisma, type Notification } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** The values the CHECK constraint of `notifications.kind` allows. */
export type NotificationKind = 'message' | 'mention' | 'request' | 'member_added';

export type NotificationRow = Omit<Notification, 'kind'> & { kind: NotificationKind };

/** How much of a message body a notification shows (the `preview` column's length). */
export const PREVIEW_LENGTH = 200;

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  conversationId: string;
  messageId?: string;
  actorId: string;
  preview?: string;
}

/** Rows per insert: a 500-member group is one batch. */
const BATCH = 500;

export interface MessageToAnnounce {
  body: string;
  deletedAt: Date | null;
  /** Resolved when the message was stored. */
  mentionUserIds: string[];
  mentionAll: boolean;
  /** The thread it replies in, if any. */
  threadRootId: string | null;
}

/** Where a page of a user's notifications starts: after this (created time, id). */
export interface NotificationPosition {
  createdAt: string;
  id: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores them (one per user, message and kind: a repeat is skipped) and returns those stored, in
   * `db` (the outbox event's transaction).
   */
  async create(rows: NewNotification[], db: Prisma.TransactionClient = this.prisma): Promise<NotificationRow[]> {
    const stored: NotificationRow[] = [];
    for (let i = 0; i < rows.length; i += BATCH) {
      // Stored from NewNotification rows, whose kinds are NotificationKind.
      const created = (await db.notification.createManyAndReturn({
        data: rows.slice(i, i + BATCH),
        skipDuplicates: true,
      })) as NotificationRow[];
      stored.push(...created);
    }
    return stored;
  }

  /** What a new message's notifications need of it; null when it is gone. */
  async messageToAnnounce(conversationId: string, messageId: string): Promise<MessageToAnnounce | null> {
    return this.prisma.message.findUnique({
      where: { conversationId_id: { conversationId, id: messageId } },
      select: { body: true, deletedAt: true, mentionUserIds: true, mentionAll: true, threadRootId: true },
    });
  }

  /** The messages of these sends as they are now, in one query (by the primary key); those gone are left out. */
  messagesSent(sends: { conversationId: string; messageId: string }[]): Promise<MessageSource[]> {
    if (sends.length === 0) return Promise.resolve([]);
    const keys = Prisma.join(sends.map((send) => Prisma.sql`(${send.conversationId}::uuid, ${send.messageId}::uuid)`));
    return this.prisma.$queryRaw<MessageSource[]>`
      SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE (m.conversation_id, m.id) IN (${keys})`;
  }

  /**
   * Newest first, after `after`. A message's preview is taken from the message as it is now, so
   * it follows edits and is gone (null) once the message is deleted. Two queries, not a join:
   * notifications are placed by user and messages by conversation, which Citus cannot join.
   */
  async list(
    userId: string,
    unreadOnly: boolean,
    limit: number,
    after?: NotificationPosition,
  ): Promise<NotificationRow[]> {
    const afterAt = after ? new Date(after.createdAt) : null;
    const rows = await this.prisma.$queryRaw<NotificationRow[]>`
      SELECT n.id, n.user_id AS "userId", n.kind, n.conversation_id AS "conversationId",
             n.message_id AS "messageId", n.actor_id AS "actorId", n.preview,
             n.created_at AS "createdAt", n.read_at AS "readAt"
      FROM notifications n
      WHERE n.user_id = ${userId}::uuid
        AND (${unreadOnly}::boolean IS FALSE OR n.read_at IS NULL)
        AND (${afterAt}::timestamptz IS NULL
             OR (n.created_at, n.id) < (${afterAt}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY n.created_at DESC, n.id DESC
      LIMIT ${limit}`;
    const ofMessages = rows.filter((row) => row.messageId !== null && row.conversationId !== null);
    if (ofMessages.length === 0) return rows;
    const keys = Prisma.join(
      ofMessages.map((row) => Prisma.sql`(${row.conversationId}::uuid, ${row.messageId}::uuid)`),
    );
    const current = await this.prisma.$queryRaw<{ id: string; preview: string | null }[]>`
      SELECT m.id, CASE WHEN m.deleted_at IS NULL THEN left(m.body, ${PREVIEW_LENGTH}::int) END AS preview
      FROM messages m WHERE (m.conversation_id, m.id) IN (${keys})`;
    const previews = new Map(current.map((message) => [message.id, message.preview]));
    return rows.map((row) => (row.messageId === null ? row : { ...row, preview: previews.get(row.messageId) ?? null }));
  }

  unreadCount(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  /** Marks the user's own notifications among `ids` read; others' ids are ignored. */
  async markRead(userId: string, ids?: string[]): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { userId, readAt: null, ...(ids && { id: { in: ids } }) },
      data: { readAt: new Date() },
    });
  }

  /** Who follows the thread: those a reply in it may notify. */
  async threadFollowers(conversationId: string, rootId: string): Promise<Set<string>> {
    const rows = await this.prisma.threadSubscription.findMany({
      where: { conversationId, rootId, following: true },
      select: { userId: true },
    });
    return new Set(rows.map((row) => row.userId));
  }

  /** Those of `userIds` who have not blocked `authorId`: whom an `@all` of theirs mentions. */
  async notBlocking(authorId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const blockers = await this.prisma.block.findMany({
      where: { blockedId: authorId, blockerId: { in: userIds } },
      select: { blockerId: true },
    });
    const blocked = new Set(blockers.map((block) => block.blockerId));
    return userIds.filter((userId) => !blocked.has(userId));
  }
}
