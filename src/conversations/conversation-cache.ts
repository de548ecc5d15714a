import { Injectable } from '@nestjs/common';
import type { PrefetchedEntry } from '#src/infra/cache/cache-prefetch.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { ProfileWatchers } from '#src/users/profile-watchers.js';
import type { ConversationMeta } from './conversation-meta.js';
import { MembersRepository } from './members.repository.js';
import { PackedList, type RenderedList } from './packed-list.js';

/** The list's name in the cache metrics. */
export const LIST_CACHE = 'conversation-list';

export class ConversationCacheSettings extends configSlice(
  'CONVERSATION_LIST_CACHE_TTL_SECONDS',
  'CONVERSATION_CACHE_TTL_SECONDS',
) {}

/**
 * The cached views of conversations, and what each kind of write makes stale. Services say what
 * happened, once per write; the keys are decided here and nowhere else.
 */
@Injectable()
export class ConversationCache {
  private readonly listTtlSeconds: number;
  private readonly metaTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    private readonly members: MembersRepository,
    profiles: ProfileWatchers,
    settings: ConversationCacheSettings,
  ) {
    this.listTtlSeconds = settings.CONVERSATION_LIST_CACHE_TTL_SECONDS;
    this.metaTtlSeconds = settings.CONVERSATION_CACHE_TTL_SECONDS;
    profiles.add((userId) => this.profileChanged(userId));
  }

  /** The key of a user's cached list (its first page and more). */
  static listKey(userId: string): string {
    return RedisKeys.conversationList(userId);
  }

  /** A user's list head: as loaded on a miss, read in place from its bytes on a hit. */
  list(
    userId: string,
    load: () => Promise<RenderedList>,
    prefetched?: PrefetchedEntry,
  ): Promise<{ value: PackedList | RenderedList; hit: boolean }> {
    return this.cache.getOrLoad<PackedList | RenderedList>(
      LIST_CACHE,
      ConversationCache.listKey(userId),
      this.listTtlSeconds,
      load,
      { prefetched, decode: (bytes) => PackedList.decode(bytes) },
    );
  }

  /** Loads a user's list head ahead of their first read, the way `list` would on a miss. */
  warmList(userId: string, load: () => Promise<RenderedList>): Promise<boolean> {
    return this.cache.warm<PackedList | RenderedList>(
      LIST_CACHE,
      ConversationCache.listKey(userId),
      this.listTtlSeconds,
      load,
      { decode: (bytes) => PackedList.decode(bytes) },
    );
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

  /** A new conversation: it enters its members' lists (nothing has cached its metadata yet). */
  conversationCreated(memberIds: string[]): Promise<void> {
    return this.forget({ listsOf: memberIds });
  }

  /** Its title, slow mode or freeze changed: every member's checks and list show it. */
  conversationChanged(conversationId: string, memberIds: string[]): Promise<void> {
    return this.forget({ metaOf: conversationId, listsOf: memberIds });
  }

  /** Members joined, left, or changed role or status (a request accepted, declined, reopened). */
  membershipChanged(conversationId: string, userIds: string[]): Promise<void> {
    return this.forget({ metaOf: conversationId, listsOf: userIds });
  }

  /**
   * A member was muted or unmuted by a moderator: every instance's write checks read it from the
   * metadata, and every member's list shows it with the member.
   */
  memberModerated(conversationId: string, memberIds: string[]): Promise<void> {
    return this.forget({ metaOf: conversationId, listsOf: memberIds });
  }

  /** One member's own setting (muted, hidden): only their list shows it. */
  memberSettingChanged(conversationId: string, userId: string): Promise<void> {
    return this.forget({ metaOf: conversationId, listsOf: [userId] });
  }

  /** A new message: every member's list moves it up, with new unread counts. */
  messageStored(memberIds: string[]): Promise<void> {
    return this.forget({ listsOf: memberIds });
  }

  /** A message was edited, deleted or reacted to: lists show only the last message. */
  async messageChanged(memberIds: string[], change: { isLast: boolean }): Promise<void> {
    if (change.isLast) await this.forget({ listsOf: memberIds });
  }

  /** A timeline message that mentioned these members was deleted: their unread mention counts, wherever it was. */
  mentionDeleted(userIds: string[]): Promise<void> {
    return this.forget({ listsOf: userIds });
  }

  /** The user's read mark moved: their unread counts. */
  readMarkMoved(userId: string): Promise<void> {
    return this.forget({ listsOf: [userId] });
  }

  /** Lists embed members' names and avatars: the lists of everyone who shares a conversation with the user. */
  async profileChanged(userId: string): Promise<void> {
    await this.forget({ listsOf: await this.members.coMemberIds(userId) });
  }

  private forget(what: { metaOf?: string; listsOf: Iterable<string> }): Promise<void> {
    const keys = [...new Set(what.listsOf)].flatMap((id) => [
      RedisKeys.conversationList(id),
      RedisKeys.conversationUnread(id),
    ]);
    if (what.metaOf) keys.unshift(RedisKeys.conversationMeta(what.metaOf));
    return this.cache.invalidate(...keys);
  }
}
