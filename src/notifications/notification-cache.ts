import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';

/** The cached unread notification counts, and what makes them stale. */
@Injectable()
export class NotificationCache {
  private readonly countTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.countTtlSeconds = config.get('CONVERSATION_LIST_CACHE_TTL_SECONDS', { infer: true });
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
