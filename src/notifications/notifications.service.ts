import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import type { NotificationListDto } from './dto/notification-list.dto.js';
import { toNotificationView, type NotificationView } from './notification.presenter.js';
import { NotificationsRepository, type NotificationPosition } from './notifications.repository.js';

const isPosition = (value: unknown): value is NotificationPosition =>
  isCursorTime((value as NotificationPosition | null)?.createdAt) && isCursorId((value as NotificationPosition).id);

/** A user's own notifications: listed, counted (cached) and marked read. */
@Injectable()
export class NotificationsService {
  private readonly countTtlSeconds: number;

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly cache: CacheService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.countTtlSeconds = config.get('CONVERSATION_LIST_CACHE_TTL_SECONDS', { infer: true });
  }

  async list(userId: string, query: NotificationListDto): Promise<Page<NotificationView>> {
    const after = decodeCursor(query.cursor, isPosition);
    const rows = await this.notifications.list(userId, query.unreadOnly, query.limit + 1, after);
    return toPage(rows, query.limit, toNotificationView, (row) => ({
      createdAt: row.createdAt.toISOString(),
      id: row.id,
    }));
  }

  unreadCount(userId: string): Promise<{ value: { count: number }; hit: boolean }> {
    return this.cache.getOrLoad(
      'notification-unread',
      RedisKeys.notificationUnread(userId),
      this.countTtlSeconds,
      async () => ({
        count: await this.notifications.unreadCount(userId),
      }),
    );
  }

  async markRead(userId: string, ids?: string[]): Promise<void> {
    await this.notifications.markRead(userId, ids);
    await this.forgetCounts([userId]);
  }

  forgetCounts(userIds: string[]): Promise<void> {
    return this.cache.invalidate(...[...new Set(userIds)].map((id) => RedisKeys.notificationUnread(id)));
  }
}
