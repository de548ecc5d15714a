import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { UsersModule } from '#src/users/users.module.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';
import { BansRepository } from './bans.repository.js';
import { BansService } from './bans.service.js';
import { ConversationAccess } from './conversation-access.service.js';
import { ConversationCache, ConversationCacheSettings } from './conversation-cache.js';
import { ConversationStarter } from './conversation-starter.service.js';
import { ConversationViews } from './conversation-views.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { ModerationController } from './moderation.controller.js';
import { MutesService } from './mutes.service.js';
import { ReadMarksService } from './read-marks.service.js';
import { ReceiptsService } from './receipts.service.js';
import { SlowModeGate } from './slow-mode.gate.js';

@Module({
  imports: [UsersModule, WebhooksModule, AdminModule],
  controllers: [ConversationsController, ModerationController],
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
    BansRepository,
    BansService,
    MutesService,
    SlowModeGate,
  ],
  exports: [ConversationAccess, ConversationCache, ConversationsService, ReadMarksService, ReceiptsService],
})
export class ConversationsModule {}
