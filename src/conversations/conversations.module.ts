import { Module } from '@nestjs/common';
import { UsersModule } from '#src/users/users.module.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';
import { ConversationAccess } from './conversation-access.service.js';
import { ConversationCache, ConversationCacheSettings } from './conversation-cache.js';
import { ConversationStarter } from './conversation-starter.service.js';
import { ConversationViews } from './conversation-views.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { ReadMarksService } from './read-marks.service.js';
import { ReceiptsService } from './receipts.service.js';

@Module({
  imports: [UsersModule, WebhooksModule],
  controllers: [ConversationsController],
  providers: [
    ConversationsRepository,
    MembersRepository,
    ConversationCache,
    ConversationCacheSettings,
    ConversationAccess,
    ConversationViews,
    ConversationsService,
    ConversationStarter,
    MembersService,
    ReadMarksService,
    ReceiptsService,
  ],
  exports: [ConversationAccess, ConversationCache, ReadMarksService, ReceiptsService],
})
export class ConversationsModule {}
