import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { ConversationCache } from '#src/conversations/conversation-cache.js';
import { UploadRemoval } from '#src/uploads/upload-removal.service.js';
import { LatestMessagesCache } from './latest-messages.cache.js';
import {
  MessageErasureRepository,
  type ErasedInConversation,
  type MessageRef,
  type SenderPosition,
} from './message-erasure.repository.js';

export interface ErasureOptions {
  /**
   * Tell members with a `message.deleted` for each message (an erased account's messages may be on
   * their screens). Without it they learn through `sync`, where each tombstone shows as a change.
   */
  announce: boolean;
}

/** Members whose unread mention counts an erased timeline message was part of. */
export function mentionedIn(messages: ErasedInConversation['messages'], memberIds: string[]): string[] {
  const mentioned = new Set<string>();
  for (const message of messages) {
    if (message.threadRootId !== null) continue;
    const ids = message.mentionAll ? memberIds : message.mentionUserIds;
    ids.forEach((id) => mentioned.add(id));
  }
  return [...mentioned];
}

/**
 * "Tombstone these messages and delete their uploads", for erasure and retention alike: the
 * tombstone a deletion by its author leaves (body and attachments gone, `seq` kept), in one
 * transaction per conversation, each followed by what the caches must forget; then the uploads
 * no message carries any more, bytes and rows.
 */
@Injectable()
export class MessageErasure {
  constructor(
    private readonly erasures: MessageErasureRepository,
    private readonly latest: LatestMessagesCache,
    private readonly conversations: ConversationCache,
    private readonly access: ConversationAccess,
    private readonly events: ChatEvents,
    private readonly uploads: UploadRemoval,
  ) {}

  /**
   * One page of the sender's messages (up to `limit`, after `after`): how many were erased, and
   * where the next page starts (none once there is no more).
   */
  async eraseSentBy(
    senderId: string,
    limit: number,
    after?: SenderPosition,
  ): Promise<{ erased: number; next?: SenderPosition }> {
    const page = await this.erasures.sentBy(senderId, limit, after);
    const erased = await this.erase(page, { announce: true });
    const last = page.at(-1);
    return {
      erased,
      next: page.length < limit || !last ? undefined : { conversationId: last.conversationId, seq: last.seq },
    };
  }

  /** One batch of the messages created before `cutoff` (up to `limit`): how many were erased, and whether more may remain. */
  async eraseCreatedBefore(cutoff: Date, limit: number): Promise<{ erased: number; more: boolean }> {
    const batch = await this.erasures.createdBefore(cutoff, limit);
    return { erased: await this.erase(batch, { announce: false }), more: batch.length === limit };
  }

  /** Tombstones the messages (those already deleted are left as they are); how many it erased. */
  async erase(messages: MessageRef[], { announce }: ErasureOptions): Promise<number> {
    const byConversation = new Map<string, string[]>();
    for (const { conversationId, id } of messages) {
      byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), id]);
    }
    let erased = 0;
    const released = new Set<string>();
    for (const [conversationId, ids] of byConversation) {
      const result = await this.latest.changeMany(conversationId, () =>
        this.erasures.tombstoneMany(conversationId, ids),
      );
      if (result.messages.length === 0) continue;
      erased += result.messages.length;
      result.releasedUploadIds.forEach((id) => released.add(id));
      await this.erased(conversationId, result, announce);
    }
    await this.uploads.removeUnreferenced([...released]);
    return erased;
  }

  /** The lists that show them, the mention counts they were in, and the members' clients. */
  private async erased(conversationId: string, result: ErasedInConversation, announce: boolean): Promise<void> {
    const memberIds = (await this.access.find(conversationId))?.members.map((member) => member.userId) ?? [];
    await this.conversations.messageChanged(memberIds, {
      isLast: result.messages.some((message) => message.seq === result.lastSeq),
    });
    const mentioned = mentionedIn(result.messages, memberIds);
    if (mentioned.length > 0) await this.conversations.mentionDeleted(mentioned);
    if (announce) {
      for (const { id, seq } of result.messages) {
        this.events.publish('message.deleted', { conversationId, messageId: id, seq, memberIds });
      }
    }
    if (result.unpinned) this.events.publish('pins.updated', { conversationId, memberIds });
  }
}
