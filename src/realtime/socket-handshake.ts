import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier } from '#src/auth/access-token.verifier.js';
import { parseBotKey } from '#src/auth/bot-key.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { AppError } from '#src/common/errors/app-error.js';
import { serviceUnavailable, tooManyRequests, unauthorized } from '#src/common/errors/common.errors.js';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import type { SocketData } from './server-events.js';
import type { ChatSocket } from './socket-types.js';

/** New connections per user per minute, over all instances (reconnect storms included). */
export const CONNECTS_PER_MINUTE = 60;

/** A refused handshake: the client's `connect_error` carries `message` (the code) and `data`. */
function refusal({ code, message }: AppError): Error {
  return Object.assign(new Error(code), { data: { code, message } });
}

/** The client's connection closed (or is closing) before its handshake was answered. */
const closed = (socket: ChatSocket) => socket.conn.readyState !== 'open';
const gone = () => new Error('the connection closed during the handshake');

/**
 * What an admitted socket no longer needs, which would otherwise stay for as long as it is open:
 * the HTTP request that opened the connection, which Engine.IO keeps (its headers and stream
 * state, about 2 KB), and the credential (renewals come with the `auth` event).
 */
function release(socket: ChatSocket): void {
  (socket.conn as { request?: unknown }).request = undefined;
  socket.handshake.headers = {};
  socket.handshake.query = {};
  socket.handshake.auth = {};
}

/**
 * Admits a socket: a valid access token or bot key whose session is not revoked (the same check as REST),
 * within the per-user connection rate and socket cap. Admitted sockets are counted in presence.
 */
@Injectable()
export class SocketHandshake {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly limiter: RateLimiter,
    private readonly presence: PresenceService,
    private readonly metrics: RealtimeMetrics,
  ) {}

  readonly middleware = (socket: ChatSocket, next: (error?: Error) => void): void => {
    this.admit(socket).then(
      (data) => {
        // Socket.IO drops a socket whose connection closed while it was being admitted, with neither a
        // connect nor a disconnect event; it checks right after `next`, in this same tick. What was
        // counted for it is given back here, or the user would keep a socket slot and show online for ever.
        if (closed(socket)) {
          void this.presence.disconnect(data.userId);
          next(gone());
          return;
        }
        socket.data = data;
        release(socket);
        next();
      },
      (error: Error) => next(error),
    );
  };

  private async admit(socket: ChatSocket): Promise<SocketData> {
    const verify = this.credentialOf(socket);
    let userId: string;
    let sessionId: string;
    let tokenExpiresAt: number;
    try {
      ({ userId, sessionId, expiresAt: tokenExpiresAt } = await verify());
    } catch (error) {
      if (error instanceof AppError && error.status === 401) throw this.refused(unauthorized(error.message));
      throw refusal(serviceUnavailable('The service cannot check tokens right now'));
    }
    const rate = await this.limiter.hit('socket-connect', `user:${userId}`, CONNECTS_PER_MINUTE, 60_000);
    if (!rate.allowed) throw this.refused(tooManyRequests('Too many connections in a minute'));
    // Already gone: nothing to count (and no online-then-offline flicker for the user's contacts).
    if (closed(socket)) throw gone();
    if (!(await this.presence.connect(userId))) {
      throw this.refused(tooManyRequests('Too many open connections for this user'));
    }
    return { userId, sessionId, tokenExpiresAt };
  }

  /**
   * A user's access token in `auth.token`, or a bot's API key in `auth.apiKey` (one of them, not
   * both): the check to run for it, or a refusal when neither is there in a usable shape.
   */
  private credentialOf(socket: ChatSocket): () => Promise<AuthContext> {
    const { token, apiKey } = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    if (apiKey !== undefined) {
      const key = token === undefined ? parseBotKey(apiKey) : null;
      if (!key) throw this.refused(unauthorized('auth.apiKey must be a bot API key, and comes without auth.token'));
      return () => this.verifier.verifyBotKey(key);
    }
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw this.refused(unauthorized('An access token is required in auth.token (or a bot API key in auth.apiKey)'));
    }
    return () => this.verifier.verify(token);
  }

  private refused(error: AppError): Error {
    this.metrics.refusedConnections.inc({ reason: error.code.toLowerCase() });
    return refusal(error);
  }
}
