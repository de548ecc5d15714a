import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess, assertAccepted, type Membership } from '#src/conversations/conversation-access.service.js';
import { isManager } from '#src/conversations/conversation-meta.js';
import { notGroupAdmin } from '#src/conversations/conversations.errors.js';
import { messageNotFound, pinLimit } from './messages.errors.js';
import { MessagesService } from './messages.service.js';
import { toPinView, type PinView } from './pin.presenter.js';
import { PinsRepository } from './pins.repository.js';

/** Pinned messages one conversation holds (docs/api.md); a pin past that is 409 PIN_LIMIT. */
export const MAX_PINS = 50;

/**
 * Pinning: in a group the owner and admins pin and unpin, in a direct conversation either member.
 * The pin list is read from Postgres (at most 50 rows by the primary key), so no cache holds it.
 */
@Injectable()
export class PinsService {
  constructor(
    private readonly pins: PinsRepository,
    private readonly reader: MessagesService,
    private readonly access: ConversationAccess,
    private readonly events: ChatEvents,
  ) {}

  /** Pins a visible, live message; pinning it again answers the same pin and changes nothing. */
  async pin(userId: string, conversationId: string, messageId: string): Promise<PinView> {
    const { membership, record } = await this.reader.findVisible(userId, conversationId, messageId);
    this.assertPinner(membership);
    // Pinning shows in the other member's view as much as a message does: the writer's rules apply.
    await this.access.assertWriter(userId, membership);
    if (record.deletedAt) throw messageNotFound();
    const outcome = await this.pins.pin(conversationId, messageId, userId, MAX_PINS);
    if (outcome === 'deleted') throw messageNotFound();
    if (outcome === 'full') throw pinLimit(MAX_PINS);
    if (outcome.created) this.updated(membership);
    return toPinView({ message: record, pinnedBy: outcome.pinnedBy, pinnedAt: outcome.pinnedAt });
  }

  /**
   * Unpins a visible message; unpinning one that is not pinned (or deleted, which unpinned it)
   * changes nothing. Like removing a reaction, it is allowed across a block: a block should not
   * keep someone's pin in front of the one who blocked them.
   */
  async unpin(userId: string, conversationId: string, messageId: string): Promise<void> {
    const { membership } = await this.reader.findVisible(userId, conversationId, messageId);
    this.assertPinner(membership);
    assertAccepted(membership.member);
    if (await this.pins.unpin(conversationId, messageId)) this.updated(membership);
  }

  /** The pins of the messages the caller sees, newest pin first. */
  async list(userId: string, conversationId: string): Promise<{ items: PinView[] }> {
    const { member } = await this.access.requireMember(userId, conversationId);
    const pins = await this.pins.listAbove(conversationId, member.hiddenBeforeSeq);
    return { items: pins.map(toPinView) };
  }

  private assertPinner({ conversation, member }: Membership): void {
    if (conversation.type === 'group' && !isManager(member)) {
      throw notGroupAdmin('Only the group owner or an admin can pin or unpin messages');
    }
  }

  private updated({ conversation }: Membership): void {
    const memberIds = conversation.members.map((member) => member.userId);
    this.events.publish('pins.updated', { conversationId: conversation.id, memberIds });
  }
}
