import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import type { Prisma, Session } from '#src/generated/prisma/client.js';
import { accountSuspended, sessionNotFound } from './auth.errors.js';
import { toSessionView, type SessionView } from './session.presenter.js';
import { SessionRepository, type NewSession } from './session.repository.js';
import { SessionStateService } from './session-state.service.js';

const DAY_MS = 86_400_000;

const isActive = (session: Session) => !session.revokedAt && session.expiresAt > new Date();

/** `ended` names the session's user when the session exists: a suspension explains why it ended. */
export type Rotation =
  | { outcome: 'rotated'; userId: string }
  | { outcome: 'ended'; userId?: string }
  | { outcome: 'already-used' }
  | { outcome: 'reused' };

export class SessionSettings extends configSlice(
  'SESSIONS_MAX_PER_USER',
  'REFRESH_TOKEN_TTL_DAYS',
  'REFRESH_REUSE_GRACE_SECONDS',
) {}

/** Signed-in devices: opening (with the per-user cap), listing and revoking. */
@Injectable()
export class SessionsService {
  private readonly maxPerUser: number;
  private readonly lifetimeMs: number;
  private readonly reuseGraceMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly state: SessionStateService,
    private readonly events: ChatEvents,
    settings: SessionSettings,
  ) {
    this.maxPerUser = settings.SESSIONS_MAX_PER_USER;
    this.lifetimeMs = settings.REFRESH_TOKEN_TTL_DAYS * DAY_MS;
    this.reuseGraceMs = settings.REFRESH_REUSE_GRACE_SECONDS * 1000;
  }

  /** A new or refreshed session lives this long from now. */
  private nextExpiry(): Date {
    return new Date(Date.now() + this.lifetimeMs);
  }

  /**
   * Opens a session; past the per-user cap, the oldest sessions are revoked. 403
   * `ACCOUNT_SUSPENDED` when a suspension came first, even one written while the caller signed in.
   */
  async open(session: Omit<NewSession, 'expiresAt'>): Promise<Session> {
    const opened = await this.sessions.openUnlessSuspended({ ...session, expiresAt: this.nextExpiry() });
    if ('suspension' in opened) throw accountSuspended(opened.suspension.until);
    const created = opened.session;
    await this.state.mirror(created);
    const active = await this.sessions.findActiveForUser(session.userId);
    const excess = active.slice(this.maxPerUser).map((row) => row.id);
    if (excess.length > 0) await this.revoke(session.userId, excess);
    return created;
  }

  /** Whether `userId` opened a session from `ip` within the session lifetime (a place the owner signs in from). */
  signedInFrom(userId: string, ip: string): Promise<boolean> {
    return this.sessions.existsFrom(userId, ip, new Date(Date.now() - this.lifetimeMs));
  }

  async list(caller: AuthContext): Promise<{ items: SessionView[] }> {
    const sessions = await this.sessions.findActiveForUser(caller.userId);
    return {
      items: sessions.map((session) => toSessionView(session, caller.sessionId)),
    };
  }

  /**
   * Moves a session past refresh `generation`. Of concurrent rotations from one generation exactly
   * one succeeds. `ended`: revoked, expired or unknown. `already-used`: the token was first used
   * less than REFRESH_REUSE_GRACE_SECONDS ago (another tab of the same client refreshing at the same
   * moment): refused, the session left alone. `reused`: a token that was issued for this session
   * and first used longer ago than that (it was copied): the session is revoked.
   */
  async rotate(sessionId: string, generation: number): Promise<Rotation> {
    let session = await this.sessions.findById(sessionId);
    if (!session || !isActive(session)) return { outcome: 'ended', userId: session?.userId };
    if (generation === session.refreshGeneration) {
      const now = new Date();
      const refreshTimes = [...this.withinGrace(session.refreshTimes, now), now];
      if (
        await this.sessions.advanceGeneration(session.id, generation, { expiresAt: this.nextExpiry(), refreshTimes })
      ) {
        return { outcome: 'rotated', userId: session.userId };
      }
      // Another refresh with this token won the race (or the session ended meanwhile).
      session = await this.sessions.findById(sessionId);
      if (!session || !isActive(session)) return { outcome: 'ended', userId: session?.userId };
    }
    // refreshTimes ends with the first use of generation refreshGeneration - 1, and goes back from there.
    const firstUse = session.refreshTimes.at(generation - session.refreshGeneration);
    if (generation < session.refreshGeneration && firstUse && this.isRecent(firstUse, Date.now())) {
      return { outcome: 'already-used' };
    }
    await this.revoke(session.userId, [session.id]);
    return { outcome: 'reused' };
  }

  private isRecent(time: Date, now: number): boolean {
    return now - time.getTime() <= this.reuseGraceMs;
  }

  /** The refresh times still within the reuse grace: a prefix goes, so the rest keep their generations. */
  private withinGrace(times: Date[], now: Date): Date[] {
    const first = times.findIndex((time) => this.isRecent(time, now.getTime()));
    return first < 0 ? [] : times.slice(first);
  }

  /** Revokes one of the caller's sessions; 404 when it is not theirs or not active. */
  async revokeOne(caller: AuthContext, sessionId: string): Promise<void> {
    const revoked = await this.revoke(caller.userId, [sessionId], caller);
    if (revoked.length === 0) throw sessionNotFound();
  }

  /** Those of `ids` that are no longer active, from Postgres: open sockets of these must close. */
  endedAmong(ids: string[]): Promise<string[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.sessions.endedAmong(ids);
  }

  /** How many sessions are active, of all users (for operators). */
  countActive(): Promise<number> {
    return this.sessions.countActive();
  }

  /** Revokes sessions of `userId` (all of them without `ids`), in Postgres first, then in Redis. */
  async revoke(userId: string, ids?: string[], caller?: AuthContext): Promise<string[]> {
    const revoked = await this.sessions.revoke(userId, ids);
    await this.revoked(userId, revoked, caller);
    return revoked;
  }

  /**
   * Revokes every session of `userId` in the caller's transaction `tx`, which commits it with the
   * action it belongs to (a suspension); `revoked` must follow the commit. Should this instance die
   * in between, the replay of revocations into Redis and the socket watch, both from Postgres,
   * finish the work within a heartbeat.
   */
  revokeAllWithin(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
    return this.sessions.revoke(userId, undefined, tx);
  }

  /**
   * After sessions were revoked in Postgres (by `revoke`, or in another feature's transaction: a
   * suspension, a bot's deletion): Redis refuses their tokens, their sockets close on every instance.
   */
  async revoked(userId: string, sessionIds: string[], caller?: AuthContext): Promise<void> {
    const ownToken = caller && sessionIds.includes(caller.sessionId) ? caller : undefined;
    await this.state.markRevoked(sessionIds, ownToken);
    if (sessionIds.length > 0) this.events.publish('session.revoked', { userId, sessionIds });
  }
}
