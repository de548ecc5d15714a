import { Module } from '@nestjs/common';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { NotificationFanout } from './notification-fanout.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationCache, NotificationCacheSettings } from './notification-cache.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  imports: [ConversationsModule, PresenceModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationCache,
    NotificationCacheSettings,
    NotificationsService,
    NotificationFanout,
  ],
})
export class NotificationsModule {}
