import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ReadMarksService } from '#src/conversations/read-marks.service.js';
import { ReceiptsService } from '#src/conversations/receipts.service.js';
import { MessagesService } from '#src/messages/messages.service.js';
import { SyncService } from '#src/messages/sync.service.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { SocketEventRunner, type AckFn } from './socket-event.runner.js';
import { SocketTokens } from './socket-tokens.js';
import type { ChatSocket } from './socket-types.js';
import { TypingService } from './typing.service.js';

/** The events clients send (CLIENT_EVENTS): each handler is one call into the service REST uses. */
@WebSocketGateway()
export class ClientEventsGateway {
  constructor(
    private readonly runner: SocketEventRunner,
    private readonly messages: MessagesService,
    private readonly readMarks: ReadMarksService,
    private readonly receipts: ReceiptsService,
    private readonly syncs: SyncService,
    private readonly typing: TypingService,
    private readonly presence: PresenceService,
    private readonly tokens: SocketTokens,
  ) {}

  @SubscribeMessage('message.send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('message.send', socket, payload, ack, async ({ conversationId, ...message }) => {
      return (await this.messages.send(socket.data.userId, conversationId, message)).message;
    });
  }

  @SubscribeMessage('typing.start')
  typingStart(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('typing.start', socket, payload, ack, async ({ conversationId }) => {
      await this.typing.start(socket.id, socket.data.userId, conversationId);
      return null;
    });
  }

  @SubscribeMessage('typing.stop')
  typingStop(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('typing.stop', socket, payload, ack, async ({ conversationId }) => {
      await this.typing.stop(socket.id, socket.data.userId, conversationId);
      return null;
    });
  }

  @SubscribeMessage('conversation.read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('conversation.read', socket, payload, ack, ({ conversationId, seq }) =>
      this.readMarks.markRead(socket.data.userId, conversationId, seq),
    );
  }

  @SubscribeMessage('conversation.delivered')
  delivered(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('conversation.delivered', socket, payload, ack, ({ conversationId, seq }) =>
      this.receipts.markDelivered(socket.data.userId, conversationId, seq),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('sync', socket, payload, ack, ({ conversationId, ...query }) =>
      this.syncs.sync(socket.data.userId, conversationId, query),
    );
  }

  @SubscribeMessage('auth')
  renewToken(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('auth', socket, payload, ack, ({ accessToken }) => this.tokens.renew(socket, accessToken));
  }

  @SubscribeMessage('presence.query')
  presenceQuery(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown, @Ack() ack: AckFn) {
    return this.runner.run('presence.query', socket, payload, ack, async ({ userIds }) => ({
      items: await this.presence.query(socket.data.userId, [...new Set(userIds)]),
    }));
  }
}
