import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { ConversationCache } from '#src/conversations/conversation-cache.js';
import { isManager, type ConversationMeta } from '#src/conversations/conversation-meta.js';
import { toMessageView, type MessageView, type ReactionsView } from '#src/conversations/message.presenter.js';
import { LatestMessagesCache } from './latest-messages.cache.js';
import type { MessageChange } from './message-record.js';
import { messageDeleted, messageNotFound, notMessageAuthor, reactionLimit } from './messages.errors.js';
import { MessagesRepository, type WithDeletion } from './messages.repository.js';
import { MessagesService } from './messages.service.js';

/** Distinct reactions one message can carry (docs/api.md); more people may add any of them. */
const MAX_DISTINCT_REACTIONS = 50;

/** Edits, deletions and reactions: each updates the Redis window, and the lists when it is the last message or a deleted mention. */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reader: MessagesService,
    private readonly access: ConversationAccess,
    private readonly latest: LatestMessagesCache,
    private readonly conversations: ConversationCache,
    private readonly events: ChatEvents,
  ) {}

  /** New body; the author only. */
  async edit(userId: string, conversationId: string, messageId: string, body: string): Promise<MessageView> {
    const { membership, record } = await this.reader.findVisible(userId, conversationId, messageId);
    if (record.senderId !== userId) throw notMessageAuthor('Only the author can edit a message');
    // An edit shows in the other members' view as much as a new message does: a mute, a freeze or a block stops it.
    this.access.assertUnrestricted(membership);
    await this.access.assertNotBlocked(userId, membership.conversation);
    if (record.deletedAt) throw messageDeleted();
    const change = await this.latest.change(
      conversationId,
      () => this.messages.edit(conversationId, messageId, body),
      (result) => result?.message,
    );
    if (!change) throw messageDeleted();
    const memberIds = await this.changed(membership.conversation, change);
    const message = toMessageView(change.message);
    this.events.publish('message.updated', { conversationId, message, memberIds });
    return message;
  }

  /** Leaves a tombstone (seq stays taken); the author, or a group owner/admin. Deleting twice is fine. */
  async delete(userId: string, conversationId: string, messageId: string): Promise<void> {
    const { membership, record } = await this.reader.findVisible(userId, conversationId, messageId);
    const moderator = membership.conversation.type === 'group' && isManager(membership.member);
    if (record.senderId !== userId && !moderator) {
      throw notMessageAuthor('Only the author or a group admin can delete a message');
    }
    if (record.deletedAt) return;
    await this.tombstone(membership.conversation, messageId);
  }

  /**
   * Tombstones any message, for a system admin, with all that a member's delete does. `alongside`
   * runs in the deletion's transaction (`deleted`: by this call, not before), for what must commit
   * with it: should it throw, nothing is deleted. False when the message was already deleted.
   */
  async deleteAny(conversationId: string, messageId: string, alongside: WithDeletion): Promise<boolean> {
    const conversation = await this.access.find(conversationId);
    if (!conversation) throw messageNotFound();
    return this.tombstone(conversation, messageId, alongside);
  }

  /** The deletion itself, once allowed: the window, the lists, mention counts, the pin, and the members told. */
  private async tombstone(
    conversation: ConversationMeta,
    messageId: string,
    alongside?: WithDeletion,
  ): Promise<boolean> {
    const conversationId = conversation.id;
    const change = await this.latest.change(
      conversationId,
      () => this.messages.tombstone(conversationId, messageId, alongside),
      (result) => result?.message,
    );
    if (!change) return false;
    const memberIds = await this.changed(conversation, change);
    const { threadRootId, mentionAll, mentionUserIds } = change.message;
    // Unread mention counts leave deleted messages out (replies are not counted there).
    if (threadRootId === null && (mentionAll || (mentionUserIds?.length ?? 0) > 0)) {
      await this.conversations.mentionDeleted(mentionAll ? memberIds : (mentionUserIds ?? []));
    }
    this.events.publish('message.deleted', { conversationId, messageId, seq: change.message.seq, memberIds });
    if (change.unpinned) this.events.publish('pins.updated', { conversationId, memberIds });
    return true;
  }

  /** Adds (`present`) or removes the caller's reaction; doing either twice changes nothing. */
  async react(
    userId: string,
    conversationId: string,
    messageId: string,
    emoji: string,
    present: boolean,
  ): Promise<ReactionsView> {
    const { membership, record } = await this.reader.findVisible(userId, conversationId, messageId);
    if (present) await this.access.assertWriter(userId, membership);
    if (record.deletedAt) throw messageDeleted();
    const result = await this.latest.change(
      conversationId,
      () => this.messages.setReaction(conversationId, messageId, userId, emoji, present, MAX_DISTINCT_REACTIONS),
      (outcome) => (outcome && outcome !== 'full' && outcome.changed ? outcome.message : null),
    );
    if (!result) throw messageDeleted();
    if (result === 'full') {
      throw reactionLimit(MAX_DISTINCT_REACTIONS);
    }
    const view = { conversationId, messageId, reactions: toMessageView(result.message).reactions };
    if (result.changed) {
      const memberIds = await this.changed(membership.conversation, result);
      this.events.publish('reaction.updated', { ...view, memberIds });
    }
    return view;
  }

  /** Updates the lists a change affects (the window was updated with the change); returns who must hear of it. */
  private async changed(conversation: ConversationMeta, change: MessageChange): Promise<string[]> {
    const memberIds = conversation.members.map((member) => member.userId);
    await this.conversations.messageChanged(memberIds, change);
    return memberIds;
  }
}
