import {
  Ack,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { OnModuleDestroy } from '@nestjs/common';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { SEND_LIMIT } from '#src/messages/send-limit.js';
import { PresenceQueryDto } from '#src/presence/dto/presence-query.dto.js';
import { PresenceService } from '#src/presence/presence.service.js';
import {
  ConversationRefDto,
  MessageSendEventDto,
  ReadEventDto,
  SocketAuthDto,
  SyncEventDto,
} from './dto/socket-events.dto.js';
import { RealtimeBroadcaster } from './realtime.broadcaster.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RealtimeServices } from './realtime.services.js';
import { SocketEventRunner } from './socket-event.runner.js';
import { SessionWatch } from './session-watch.js';
import { SocketHandshake } from './socket-handshake.js';
import { sessionRoom, userRoom, type ChatServer, type ChatSocket } from './socket-types.js';

type AckFn = Parameters<SocketEventRunner['run']>[2];

/** The Socket.IO side of docs/api.md: thin handlers, each one call into the services REST uses. */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private server?: ChatServer;
  /** Disconnect handling under way (presence updates), awaited at shutdown. */
  private readonly leaving = new Set<Promise<void>>();

  constructor(
    private readonly handshake: SocketHandshake,
    private readonly broadcaster: RealtimeBroadcaster,
    private readonly runner: SocketEventRunner,
    private readonly services: RealtimeServices,
    private readonly presence: PresenceService,
    private readonly metrics: RealtimeMetrics,
    private readonly sessionWatch: SessionWatch,
  ) {}

  afterInit(server: ChatServer): void {
    server.use(this.handshake.middleware);
    this.broadcaster.attach(server);
    this.sessionWatch.start(server);
    this.server = server;
  }

  /** At shutdown, before the database closes: this instance's clients reconnect to another one. */
  async onModuleDestroy(): Promise<void> {
    this.server?.local.disconnectSockets(true);
    await Promise.allSettled([...this.leaving]);
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    this.metrics.sockets.inc();
    this.services.tokens.watch(socket);
    await socket.join([userRoom(socket.data.userId), sessionRoom(socket.data.sessionId)]);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    this.metrics.sockets.dec();
    this.services.typing.forgetSocket(socket.id);
    this.services.tokens.forget(socket.id);
    if (!socket.data.userId) return;
    const leaving = this.presence.disconnect(socket.data.userId);
    this.leaving.add(leaving);
    await leaving.finally(() => this.leaving.delete(leaving));
  }

  @SubscribeMessage('message.send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('message.send', socket, ack, payload, MessageSendEventDto, SEND_LIMIT, async (dto) => {
      const { conversationId, ...message } = dto;
      return (await this.services.messages.send(socket.data.userId, conversationId, message)).message;
    });
  }

  @SubscribeMessage('typing.start')
  typingStart(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'typing.start',
      socket,
      ack,
      payload,
      ConversationRefDto,
      WRITE_LIMITS.typing,
      async ({ conversationId }) => {
        const { userId } = socket.data;
        const others = await this.services.typing.start(socket.id, userId, conversationId);
        this.broadcaster.toUsers(others, 'typing', { conversationId, userId, isTyping: true });
        return null;
      },
    );
  }

  @SubscribeMessage('typing.stop')
  typingStop(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'typing.stop',
      socket,
      ack,
      payload,
      ConversationRefDto,
      WRITE_LIMITS.typing,
      async ({ conversationId }) => {
        const { userId } = socket.data;
        const others = await this.services.typing.stop(socket.id, userId, conversationId);
        this.broadcaster.toUsers(others, 'typing', { conversationId, userId, isTyping: false });
        return null;
      },
    );
  }

  @SubscribeMessage('conversation.read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'conversation.read',
      socket,
      ack,
      payload,
      ReadEventDto,
      WRITE_LIMITS.readMarks,
      ({ conversationId, seq }) => this.services.readMarks.markRead(socket.data.userId, conversationId, seq),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'sync',
      socket,
      ack,
      payload,
      SyncEventDto,
      WRITE_LIMITS.syncs,
      ({ conversationId, ...query }) => this.services.sync.sync(socket.data.userId, conversationId, query),
    );
  }

  @SubscribeMessage('auth')
  renewToken(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'auth',
      socket,
      ack,
      payload,
      SocketAuthDto,
      WRITE_LIMITS.accountChanges,
      ({ accessToken }) => this.services.tokens.renew(socket, accessToken),
    );
  }

  @SubscribeMessage('presence.query')
  presenceQuery(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run(
      'presence.query',
      socket,
      ack,
      payload,
      PresenceQueryDto,
      WRITE_LIMITS.presenceReads,
      async ({ userIds }) => ({
        items: await this.presence.query(socket.data.userId, [...new Set(userIds)]),
      }),
    );
  }
}
