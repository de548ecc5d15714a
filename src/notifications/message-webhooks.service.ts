import { Injectable } from '@nestjs/common';
import { toMessageView } from '#src/conversations/message.presenter.js';
import type { OutboxEventRow } from '#src/infra/outbox/outbox-event.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import { NotificationsRepository } from './notifications.repository.js';

/**
 * The `message.created` webhook events, derived from the outbox events sends write: the send's own
 * statement (the hot path) does no more for webhooks than it did. They are stored before the
 * outbox event is finished, each keyed by its message's id, so an event worked twice (its lease ran
 * out, or its instance died before deleting it) stores them once, and one finished has them stored.
 */
@Injectable()
export class MessageWebhooks {
  constructor(
    private readonly webhooks: WebhookEvents,
    private readonly notifications: NotificationsRepository,
  ) {}

  /** For the sends among `events`; nothing is read when no webhook takes `message.created`. */
  async record(events: OutboxEventRow[]): Promise<void> {
    const sends = events.flatMap((event) =>
      event.kind === 'message' ? [{ conversationId: event.conversationId, messageId: event.payload.messageId }] : [],
    );
    if (sends.length === 0 || !(await this.webhooks.subscribed('message.created'))) return;
    const messages = await this.notifications.messagesSent(sends);
    const stored = await this.webhooks.recordAfterwards(
      'message.created',
      messages.map((message) => ({ eventId: message.id, occurredAt: message.createdAt, data: toMessageView(message) })),
    );
    if (stored > 0) this.webhooks.deliverSoon();
  }
}
