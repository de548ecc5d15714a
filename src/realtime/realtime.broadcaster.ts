import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import type { ServerEvents } from './server-events.js';
import { SessionCloser } from './session-closer.js';
import { userRoom, type ChatServer } from './socket-types.js';

/**
 * Turns what happened (ChatEvents) into socket events for the users concerned, on every instance:
 * rooms are per user, and the Redis adapter carries each emit to the instances holding them.
 */
@Injectable()
export class RealtimeBroadcaster implements OnModuleInit {
  private server?: ChatServer;

  constructor(
    private readonly events: ChatEvents,
    private readonly metrics: RealtimeMetrics,
    private readonly sessions: SessionCloser,
  ) {}

  /** Called by the gateway once the Socket.IO server exists. */
  attach(server: ChatServer): void {
    this.server = server;
    this.sessions.attach(server);
  }

  /** Emits to every socket of these users (on any instance). */
  toUsers<E extends keyof ServerEvents>(userIds: string[], event: E, ...payload: Parameters<ServerEvents[E]>): void {
    if (!this.server || userIds.length === 0) return;
    this.server.to(userIds.map(userRoom)).emit(event, ...payload);
    this.metrics.sent(event);
  }

  onModuleInit(): void {
    const { events } = this;
    events.on('message.created', ({ memberIds, conversationId, message }) => {
      this.toUsers(memberIds, 'message.created', { conversationId, message });
      this.metrics.emittedMessage(message.createdAt);
    });
    events.on('message.updated', ({ memberIds, conversationId, message }) =>
      this.toUsers(memberIds, 'message.updated', { conversationId, message }),
    );
    events.on('message.deleted', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'message.deleted', payload));
    events.on('reaction.updated', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'reaction.updated', payload));
    events.on('thread.updated', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'thread.updated', payload));
    events.on('pins.updated', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'pins.updated', payload));
    events.on('conversation.created', ({ memberIds, conversation }) =>
      this.toUsers(memberIds, 'conversation.created', { conversation }),
    );
    events.on('conversation.updated', ({ memberIds, conversation }) =>
      this.toUsers(memberIds, 'conversation.updated', { conversation }),
    );
    events.on('member.added', ({ memberIds, conversationId, userIds }) => {
      for (const userId of userIds) this.toUsers(memberIds, 'member.added', { conversationId, userId });
    });
    events.on('member.removed', ({ memberIds, conversationId, userId }) =>
      this.toUsers(memberIds, 'member.removed', { conversationId, userId }),
    );
    events.on('member.updated', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'member.updated', payload));
    events.on('read', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'read', payload));
    events.on('delivered', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'delivered', payload));
    events.on('typing', ({ memberIds, ...payload }) => this.toUsers(memberIds, 'typing', payload));
    events.on('presence.changed', ({ contactIds, ...payload }) => this.toUsers(contactIds, 'presence', payload));
    events.on('notification.created', ({ userId, notification }) =>
      this.toUsers([userId], 'notification', { notification }),
    );
    events.on('session.revoked', ({ sessionIds }) => this.sessions.closeEverywhere(sessionIds));
  }
}
