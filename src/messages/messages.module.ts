import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { UploadsModule } from '#src/uploads/uploads.module.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';
import { AdminMessagesController } from './admin-messages.controller.js';
import { LatestMessagesCache, LatestMessagesSettings } from './latest-messages.cache.js';
import { MessageChangesService } from './message-changes.service.js';
import { MessageModeration } from './message-moderation.service.js';
import { MessageErasureRepository } from './message-erasure.repository.js';
import { MessageErasure } from './message-erasure.service.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { PinsController } from './pins.controller.js';
import { PinsRepository } from './pins.repository.js';
import { PinsService } from './pins.service.js';
import { ReactionsService } from './reactions.service.js';
import { SyncService } from './sync.service.js';
import { ThreadsController } from './threads.controller.js';
import { ThreadsRepository } from './threads.repository.js';
import { ThreadsService } from './threads.service.js';

@Module({
  imports: [ConversationsModule, UploadsModule, WebhooksModule, AdminModule],
  controllers: [MessagesController, ThreadsController, PinsController, AdminMessagesController],
  providers: [
    MessagesRepository,
    LatestMessagesCache,
    LatestMessagesSettings,
    MessagesService,
    MessageChangesService,
    MessageModeration,
    MessageErasureRepository,
    MessageErasure,
    SyncService,
    ThreadsRepository,
    ThreadsService,
    PinsRepository,
    PinsService,
    ReactionsService,
  ],
  exports: [MessagesService, SyncService, MessageModeration, MessageErasure],
})
export class MessagesModule {}
