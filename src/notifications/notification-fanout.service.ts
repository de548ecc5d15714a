import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { ChatEvents, type ChatEventMap } from '#src/common/events/chat-events.js';
import { clipCodePoints } from '#src/common/validation/text-length.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { mentionedUsernames } from './mentions.js';
import { toNotificationView } from './notification.presenter.js';
import { NotificationCache } from './notification-cache.js';
import { NotificationsRepository, PREVIEW_LENGTH, type NewNotification } from './notifications.repository.js';

/** Rows per insert: a 500-member group is one batch. */
const BATCH = 500;
/** Waits before each retry of a failed fan-out. */
const RETRY_DELAYS_MS = [500, 2000, 5000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Creates notifications from what happened, after the fact: a send is stored and acknowledged
 * before any of this runs (it is deferred to the next turn of the event loop), and a failure here
 * is retried, then counted, but never touches the message.
 */
@Injectable()
export class NotificationFanout implements OnModuleInit {
  private readonly logger = new Logger(NotificationFanout.name);
  private readonly failures: Counter;

  constructor(
    private readonly events: ChatEvents,
    private readonly access: ConversationAccess,
    private readonly presence: PresenceService,
    private readonly notifications: NotificationsRepository,
    private readonly cache: NotificationCache,
    metrics: MetricsService,
  ) {
    this.failures = new Counter({
      name: 'notification_fanout_failures_total',
      help: 'Notification fan-outs given up after their retries (the messages themselves are stored)',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.events.on('message.created', (event) => this.later('message', () => this.forMessage(event)));
    this.events.on('request.created', ({ conversationId, senderId, recipientId }) =>
      this.later('request', () =>
        this.store([{ userId: recipientId, kind: 'request', conversationId, actorId: senderId }]),
      ),
    );
    this.events.on('member.added', ({ conversationId, userIds, actorId }) =>
      this.later('member_added', () =>
        this.store(userIds.map((userId) => ({ userId, kind: 'member_added' as const, conversationId, actorId }))),
      ),
    );
  }

  /** Runs `work` after the current request has been answered, with retries. */
  private later(what: string, work: () => Promise<void>): void {
    setImmediate(() => void this.withRetries(what, work));
  }

  private async withRetries(what: string, work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= RETRY_DELAYS_MS.length) {
          this.failures.inc();
          this.logger.error({ err: error }, `${what} notifications given up`);
          return;
        }
        await sleep(RETRY_DELAYS_MS[attempt]);
      }
    }
  }

  /**
   * Mentioned members get a `mention` (muted or not, connected or not); a member who blocked the
   * author is not mentioned by them (the send still goes through, as in any group they share). Other members get a
   * `message` when they have no live socket anywhere and have not muted the conversation.
   */
  private async forMessage({ conversationId, message }: ChatEventMap['message.created']): Promise<void> {
    const conversation = await this.access.find(conversationId);
    if (!conversation) return;
    const recipients = conversation.members.filter(
      (member) => member.userId !== message.senderId && member.status === 'accepted',
    );
    const mentioned = new Set(
      conversation.type === 'group'
        ? await this.notifications.mentionable(conversationId, mentionedUsernames(message.body), message.senderId)
        : [],
    );
    mentioned.delete(message.senderId);
    const candidates = recipients.filter((member) => !member.muted && !mentioned.has(member.userId));
    const online = await this.presence.onlineAmong(candidates.map((member) => member.userId));
    const base = {
      conversationId,
      messageId: message.id,
      actorId: message.senderId,
      preview: clipCodePoints(message.body, PREVIEW_LENGTH),
    };
    await this.store([
      ...recipients
        .filter((member) => mentioned.has(member.userId))
        .map((member) => ({ ...base, userId: member.userId, kind: 'mention' as const })),
      ...candidates
        .filter((member) => !online.has(member.userId))
        .map((member) => ({ ...base, userId: member.userId, kind: 'message' as const })),
    ]);
  }

  /** Stores in batches, then pushes each stored notification to its user and drops their cached count. */
  private async store(rows: NewNotification[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const created = await this.notifications.create(rows.slice(i, i + BATCH));
      await this.cache.notificationsStored(created.map((row) => row.userId));
      for (const row of created) {
        this.events.publish('notification.created', { userId: row.userId, notification: toNotificationView(row) });
      }
    }
  }
}
