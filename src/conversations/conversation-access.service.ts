import { Injectable } from '@nestjs/common';
import { BlocksService } from '#src/users/blocks.service.js';
import { ConversationCache } from './conversation-cache.js';
import { isManager, memberOf, type ConversationMeta, type MemberMeta } from './conversation-meta.js';
import {
  blocked,
  conversationNotFound,
  notAGroup,
  notGroupAdmin,
  requestDeclined,
  requestPending,
  slowMode,
} from './conversations.errors.js';
import { ConversationsRepository } from './conversations.repository.js';
import { slowModeIntervalMs, writeRefusal } from './moderation-rules.js';
import { SlowModeGate } from './slow-mode.gate.js';

const NO_TURN_NEEDED = { giveBack: () => Promise.resolve() };

export interface Membership {
  conversation: ConversationMeta;
  member: MemberMeta;
}

/**
 * Who may do what in a conversation. Every conversation and message route starts here, from the
 * cached metadata, before touching anything else.
 */
@Injectable()
export class ConversationAccess {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly cache: ConversationCache,
    private readonly blocks: BlocksService,
    private readonly slowMode: SlowModeGate,
  ) {}

  /** The conversation's cached metadata, for listeners that act on its members (not for authorization). */
  async find(conversationId: string): Promise<ConversationMeta | null> {
    const { value } = await this.cache.meta(conversationId, () => this.conversations.findMeta(conversationId));
    return value;
  }

  async requireMember(userId: string, conversationId: string): Promise<Membership> {
    const conversation = await this.find(conversationId);
    const member = conversation && memberOf(conversation, userId);
    if (!conversation || !member) throw conversationNotFound();
    return { conversation, member };
  }

  /**
   * A member who may post (send, react, pin, type): not an unanswered or declined request, not
   * muted or held back by a freeze in a group, and no block in a direct conversation.
   */
  async requireWriter(userId: string, conversationId: string): Promise<Membership> {
    const membership = await this.requireMember(userId, conversationId);
    await this.assertWriter(userId, membership);
    return membership;
  }

  /** The rules of `requireWriter`, for a membership already checked. */
  async assertWriter(userId: string, membership: Membership): Promise<void> {
    this.assertWriterRules(userId, membership);
    await this.assertNotBlocked(userId, membership.conversation);
  }

  /**
   * The rules of `assertWriter` that the cached metadata answers: all but blocks. A send checks
   * those in the statement that stores it.
   */
  assertWriterRules(userId: string, { conversation, member }: Membership): void {
    assertAccepted(member);
    if (conversation.type === 'direct') {
      const other = conversation.members.find((candidate) => candidate.userId !== userId);
      if (other?.status === 'declined') {
        throw requestDeclined('The recipient declined this message request');
      }
    }
    this.assertUnrestricted({ conversation, member });
  }

  /** Neither muted nor held back by a freeze (groups): what edits need besides the writer's other rules. */
  assertUnrestricted({ conversation, member }: Membership): void {
    const refusal = writeRefusal(conversation, member, new Date());
    if (refusal) throw refusal;
  }

  /**
   * A send's turn under the group's slow mode (429 SLOW_MODE with the wait otherwise), taken on
   * every instance at once; the owner, admins and conversations without slow mode always have one.
   * The caller gives it back when the send stores nothing.
   */
  async takeSendTurn({ conversation, member }: Membership): Promise<{ giveBack(): Promise<void> }> {
    const intervalMs = slowModeIntervalMs(conversation, member);
    if (intervalMs === 0) return NO_TURN_NEEDED;
    const turn = await this.slowMode.take(conversation.id, member.userId, intervalMs);
    if (!turn.allowed) throw slowMode(Math.max(1, Math.ceil(turn.retryAfterMs / 1000)));
    return turn;
  }

  /** In a direct conversation, no block either way: what sends, reactions and edits need. */
  async assertNotBlocked(userId: string, conversation: ConversationMeta): Promise<void> {
    if (conversation.type !== 'direct') return;
    const other = conversation.members.find((candidate) => candidate.userId !== userId);
    if (other && (await this.blocks.blockedEitherWay(userId, other.userId))) throw blocked();
  }

  /** A group owner or admin. */
  async requireManager(userId: string, conversationId: string): Promise<Membership> {
    const membership = await this.requireMember(userId, conversationId);
    requireGroup(membership.conversation);
    if (!isManager(membership.member)) {
      throw notGroupAdmin('Only the group owner or an admin can do this');
    }
    return membership;
  }
}

/** A member who answered their message request (or never had one): what every write needs first. */
export function assertAccepted(member: MemberMeta): void {
  if (member.status === 'pending') {
    throw requestPending();
  }
  if (member.status === 'declined') {
    throw requestDeclined('You declined this message request; accept it to write in it');
  }
}

export function requireGroup(conversation: ConversationMeta): void {
  if (conversation.type !== 'group') throw notAGroup();
}
