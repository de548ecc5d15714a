import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import type { JsonText } from '#src/common/pagination/json-text.js';
import { decodeCursor, encodeCursor, isCursorId, isCursorTime } from '#src/common/pagination/pagination.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import type { PrefetchedEntry } from '#src/infra/cache/cache-prefetch.js';
import type { WarmTarget } from '#src/infra/cache/warm-target.js';
import { ConversationAccess } from './conversation-access.service.js';
import { conversationNotFound } from './conversations.errors.js';
import { ConversationCache, LIST_CACHE } from './conversation-cache.js';
import { toSummary, type ConversationView } from './conversation.presenter.js';
import { ConversationViews } from './conversation-views.js';
import { ConversationsRepository, type GroupChanges, type ListPosition } from './conversations.repository.js';
import type { ConversationUpdateDto } from './dto/conversation-update.dto.js';
import { MembersRepository } from './members.repository.js';
import { pageOf, pageOfHead, type RenderedList } from './packed-list.js';

/** The cached head of a user's list: the most pages a client can ask for without a cursor, plus one. */
const LIST_HEAD = 100;

/** The group-wide changes of a PATCH, without the fields it leaves out. */
const groupChangesOf = ({ title, slowModeSeconds, frozen }: ConversationUpdateDto): GroupChanges => ({
  ...(title !== undefined ? { title: title.trim() } : {}),
  ...(slowModeSeconds !== undefined ? { slowModeSeconds } : {}),
  ...(frozen !== undefined ? { frozen } : {}),
});

const isListPosition = (value: unknown): value is ListPosition =>
  isCursorTime((value as ListPosition | null)?.lastActivityAt) && isCursorId((value as ListPosition).id);

const render = (views: ConversationView[]): RenderedList => ({
  items: views.map((view) => JSON.stringify(view)),
  cursors: views.map((view) => encodeCursor({ lastActivityAt: view.lastActivityAt, id: view.id })),
});

@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly members: MembersRepository,
    private readonly views: ConversationViews,
    private readonly access: ConversationAccess,
    private readonly cache: ConversationCache,
    private readonly events: ChatEvents,
  ) {}

  /**
   * The caller's conversations, most recent first. The first page (any limit) comes from the
   * per-user cache; `prefetched` is this request's read of it, if one was made ahead.
   */
  async list(
    userId: string,
    limit: number,
    cursor?: string,
    prefetched?: PrefetchedEntry,
  ): Promise<{ value: JsonText; hit: boolean }> {
    const after = decodeCursor(cursor, isListPosition);
    if (after) return { value: pageOf(render(await this.views.list(userId, limit + 1, after)), limit), hit: false };
    const { value: head, hit } = await this.cache.list(userId, () => this.loadHead(userId), prefetched);
    return { value: pageOfHead(head, limit), hit };
  }

  /** The user's cached list head, to load before they ask for it (they just connected). */
  listWarming(userId: string): WarmTarget {
    return {
      cache: LIST_CACHE,
      key: ConversationCache.listKey(userId),
      warm: () => this.cache.warmList(userId, () => this.loadHead(userId)),
    };
  }

  private async loadHead(userId: string): Promise<RenderedList> {
    return render(await this.views.list(userId, LIST_HEAD + 1));
  }

  async detail(userId: string, conversationId: string): Promise<ConversationView> {
    await this.access.requireMember(userId, conversationId);
    const view = await this.views.detail(userId, conversationId);
    if (!view) throw conversationNotFound();
    return view;
  }

  /**
   * A new title, slow mode or freeze (group owner/admin) and/or the caller's own notification
   * setting. A group change reaches every member's cached metadata, so every instance enforces it
   * from its answer on.
   */
  async update(userId: string, conversationId: string, changes: ConversationUpdateDto): Promise<ConversationView> {
    const group = groupChangesOf(changes);
    const managing = Object.keys(group).length > 0;
    if (!managing && changes.muted === undefined) {
      throw invalidField('body', 'give title, slowModeSeconds, frozen and/or muted');
    }
    const { conversation } = managing
      ? await this.access.requireManager(userId, conversationId)
      : await this.access.requireMember(userId, conversationId);
    if (managing) await this.conversations.updateGroup(conversationId, group);
    if (changes.muted !== undefined) await this.members.setMuted(conversationId, userId, changes.muted);
    const memberIds = conversation.members.map((member) => member.userId);
    if (managing) await this.cache.conversationChanged(conversationId, memberIds);
    else await this.cache.memberSettingChanged(conversationId, userId);
    const view = await this.detail(userId, conversationId);
    if (managing) this.events.publish('conversation.updated', { conversation: toSummary(view), memberIds });
    return view;
  }

  /** "Delete for me": out of the caller's list until a new message arrives; older messages stay hidden from them. */
  async hide(userId: string, conversationId: string): Promise<void> {
    await this.access.requireMember(userId, conversationId);
    await this.members.hide(conversationId, userId);
    await this.cache.memberSettingChanged(conversationId, userId);
  }
}
