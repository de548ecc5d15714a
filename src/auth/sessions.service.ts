import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { AppError } from '#src/common/errors/app-error.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import type { Session } from '#src/generated/prisma/client.js';
import { SessionRepository, type NewSession } from './session.repository.js';
import { SessionStateService } from './session-state.service.js';

export interface SessionView {
  id: string;
  device: { name: string | null; type: string | null; os: string | null };
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastActiveAt: string;
  current: boolean;
}

const DAY_MS = 86_400_000;

export type Rotation = { outcome: 'rotated'; userId: string } | { outcome: 'ended' } | { outcome: 'reused' };

/** Signed-in devices: opening (with the per-user cap), listing and revoking. */
@Injectable()
export class SessionsService {
  private readonly maxPerUser: number;
  private readonly lifetimeMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly state: SessionStateService,
    private readonly events: ChatEvents,
    config: ConfigService<AppConfig, true>,
  ) {
    this.maxPerUser = config.get('SESSIONS_MAX_PER_USER', { infer: true });
    this.lifetimeMs = config.get('REFRESH_TOKEN_TTL_DAYS', { infer: true }) * DAY_MS;
  }

  /** A new or refreshed session lives this long from now. */
  private nextExpiry(): Date {
    return new Date(Date.now() + this.lifetimeMs);
  }

  /** Opens a session; past the per-user cap, the oldest sessions are revoked. */
  async open(session: Omit<NewSession, 'expiresAt'>): Promise<Session> {
    const created = await this.sessions.create({ ...session, expiresAt: this.nextExpiry() });
    await this.state.mirror(created);
    const active = await this.sessions.findActiveForUser(session.userId);
    const excess = active.slice(this.maxPerUser).map((row) => row.id);
    if (excess.length > 0) await this.revoke(session.userId, excess);
    return created;
  }

  async list(caller: AuthContext): Promise<{ items: SessionView[] }> {
    const sessions = await this.sessions.findActiveForUser(caller.userId);
    return {
      items: sessions.map((session) => ({
        id: session.id,
        device: { name: session.deviceName, type: session.deviceType, os: session.deviceOs },
        ip: session.ip,
        userAgent: session.userAgent,
        createdAt: session.createdAt.toISOString(),
        lastActiveAt: session.lastActiveAt.toISOString(),
        current: session.id === caller.sessionId,
      })),
    };
  }

  /**
   * Moves a session past refresh `generation`. `ended`: revoked, expired or unknown. `reused`: the
   * token was issued for this session but is no longer current (it was copied), so the session is
   * now revoked. Of two concurrent rotations from one generation exactly one succeeds.
   */
  async rotate(sessionId: string, generation: number): Promise<Rotation> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return { outcome: 'ended' };
    const advanced =
      generation === session.refreshGeneration &&
      (await this.sessions.advanceGeneration(session.id, generation, this.nextExpiry()));
    if (advanced) return { outcome: 'rotated', userId: session.userId };
    await this.revoke(session.userId, [session.id]);
    return { outcome: 'reused' };
  }

  /** Revokes one of the caller's sessions; 404 when it is not theirs or not active. */
  async revokeOne(caller: AuthContext, sessionId: string): Promise<void> {
    const revoked = await this.revoke(caller.userId, [sessionId], caller);
    if (revoked.length === 0) throw new AppError(404, 'SESSION_NOT_FOUND', 'No active session with this id');
  }

  /** Those of `ids` that are no longer active, from Postgres: open sockets of these must close. */
  endedAmong(ids: string[]): Promise<string[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.sessions.endedAmong(ids);
  }

  /** Revokes sessions of `userId` (all of them without `ids`), in Postgres first, then in Redis. */
  async revoke(userId: string, ids?: string[], caller?: AuthContext): Promise<string[]> {
    const revoked = await this.sessions.revoke(userId, ids);
    const ownToken = caller && revoked.includes(caller.sessionId) ? caller : undefined;
    await this.state.markRevoked(revoked, ownToken);
    // Their sockets are disconnected, on every instance.
    if (revoked.length > 0) this.events.publish('session.revoked', { userId, sessionIds: revoked });
    return revoked;
  }
}
