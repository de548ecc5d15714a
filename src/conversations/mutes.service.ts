import { Injectable } from '@nestjs/common';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess, type Membership } from './conversation-access.service.js';
import { ConversationCache } from './conversation-cache.js';
import { memberOf, type ConversationMeta, type ModerationMute } from './conversation-meta.js';
import { memberNotFound, notGroupAdmin } from './conversations.errors.js';
import type { MemberMuteDto } from './dto/moderation.dto.js';
import { MembersRepository } from './members.repository.js';
import { outranks, untilOf } from './moderation-rules.js';
import type { MemberMuteView } from './moderation.presenter.js';

/**
 * Moderation mutes (owner/admin): a muted member reads but cannot write. The mute lives on the
 * member row and in the cached metadata every write check reads, so it applies on every instance
 * from its answer on, with no query of its own on the send path. Audited like bans.
 */
@Injectable()
export class MutesService {
  constructor(
    private readonly members: MembersRepository,
    private readonly access: ConversationAccess,
    private readonly cache: ConversationCache,
    private readonly events: ChatEvents,
    private readonly audit: AuditRepository,
  ) {}

  /** Mutes a member the caller outranks, until `dto.until` or until unmuted; muting again replaces `until`. */
  async mute(
    callerId: string,
    conversationId: string,
    userId: string,
    dto: MemberMuteDto,
    ip: string,
  ): Promise<MemberMuteView> {
    const { conversation } = await this.requireOutranked(callerId, conversationId, userId);
    const until = untilOf(dto.until, new Date());
    const moderationMute = { until: until?.toISOString() ?? null };
    const outcome = await this.members.setModerationMute(conversationId, userId, { until }, (tx) =>
      this.audit.record(tx, {
        actorId: callerId,
        action: 'member.muted',
        targetType: 'user',
        targetId: userId,
        details: { conversationId, until: moderationMute.until },
        ip,
      }),
    );
    if (outcome === 'missing') throw memberNotFound();
    await this.changed(conversation, userId, moderationMute);
    return { conversationId, userId, until: moderationMute.until };
  }

  /** Lifts a member's mute; unmuting a member who is not muted changes nothing. */
  async unmute(callerId: string, conversationId: string, userId: string, ip: string): Promise<void> {
    const { conversation } = await this.requireOutranked(callerId, conversationId, userId);
    const outcome = await this.members.setModerationMute(conversationId, userId, null, (tx) =>
      this.audit.record(tx, {
        actorId: callerId,
        action: 'member.unmuted',
        targetType: 'user',
        targetId: userId,
        details: { conversationId },
        ip,
      }),
    );
    if (outcome === 'missing') throw memberNotFound();
    if (outcome === 'changed') await this.changed(conversation, userId, null);
  }

  /** A group owner/admin acting on a member they outrank (the rule of removals; nobody outranks themself). */
  private async requireOutranked(callerId: string, conversationId: string, userId: string): Promise<Membership> {
    const membership = await this.access.requireManager(callerId, conversationId);
    const target = memberOf(membership.conversation, userId);
    if (!target) throw memberNotFound();
    if (!outranks(membership.member, target)) {
      throw notGroupAdmin('Only the owner can mute an admin, and nobody can mute the owner or themself');
    }
    return membership;
  }

  private async changed(conversation: ConversationMeta, userId: string, moderationMute: ModerationMute | null) {
    const memberIds = conversation.members.map((member) => member.userId);
    await this.cache.memberModerated(conversation.id, memberIds);
    this.events.publish('member.updated', { conversationId: conversation.id, userId, moderationMute, memberIds });
  }
}
