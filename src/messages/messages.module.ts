import { Module } from '@nestjs/common';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { UploadsModule } from '#src/uploads/uploads.module.js';
import { LatestMessagesCache, LatestMessagesSettings } from './latest-messages.cache.js';
import { MessageChangesService } from './message-changes.service.js';
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
  imports: [ConversationsModule, UploadsModule],
  controllers: [MessagesController, ThreadsController, PinsController],
  providers: [
    MessagesRepository,
    LatestMessagesCache,
    LatestMessagesSettings,
    MessagesService,
    MessageChangesService,
    MessageErasureRepository,
    MessageErasure,
    SyncService,
    ThreadsRepository,
    ThreadsService,
    PinsRepository,
    PinsService,
    ReactionsService,
  ],
  exports: [MessagesService, SyncService, MessageErasure],
})
export class MessagesModule {}
