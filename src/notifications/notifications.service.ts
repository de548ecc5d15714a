import { Injectable } from '@nestjs/common';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import type { NotificationListDto } from './dto/notification-list.dto.js';
import { NotificationCache } from './notification-cache.js';
import { toNotificationView, type NotificationView } from './notification.presenter.js';
import { NotificationsRepository, type NotificationPosition } from './notifications.repository.js';

const isPosition = (value: unknown): value is NotificationPosition =>
  isCursorTime((value as NotificationPosition | null)?.createdAt) && isCursorId((value as NotificationPosition).id);

/** A user's own notifications: listed, counted (cached) and marked read. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly cache: NotificationCache,
  ) {}

  async list(userId: string, query: NotificationListDto): Promise<Page<NotificationView>> {
    const after = decodeCursor(query.cursor, isPosition);
    const rows = await this.notifications.list(userId, query.unreadOnly, query.limit + 1, after);
    return toPage(rows, query.limit, toNotificationView, (row) => ({
      createdAt: row.createdAt.toISOString(),
      id: row.id,
    }));
  }

  unreadCount(userId: string): Promise<{ value: { count: number }; hit: boolean }> {
    return this.cache.unread(userId, async () => ({ count: await this.notifications.unreadCount(userId) }));
  }

  async markRead(userId: string, ids?: string[]): Promise<void> {
    await this.notifications.markRead(userId, ids);
    await this.cache.notificationsRead(userId);
  }
}
