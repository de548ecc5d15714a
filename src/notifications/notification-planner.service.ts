import { Injectable } from '@nestjs/common';
import { clipCodePoints } from '#src/common/validation/text-length.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import type { OutboxEventRow, OutboxPayloads } from '#src/infra/outbox/outbox-event.js';
import { PresenceService } from '#src/presence/presence.service.js';
import type { PushRequest } from '#src/push/push-payload.js';
import { NotificationsRepository, PREVIEW_LENGTH, type NewNotification } from './notifications.repository.js';

/** What an outbox event causes: notification rows, and which of them also go to devices. */
export interface FanoutPlan {
  notifications: NewNotification[];
  pushes: PushRequest[];
}

const NOTHING: FanoutPlan = { notifications: [], pushes: [] };

/**
 * Decides who hears of an event, from the state when its outbox row is processed (members, mutes,
 * who is connected). Reads only: the worker stores the plan in the event's transaction.
 */
@Injectable()
export class NotificationPlanner {
  constructor(
    private readonly access: ConversationAccess,
    private readonly presence: PresenceService,
    private readonly notifications: NotificationsRepository,
  ) {}

  plan(event: OutboxEventRow): Promise<FanoutPlan> {
    switch (event.kind) {
      case 'message':
        return this.forMessage(event.conversationId, event.payload);
      case 'request':
        return this.forRequest(event.conversationId, event.payload);
      case 'member_added':
        return Promise.resolve(forMembersAdded(event.conversationId, event.payload));
    }
  }

  /**
   * Mentioned members get a `mention` (muted or not, connected or not), in groups and direct
   * conversations alike: those the send resolved, and for `@all` every member who has not blocked
   * the author (the send still goes through, as in any group they share).
   * Other members get a `message` when they have no live socket anywhere and have not muted the
   * conversation, and for a thread reply only when they follow the thread. Of those, the ones with no live socket also get a push. Without Redis, only
   * sockets on this instance are known: the others count as away, so nobody misses one.
   */
  private async forMessage(
    conversationId: string,
    { messageId, senderId, seq, mentions = true }: OutboxPayloads['message'],
  ): Promise<FanoutPlan> {
    const conversation = await this.access.find(conversationId);
    if (!conversation) return NOTHING;
    const recipients = conversation.members.filter(
      (member) => member.userId !== senderId && member.status === 'accepted',
    );
    const online = await this.presence.onlineAmong(recipients.map((member) => member.userId));
    // Most messages mention nobody and reach recipients who are all connected (or have muted the
    // conversation), in a group as in a direct conversation: then nobody is notified, and the
    // message, which only mentions, thread followers and previews need, is not even read.
    if (!mentions && recipients.every((member) => member.muted || online.has(member.userId))) return NOTHING;
    const message = await this.notifications.messageToAnnounce(conversationId, messageId);
    if (!message || message.deletedAt) return NOTHING;
    const mentioned = new Set(
      message.mentionAll
        ? await this.notifications.notBlocking(
            senderId,
            recipients.map((member) => member.userId),
          )
        : message.mentionUserIds,
    );
    mentioned.delete(senderId);
    const base = {
      conversationId,
      messageId,
      actorId: senderId,
      preview: clipCodePoints(message.body, PREVIEW_LENGTH),
    };
    // A thread reply is news only to those who follow the thread (and to those it mentions).
    const followers = message.threadRootId
      ? await this.notifications.threadFollowers(conversationId, message.threadRootId)
      : null;
    const notifications: NewNotification[] = recipients.flatMap((member): NewNotification[] => {
      if (mentioned.has(member.userId)) return [{ ...base, userId: member.userId, kind: 'mention' }];
      if (member.muted || online.has(member.userId) || (followers && !followers.has(member.userId))) return [];
      return [{ ...base, userId: member.userId, kind: 'message' }];
    });
    const pushes = notifications
      .filter((notification) => !online.has(notification.userId))
      .map((notification) => ({
        userId: notification.userId,
        kind: notification.kind as PushRequest['kind'],
        conversationId,
        messageId,
        seq,
        actorId: senderId,
        body: message.body,
      }));
    return { notifications, pushes };
  }

  private async forRequest(conversationId: string, { senderId, recipientId }: OutboxPayloads['request']) {
    const online = await this.presence.onlineAmong([recipientId]);
    return {
      notifications: [{ userId: recipientId, kind: 'request' as const, conversationId, actorId: senderId }],
      pushes: online.has(recipientId)
        ? []
        : [
            {
              userId: recipientId,
              kind: 'request' as const,
              conversationId,
              messageId: null,
              seq: null,
              actorId: senderId,
              body: null,
            },
          ],
    };
  }
}

/** Members added to a group are told so; it is no push. */
const forMembersAdded = (conversationId: string, { userIds, actorId }: OutboxPayloads['member_added']): FanoutPlan => ({
  notifications: userIds.map((userId) => ({ userId, kind: 'member_added' as const, conversationId, actorId })),
  pushes: [],
});
