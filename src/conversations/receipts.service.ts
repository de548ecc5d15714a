import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess } from './conversation-access.service.js';
import { conversationNotFound } from './conversations.errors.js';
import { MembersRepository } from './members.repository.js';
import { markAudience, shownDeliveredSeq, shownReadSeq } from './receipt-rule.js';

/** A member's delivery mark, as `POST /conversations/:id/delivered` and the `conversation.delivered` ack answer it. */
export interface DeliveryMarkView {
  conversationId: string;
  lastDeliveredSeq: number;
}

/** One entry of `GET /conversations/:id/reads`. */
export interface ReceiptView {
  userId: string;
  lastReadSeq: number;
  lastDeliveredSeq: number;
}

/** Delivery marks, and the read and delivery marks members share with each other. */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly members: MembersRepository,
    private readonly access: ConversationAccess,
    private readonly events: ChatEvents,
  ) {}

  /**
   * Moves the caller's delivery mark forward to `seq` (never back, never past the last message).
   * A `delivered` event goes out only when it moved; nothing cached shows delivery marks.
   */
  async markDelivered(userId: string, conversationId: string, seq: number): Promise<DeliveryMarkView> {
    const { conversation } = await this.access.requireMember(userId, conversationId);
    const mark = await this.members.markDeliveredUpTo(conversationId, userId, seq);
    // Removed between the membership check and the update.
    if (mark === null) throw conversationNotFound();
    if (mark === 'pastLastSeq') throw invalidField('seq', "seq is past the conversation's last message");
    const lastDeliveredSeq = shownDeliveredSeq(mark);
    if (mark.moved) {
      const memberIds = markAudience(
        userId,
        mark.sharesMarks,
        conversation.members.map((member) => member.userId),
      );
      this.events.publish('delivered', { conversationId, userId, seq: lastDeliveredSeq, memberIds });
    }
    return { conversationId, lastDeliveredSeq };
  }

  /** The read and delivery marks of the members who share them, for any member. */
  async reads(userId: string, conversationId: string): Promise<{ items: ReceiptView[] }> {
    await this.access.requireMember(userId, conversationId);
    const rows = await this.members.sharedMarks(conversationId);
    return {
      items: rows.map((row) => ({
        userId: row.userId,
        lastReadSeq: shownReadSeq(row),
        lastDeliveredSeq: shownDeliveredSeq(row),
      })),
    };
  }
}
