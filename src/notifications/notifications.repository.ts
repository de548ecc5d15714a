import { Injectable } from '@nestjs/common';
import type { Notification, NotificationKind } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  conversationId: string;
  messageId?: string;
  actorId: string;
  preview?: string;
}

/** Where a page of a user's notifications starts: after this (created time, id). */
export interface NotificationPosition {
  createdAt: string;
  id: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores them (one per user, message and kind: a repeat is skipped) and returns those stored. */
  create(rows: NewNotification[]): Promise<Notification[]> {
    return this.prisma.notification.createManyAndReturn({ data: rows, skipDuplicates: true });
  }

  /** Newest first, after `after`. */
  list(userId: string, unreadOnly: boolean, limit: number, after?: NotificationPosition): Promise<Notification[]> {
    return this.prisma.notification.findMany({
      where: {
        userId,
        ...(unreadOnly && { readAt: null }),
        ...(after && {
          OR: [
            { createdAt: { lt: new Date(after.createdAt) } },
            { createdAt: new Date(after.createdAt), id: { lt: after.id } },
          ],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
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

  /** The members of a conversation among these usernames (lower-case). */
  async membersNamed(conversationId: string, usernames: string[]): Promise<string[]> {
    if (usernames.length === 0) return [];
    const rows = await this.prisma.conversationMember.findMany({
      where: { conversationId, user: { username: { in: usernames }, deletedAt: null } },
      select: { userId: true },
    });
    return rows.map((row) => row.userId);
  }
}
