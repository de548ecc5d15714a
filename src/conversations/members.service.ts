import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { BlocksService } from '#src/users/blocks.service.js';
import { userNotFound } from '#src/users/users.errors.js';
import { UsersService } from '#src/users/users.service.js';
import { ConversationAccess, requireGroup } from './conversation-access.service.js';
import { ConversationCache } from './conversation-cache.js';
import { isManager, memberOf, type ConversationMeta } from './conversation-meta.js';
import type { ConversationView } from './conversation.presenter.js';
import type { Prisma } from '#src/generated/prisma/client.js';
import { outranks } from './moderation-rules.js';
import {
  banned,
  blocked,
  conversationNotFound,
  groupFull,
  memberNotFound,
  notARequest,
  notGroupAdmin,
  notGroupOwner,
  ownerRoleFixed,
} from './conversations.errors.js';
import { ConversationsService } from './conversations.service.js';
import { GROUP_MAX_MEMBERS } from './dto/conversation-create.dto.js';
import { MembersRepository } from './members.repository.js';

const memberIds = (conversation: ConversationMeta) => conversation.members.map((member) => member.userId);

/** Who is in a group and with which role, and the answers to message requests. */
@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly access: ConversationAccess,
    private readonly cache: ConversationCache,
    private readonly conversations: ConversationsService,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    private readonly events: ChatEvents,
  ) {}

  /** Adds users to a group (owner/admin); those already in it are left as they are. */
  async add(callerId: string, conversationId: string, userIds: string[]): Promise<ConversationView> {
    const { conversation } = await this.access.requireManager(callerId, conversationId);
    const known = await this.users.activeIds(userIds);
    const unknown = userIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw userNotFound([{ field: 'userIds', message: `no user with id ${unknown.slice(0, 5).join(', ')}` }]);
    }
    const newcomers = userIds.filter((id) => !memberOf(conversation, id));
    if (await this.blocks.blockedWithin(newcomers, memberIds(conversation))) throw blocked();
    const result = await this.members.add(conversationId, userIds, GROUP_MAX_MEMBERS, callerId);
    if (!result) throw conversationNotFound();
    const { added, full } = result;
    if (result.banned.length > 0) throw banned(result.banned);
    if (full) {
      throw groupFull(GROUP_MAX_MEMBERS);
    }
    if (added.length > 0) {
      const everyone = [...memberIds(conversation), ...added];
      await this.cache.membershipChanged(conversationId, everyone);
      this.events.publish('member.added', { conversationId, userIds: added, memberIds: everyone, actorId: callerId });
    }
    return this.conversations.detail(callerId, conversationId);
  }

  /** Leaves (the caller themself) or removes a member (owner, or admin removing a plain member). */
  async remove(callerId: string, conversationId: string, userId: string): Promise<void> {
    const { conversation, member: caller } = await this.access.requireMember(callerId, conversationId);
    requireGroup(conversation);
    if (userId !== callerId) {
      const target = memberOf(conversation, userId);
      if (!isManager(caller)) throw notGroupAdmin('Only the owner or an admin can remove members');
      if (!target) throw memberNotFound();
      if (!outranks(caller, target)) throw notGroupAdmin('Only the owner can remove an admin, and nobody the owner');
    }
    await this.removeWith(conversation, userId);
  }

  /**
   * The one way a member leaves a group, whoever decided it (leaving, a removal, a ban): `alongside`
   * commits in the removal's transaction even when the user was no member. Once it committed the
   * metadata every instance authorizes against is dropped, and everyone who was in the group hears
   * `member.removed`, the removed member too. Answers whether a member was removed.
   */
  async removeWith(
    conversation: ConversationMeta,
    userId: string,
    alongside?: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<boolean> {
    const removed = await this.members.remove(conversation.id, userId, alongside);
    if (removed) {
      await this.cache.membershipChanged(conversation.id, memberIds(conversation));
      this.events.publish('member.removed', {
        conversationId: conversation.id,
        userId,
        memberIds: memberIds(conversation),
      });
    }
    return removed;
  }

  /** The owner makes a member an admin, or an admin a plain member again. */
  async setRole(callerId: string, conversationId: string, userId: string, role: 'admin' | 'member') {
    const { conversation, member: caller } = await this.access.requireMember(callerId, conversationId);
    requireGroup(conversation);
    if (caller.role !== 'owner') throw notGroupOwner();
    const target = memberOf(conversation, userId);
    if (!target) throw memberNotFound();
    if (target.role === 'owner') throw ownerRoleFixed();
    await this.members.setRole(conversationId, userId, role);
    await this.cache.membershipChanged(conversationId, memberIds(conversation));
    return this.conversations.detail(callerId, conversationId);
  }

  /** Accepts a message request (no change when already accepted). */
  async accept(callerId: string, conversationId: string): Promise<ConversationView> {
    const { conversation, member } = await this.access.requireMember(callerId, conversationId);
    if (member.status !== 'accepted') {
      await this.members.setStatus(conversationId, callerId, 'accepted');
      await this.cache.membershipChanged(conversationId, memberIds(conversation));
    }
    return this.conversations.detail(callerId, conversationId);
  }

  /** Declines a message request: it leaves the caller's list and the sender can no longer write. */
  async decline(callerId: string, conversationId: string): Promise<void> {
    const { conversation, member } = await this.access.requireMember(callerId, conversationId);
    if (member.status === 'accepted') {
      throw notARequest();
    }
    if (member.status === 'pending') {
      await this.members.setStatus(conversationId, callerId, 'declined');
      await this.cache.membershipChanged(conversationId, memberIds(conversation));
    }
  }
}
