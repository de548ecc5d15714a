import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { OnModuleDestroy } from '@nestjs/common';
import { PresenceService } from '#src/presence/presence.service.js';
import { CacheWarmer } from '#src/warming/cache-warmer.js';
import { RealtimeBroadcaster } from './realtime.broadcaster.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { SessionWatch } from './session-watch.js';
import { SocketHandshake } from './socket-handshake.js';
import { SocketTokens } from './socket-tokens.js';
import { sessionRoom, userRoom, type ChatServer, type ChatSocket } from './socket-types.js';
import { TypingService } from './typing.service.js';

/**
 * The connections of the Socket.IO side of docs/api.md: admitted by the handshake, in their user's
 * and session's rooms, counted in presence while open. The events they send are ClientEventsGateway's.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private server?: ChatServer;
  /** Disconnect handling under way (presence updates), awaited at shutdown. */
  private readonly leaving = new Set<Promise<void>>();

  constructor(
    private readonly handshake: SocketHandshake,
    private readonly broadcaster: RealtimeBroadcaster,
    private readonly presence: PresenceService,
    private readonly metrics: RealtimeMetrics,
    private readonly sessionWatch: SessionWatch,
    private readonly typing: TypingService,
    private readonly tokens: SocketTokens,
    private readonly warmer: CacheWarmer,
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
    this.tokens.watch(socket);
    // The client's next request is its conversation list: loaded now, in the background, if cold.
    this.warmer.userConnected(socket.data.userId);
    await socket.join([userRoom(socket.data.userId), sessionRoom(socket.data.sessionId)]);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    this.metrics.sockets.dec();
    this.typing.forgetSocket(socket.id);
    this.tokens.forget(socket.id);
    if (!socket.data.userId) return;
    const leaving = this.presence.disconnect(socket.data.userId);
    this.leaving.add(leaving);
    await leaving.finally(() => this.leaving.delete(leaving));
  }
}
