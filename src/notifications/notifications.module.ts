import { Module } from '@nestjs/common';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { PushModule } from '#src/push/push.module.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';
import { MessageWebhooks } from './message-webhooks.service.js';
import { NotificationFanout } from './notification-fanout.service.js';
import { NotificationPlanner } from './notification-planner.service.js';
import { OutboxEventsRepository } from './outbox-events.repository.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationCache, NotificationCacheSettings } from './notification-cache.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  imports: [ConversationsModule, PresenceModule, PushModule, WebhooksModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationCache,
    NotificationCacheSettings,
    NotificationsService,
    NotificationPlanner,
    OutboxEventsRepository,
    MessageWebhooks,
    NotificationFanout,
  ],
})
export class NotificationsModule {}
