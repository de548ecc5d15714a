import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module.js';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { MessagesModule } from '#src/messages/messages.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { UsersModule } from '#src/users/users.module.js';
import { WarmingModule } from '#src/warming/warming.module.js';
import { ClientEventsGateway } from './client-events.gateway.js';
import { RealtimeBroadcaster } from './realtime.broadcaster.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { SessionCloser } from './session-closer.js';
import { SessionWatch, SessionWatchSettings } from './session-watch.js';
import { SocketEventRunner, SocketEventSettings } from './socket-event.runner.js';
import { SocketHandshake } from './socket-handshake.js';
import { SocketTokens } from './socket-tokens.js';
import { TypingService } from './typing.service.js';

@Module({
  imports: [AuthModule, ConversationsModule, MessagesModule, PresenceModule, UsersModule, WarmingModule],
  providers: [
    RealtimeGateway,
    ClientEventsGateway,
    RealtimeBroadcaster,
    RealtimeMetrics,
    SocketEventRunner,
    SocketEventSettings,
    SocketHandshake,
    SocketTokens,
    SessionCloser,
    SessionWatch,
    SessionWatchSettings,
    TypingService,
  ],
  exports: [RealtimeMetrics],
})
export class RealtimeModule {}
