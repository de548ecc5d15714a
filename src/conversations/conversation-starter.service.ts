import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { isUniqueViolation } from '#src/infra/prisma/prisma-errors.js';
import { BlocksService } from '#src/users/blocks.service.js';
import { userNotFound } from '#src/users/users.errors.js';
import { UsersService } from '#src/users/users.service.js';
import { blocked } from './conversations.errors.js';
import { ConversationCache } from './conversation-cache.js';
import { directKeyOf } from './conversation-meta.js';
import { toSummary, type ConversationView } from './conversation.presenter.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import type { ConversationCreateDto } from './dto/conversation-create.dto.js';
import { MembersRepository } from './members.repository.js';

/** Starts conversations: the one direct conversation of a pair, and groups. */
@Injectable()
export class ConversationStarter {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly members: MembersRepository,
    private readonly cache: ConversationCache,
    private readonly reader: ConversationsService,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    private readonly events: ChatEvents,
  ) {}

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
    let request = false;
    if (id === null) {
      const status = (await this.conversations.shareAConversation(callerId, otherId)) ? 'accepted' : 'pending';
      try {
        id = await this.conversations.createDirect(directKey, callerId, otherId, status);
        created = true;
        request = status === 'pending';
      } catch (error) {
        // The other user opened it at the same moment: theirs is the pair's conversation.
        if (!isUniqueViolation(error)) throw error;
        id = await this.conversations.findDirectId(directKey);
        if (id === null) throw error;
      }
    }
    if (created) {
      await this.cache.conversationCreated([callerId, otherId]);
    } else {
      await this.members.reopen(id, callerId);
      await this.cache.membershipChanged(id, [callerId, otherId]);
    }
    const conversation = await this.reader.detail(callerId, id);
    if (created) {
      this.events.publish('conversation.created', {
        conversation: toSummary(conversation),
        memberIds: [callerId, otherId],
      });
    }
    if (request)
      this.events.publish('request.created', { conversationId: id, senderId: callerId, recipientId: otherId });
    return { conversation, created };
  }

  async createGroup(ownerId: string, title: string, memberIds: string[]): Promise<ConversationView> {
    const others = memberIds.filter((id) => id !== ownerId);
    if (others.length === 0) throw invalidField('memberIds', 'a group needs at least one other member');
    const known = await this.users.activeIds(others);
    const unknown = others.filter((id) => !known.has(id));
    if (unknown.length > 0) throw invalidField('memberIds', `no user with id ${unknown.slice(0, 5).join(', ')}`);
    if (await this.blocks.blockedWithin([ownerId, ...others], [])) throw blocked();
    const id = await this.conversations.createGroup(title.trim(), ownerId, others);
    await this.cache.conversationCreated([ownerId, ...others]);
    const conversation = await this.reader.detail(ownerId, id);
    this.events.publish('conversation.created', {
      conversation: toSummary(conversation),
      memberIds: [ownerId, ...others],
    });
    return conversation;
  }

  create(callerId: string, dto: ConversationCreateDto) {
    if (dto.type === 'direct') return this.openDirect(callerId, dto.userId!);
    return this.createGroup(callerId, dto.title!, dto.memberIds!).then((conversation) => ({
      conversation,
      created: true,
    }));
  }
}
