import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AccessTokenVerifier } from '#src/auth/access-token.verifier.js';
import { unauthorized } from '#src/common/errors/common.errors.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import type { ChatSocket } from './socket-types.js';

/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A socket lives as long as its access token. Before the token's `exp` the client sends a fresh one
 * of the same session (`auth {accessToken}`); when `exp` passes without one, the socket gets
 * `token.expired` and is closed, as a REST call with that token would be refused. A revoked session
 * is still closed at once (SessionCloser).
 */
@Injectable()
export class SocketTokens implements OnModuleDestroy {
  /** Per socket id: the close due when its token expires. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /** Starts the clock of a socket just connected, on the token of its handshake. */
  watch(socket: ChatSocket): void {
    this.schedule(socket);
  }

  /**
   * Moves the socket onto `accessToken`: it must pass the same check as at the handshake and belong
   * to the socket's user and session. When it does not, the socket keeps its current expiry.
   */
  async renew(socket: ChatSocket, accessToken: string): Promise<{ expiresAt: string }> {
    const auth = await this.verifier.verify(accessToken);
    if (auth.userId !== socket.data.userId || auth.sessionId !== socket.data.sessionId) {
      throw unauthorized('This access token belongs to another session than this connection');
    }
    if (socket.disconnected) throw unauthorized('This connection has closed');
    socket.data.tokenExpiresAt = Math.max(socket.data.tokenExpiresAt, auth.expiresAt);
    this.schedule(socket);
    return { expiresAt: new Date(socket.data.tokenExpiresAt).toISOString() };
  }

  forget(socketId: string): void {
    clearTimeout(this.timers.get(socketId));
    this.timers.delete(socketId);
  }

  onModuleDestroy(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  private schedule(socket: ChatSocket): void {
    clearTimeout(this.timers.get(socket.id));
    const due = Math.max(0, socket.data.tokenExpiresAt - Date.now());
    // A timer longer than that fires at once. Only a bot key's session lasts so long (it never
    // expires): its socket is looked at again then, and lives on.
    const step = Math.min(due, MAX_TIMER_MS);
    const next = () => (due > MAX_TIMER_MS ? this.schedule(socket) : this.expire(socket));
    this.timers.set(socket.id, setTimeout(next, step).unref());
  }

  private expire(socket: ChatSocket): void {
    this.timers.delete(socket.id);
    // Written before the close on the socket's own connection: the notice always arrives first.
    socket.emit('token.expired', { sessionId: socket.data.sessionId });
    socket.disconnect(true);
    this.metrics.sent('token.expired');
  }
}
