import { Module } from '@nestjs/common';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { MessagesModule } from '#src/messages/messages.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { CacheWarmer } from './cache-warmer.js';
import { OutageRewarmWatch, WarmingSettings } from './outage-rewarm.watch.js';
import { RecentConversations } from './recent-conversations.js';

/** Cache entries loaded before clients read them: on connect, and after a Redis outage (docs/caching.md). */
@Module({
  imports: [ConversationsModule, MessagesModule, PresenceModule],
  providers: [CacheWarmer, OutageRewarmWatch, RecentConversations, WarmingSettings],
  exports: [CacheWarmer],
})
export class WarmingModule {}
