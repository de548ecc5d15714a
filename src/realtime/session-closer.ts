import { Injectable } from '@nestjs/common';
import { RealtimeMetrics } from './realtime.metrics.js';
import { sessionRoom, type ChatServer } from './socket-types.js';

/**
 * Closes the sockets of ended sessions. Every instance closes its own: it writes `session.revoked`
 * to each socket and then disconnects it, so on one connection the notice always comes first. (A
 * room emit and a `disconnectSockets` sent through the adapter are two messages, which a Redis
 * Cluster may carry on different channels and deliver in either order.)
 */
@Injectable()
export class SessionCloser {
  private server?: ChatServer;

  constructor(private readonly metrics: RealtimeMetrics) {}

  /** Called once the Socket.IO server exists: from then on it also acts on other instances' requests. */
  attach(server: ChatServer): void {
    this.server = server;
    server.on('sessions.close', (sessionIds) => this.closeHere(sessionIds));
  }

  /** On this instance now, and on every other one through the adapter. */
  closeEverywhere(sessionIds: string[]): void {
    if (!this.server || sessionIds.length === 0) return;
    this.closeHere(sessionIds);
    this.server.serverSideEmit('sessions.close', sessionIds);
  }

  /** This instance's sockets of these sessions. */
  closeHere(sessionIds: string[]): void {
    const server = this.server;
    if (!server) return;
    for (const sessionId of sessionIds) {
      const socketIds = [...(server.sockets.adapter.rooms.get(sessionRoom(sessionId)) ?? [])];
      for (const socketId of socketIds) {
        const socket = server.sockets.sockets.get(socketId);
        if (!socket) continue;
        socket.emit('session.revoked', { sessionId });
        socket.disconnect(true);
        this.metrics.sent('session.revoked');
      }
    }
  }
}
