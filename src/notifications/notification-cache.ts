import { Injectable } from '@nestjs/common';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';

export class NotificationCacheSettings extends configSlice('CONVERSATION_LIST_CACHE_TTL_SECONDS') {}

/** The cached unread notification counts, and what makes them stale. */
@Injectable()
export class NotificationCache {
  private readonly countTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    settings: NotificationCacheSettings,
  ) {
    this.countTtlSeconds = settings.CONVERSATION_LIST_CACHE_TTL_SECONDS;
  }

  unread(userId: string, load: () => Promise<{ count: number }>) {
    return this.cache.getOrLoad(
      'notification-unread',
      RedisKeys.notificationUnread(userId),
      this.countTtlSeconds,
      load,
    );
  }

  /** New notifications for these users. */
  notificationsStored(userIds: string[]): Promise<void> {
    return this.forgetCounts(userIds);
  }

  /** The user marked some or all of theirs read. */
  notificationsRead(userId: string): Promise<void> {
    return this.forgetCounts([userId]);
  }

  private forgetCounts(userIds: string[]): Promise<void> {
    return this.cache.invalidate(...[...new Set(userIds)].map((id) => RedisKeys.notificationUnread(id)));
  }
}
