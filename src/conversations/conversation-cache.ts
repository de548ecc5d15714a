import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import type { ConversationMeta } from './conversation-meta.js';

/** The cached views of conversations: who reads them, and which writes make them stale. */
@Injectable()
export class ConversationCache {
  private readonly listTtlSeconds: number;
  private readonly metaTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.listTtlSeconds = config.get('CONVERSATION_LIST_CACHE_TTL_SECONDS', { infer: true });
    this.metaTtlSeconds = config.get('CONVERSATION_CACHE_TTL_SECONDS', { infer: true });
  }

  list<T>(userId: string, load: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    return this.cache.getOrLoad('conversation-list', RedisKeys.conversationList(userId), this.listTtlSeconds, load);
  }

  unread<T>(userId: string, load: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    return this.cache.getOrLoad('conversation-unread', RedisKeys.conversationUnread(userId), this.listTtlSeconds, load);
  }

  meta(conversationId: string, load: () => Promise<ConversationMeta | null>) {
    return this.cache.getOrLoad(
      'conversation-meta',
      RedisKeys.conversationMeta(conversationId),
      this.metaTtlSeconds,
      load,
    );
  }

  /** After a change to what these users see in their lists (a message, a read mark, a member change). */
  forgetLists(userIds: Iterable<string>): Promise<void> {
    const keys = [...userIds].flatMap((id) => [RedisKeys.conversationList(id), RedisKeys.conversationUnread(id)]);
    return this.cache.invalidate(...keys);
  }

  /** After a change to members, roles, statuses, titles or a member's own settings. */
  forgetMeta(conversationId: string): Promise<void> {
    return this.cache.invalidate(RedisKeys.conversationMeta(conversationId));
  }
}
