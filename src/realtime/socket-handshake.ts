import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier } from '#src/auth/access-token.verifier.js';
import { AppError } from '#src/common/errors/app-error.js';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import type { ChatSocket } from './socket-types.js';

/** New connections per user per minute, over all instances (reconnect storms included). */
const CONNECTS_PER_MINUTE = 60;

/** A refused handshake: the client's `connect_error` carries `message` (the code) and `data`. */
function refusal(code: 'UNAUTHORIZED' | 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE', message: string): Error {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * Admits a socket: a valid access token whose session is not revoked (the same check as REST),
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
      () => next(),
      (error: Error) => next(error),
    );
  };

  private async admit(socket: ChatSocket): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw this.refused('UNAUTHORIZED', 'An access token is required in auth.token');
    }
    let userId: string;
    let sessionId: string;
    try {
      ({ userId, sessionId } = await this.verifier.verify(token));
    } catch (error) {
      if (error instanceof AppError && error.status === 401) throw this.refused('UNAUTHORIZED', error.message);
      throw refusal('SERVICE_UNAVAILABLE', 'The service cannot check tokens right now');
    }
    const rate = await this.limiter.hit('socket-connect', `user:${userId}`, CONNECTS_PER_MINUTE, 60_000);
    if (!rate.allowed) throw this.refused('RATE_LIMITED', 'Too many connections in a minute');
    if (!(await this.presence.connect(userId))) {
      throw this.refused('RATE_LIMITED', 'Too many open connections for this user');
    }
    socket.data = { userId, sessionId };
  }

  private refused(code: 'UNAUTHORIZED' | 'RATE_LIMITED', message: string): Error {
    this.metrics.refusedConnections.inc({ reason: code.toLowerCase() });
    return refusal(code, message);
  }
}
