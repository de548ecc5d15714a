import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/app-error.js';
import { decodeCursor, encodeCursor, type Page } from '#src/common/pagination/pagination.js';
import { BlocksService } from '#src/users/blocks.service.js';
import { UsersService, userNotFound } from '#src/users/users.service.js';
import { isUniqueViolation } from '#src/infra/prisma/prisma-errors.js';
import { blocked, ConversationAccess, conversationNotFound } from './conversation-access.service.js';
import { ConversationCache } from './conversation-cache.js';
import { directKeyOf } from './conversation-meta.js';
import type { ConversationView } from './conversation.presenter.js';
import { ConversationViews } from './conversation-views.js';
import { ConversationsRepository, type ListPosition } from './conversations.repository.js';
import type { ConversationCreateDto } from './dto/conversation-create.dto.js';
import type { ConversationUpdateDto } from './dto/conversation-update.dto.js';
import { MembersRepository } from './members.repository.js';

/** The cached head of a user's list: the most pages a client can ask for without a cursor, plus one. */
const LIST_HEAD = 100;

const isListPosition = (value: unknown): value is ListPosition =>
  typeof (value as ListPosition | null)?.lastActivityAt === 'string' &&
  !Number.isNaN(Date.parse((value as ListPosition).lastActivityAt)) &&
  typeof (value as ListPosition).id === 'string' &&
  /^[0-9a-f-]{36}$/i.test((value as ListPosition).id);

function pageOf(views: ConversationView[], limit: number): Page<ConversationView> {
  const items = views.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: views.length > limit ? encodeCursor({ lastActivityAt: last.lastActivityAt, id: last.id }) : null,
  };
}

@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly members: MembersRepository,
    private readonly views: ConversationViews,
    private readonly access: ConversationAccess,
    private readonly cache: ConversationCache,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
  ) {}

  /** The caller's conversations, most recent first. The first page (any limit) comes from the per-user cache. */
  async list(userId: string, limit: number, cursor?: string): Promise<{ value: Page<ConversationView>; hit: boolean }> {
    const after = decodeCursor(cursor, isListPosition);
    if (after) return { value: pageOf(await this.views.list(userId, limit + 1, after), limit), hit: false };
    const { value: head, hit } = await this.cache.list(userId, () => this.views.list(userId, LIST_HEAD + 1));
    return { value: pageOf(head, limit), hit };
  }

  async detail(userId: string, conversationId: string): Promise<ConversationView> {
    await this.access.requireMember(userId, conversationId);
    const view = await this.views.detail(userId, conversationId);
    if (!view) throw conversationNotFound();
    return view;
  }

  /**
   * The one direct conversation of the pair, created if needed (`created` tells which). Opened to
   * someone who shares no conversation with the caller, it is a message request for them.
   */
  async openDirect(callerId: string, otherId: string): Promise<{ conversation: ConversationView; created: boolean }> {
    if (otherId === callerId) throw invalidField('userId', 'a direct conversation needs another user');
    if (!(await this.users.activeIds([otherId])).has(otherId)) throw userNotFound();
    if (await this.blocks.blockedEitherWay(callerId, otherId)) throw blocked();
    const directKey = directKeyOf(callerId, otherId);
    let id = await this.conversations.findDirectId(directKey);
    let created = false;
    if (id === null) {
      const status = (await this.conversations.shareAConversation(callerId, otherId)) ? 'accepted' : 'pending';
      try {
        id = await this.conversations.createDirect(directKey, callerId, otherId, status);
        created = true;
      } catch (error) {
        // The other user opened it at the same moment: theirs is the pair's conversation.
        if (!isUniqueViolation(error)) throw error;
        id = await this.conversations.findDirectId(directKey);
        if (id === null) throw error;
      }
    }
    if (!created) {
      await this.members.reopen(id, callerId);
      await this.cache.forgetMeta(id);
    }
    await this.cache.forgetLists([callerId, otherId]);
    return { conversation: await this.detail(callerId, id), created };
  }

  async createGroup(ownerId: string, title: string, memberIds: string[]): Promise<ConversationView> {
    const others = memberIds.filter((id) => id !== ownerId);
    if (others.length === 0) throw invalidField('memberIds', 'a group needs at least one other member');
    const known = await this.users.activeIds(others);
    const unknown = others.filter((id) => !known.has(id));
    if (unknown.length > 0) throw invalidField('memberIds', `no user with id ${unknown.slice(0, 5).join(', ')}`);
    if ((await this.blocks.blockersAmong(ownerId, others)).length > 0) throw blocked();
    const id = await this.conversations.createGroup(title.trim(), ownerId, others);
    await this.cache.forgetLists([ownerId, ...others]);
    return this.detail(ownerId, id);
  }

  create(callerId: string, dto: ConversationCreateDto) {
    if (dto.type === 'direct') return this.openDirect(callerId, dto.userId!);
    return this.createGroup(callerId, dto.title!, dto.memberIds!).then((conversation) => ({
      conversation,
      created: true,
    }));
  }

  /** A new title (group owner/admin) and/or the caller's own mute setting. */
  async update(userId: string, conversationId: string, changes: ConversationUpdateDto): Promise<ConversationView> {
    if (changes.title === undefined && changes.muted === undefined) {
      throw invalidField('body', 'give title and/or muted');
    }
    const { conversation } =
      changes.title === undefined
        ? await this.access.requireMember(userId, conversationId)
        : await this.access.requireManager(userId, conversationId);
    if (changes.title !== undefined) await this.conversations.updateTitle(conversationId, changes.title.trim());
    if (changes.muted !== undefined) await this.members.setMuted(conversationId, userId, changes.muted);
    await this.cache.forgetMeta(conversationId);
    const affected = changes.title === undefined ? [userId] : conversation.members.map((member) => member.userId);
    await this.cache.forgetLists(affected);
    return this.detail(userId, conversationId);
  }

  /** "Delete for me": out of the caller's list until a new message arrives; older messages stay hidden from them. */
  async hide(userId: string, conversationId: string): Promise<void> {
    await this.access.requireMember(userId, conversationId);
    await this.members.hide(conversationId, userId);
    await this.cache.forgetMeta(conversationId);
    await this.cache.forgetLists([userId]);
  }
}
