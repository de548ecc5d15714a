import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { Session } from '#src/generated/prisma/client.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { together } from '#src/infra/redis/redis-nodes.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { SessionRepository } from './session.repository.js';
import { TokensService } from './tokens.service.js';

/** Revocations committed shortly before Redis failed may not have reached it: replay that far back. */
const REPLAY_MARGIN_MS = 60_000;
const REPLAY_RETRY_MS = 1_000;
const TOUCH_INTERVAL_SECONDS = 60;

/** Sets one field of a session's mirror only while the mirror exists: HSET alone would re-create it without its expiry. */
const TOUCH_MIRROR_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
`;

type TouchMirror = (key: string, field: string, value: string) => Promise<number>;

/**
 * Which sessions are revoked, answered from Redis on every request and from Postgres when Redis
 * cannot answer. Redis holds a mirror of each session (`revoked` 0/1, device, ip, times) and the
 * ids of revoked access tokens. Postgres stays the source of truth: a revocation that could not be
 * written to Redis, or that happened while it was down, is replayed from Postgres once it is back,
 * so revoked stays revoked on every instance.
 */
@Injectable()
export class SessionStateService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionStateService.name);
  private staleSince?: Date;
  private replayTimer?: NodeJS.Timeout;
  private readonly touchMirror: TouchMirror;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokensService,
  ) {
    redis.defineCommand('sessionTouchMirror', { numberOfKeys: 1, lua: TOUCH_MIRROR_SCRIPT });
    this.touchMirror = (redis as unknown as { sessionTouchMirror: TouchMirror }).sessionTouchMirror.bind(redis);
  }

  onModuleInit(): void {
    this.redis.on('error', () => this.markStale(new Date()));
    // Replay as soon as Redis is back, not only on the retry timer: until then Postgres decides.
    this.redis.on('ready', () => {
      if (!this.staleSince) return;
      clearTimeout(this.replayTimer);
      this.replayTimer = undefined;
      void this.replay();
    });
  }

  onModuleDestroy(): void {
    clearTimeout(this.replayTimer);
  }

  /**
   * False when the token, or its session, is revoked, expired or unknown. In the same round trip
   * to Redis it claims the once-a-minute slot for recording the session's activity.
   */
  async admit(auth: AuthContext): Promise<boolean> {
    try {
      const [[tokenError, tokenRevoked], [sessionError, mirrored], [, touchSlot]] = await together([
        this.redis.exists(RedisKeys.revokedAccessToken(auth.jti)),
        this.redis.hmget(RedisKeys.session(auth.sessionId), 'revoked', 'userId'),
        this.redis.set(RedisKeys.sessionTouched(auth.sessionId), '1', 'EX', TOUCH_INTERVAL_SECONDS, 'NX'),
      ]);
      const [revoked, owner] = (mirrored as (string | null)[] | undefined) ?? [];
      if (!tokenError && !sessionError) {
        // A token naming a session of someone else is refused, however it was signed.
        if (tokenRevoked === 1 || revoked === '1' || (owner && owner !== auth.userId)) return false;
        // While revocations made during an outage may be missing from Redis, its "active" is not trusted.
        if (revoked === '0' && !this.staleSince) {
          if (touchSlot === 'OK') void this.recordActivity(auth.sessionId);
          return true;
        }
      }
    } catch {
      // Redis unavailable: Postgres decides below.
    }
    const session = await this.sessions.findById(auth.sessionId);
    const active = !!session && session.userId === auth.userId && !session.revokedAt && session.expiresAt > new Date();
    if (session) void this.mirror(session);
    return active;
  }

  /** Writes the Redis mirror of a session; a failure leaves Postgres to answer. */
  async mirror(session: Session): Promise<void> {
    const key = RedisKeys.session(session.id);
    const revoked = session.revokedAt !== null;
    await this.redis
      .multi()
      .hset(key, {
        userId: session.userId,
        revoked: revoked ? '1' : '0',
        deviceName: session.deviceName ?? '',
        deviceType: session.deviceType ?? '',
        deviceOs: session.deviceOs ?? '',
        ip: session.ip ?? '',
        userAgent: session.userAgent ?? '',
        createdAt: session.createdAt.toISOString(),
        lastActiveAt: session.lastActiveAt.toISOString(),
      })
      .pexpireat(key, revoked ? Date.now() + this.tokens.accessTtlSeconds * 1000 : session.expiresAt.getTime())
      .exec()
      .catch(() => undefined);
  }

  /**
   * Marks sessions revoked in Redis (after Postgres), and the caller's own access token when given.
   * A revoked session only needs its marker while its access tokens can still be valid.
   */
  async markRevoked(sessionIds: string[], accessToken?: AuthContext): Promise<void> {
    const writes = this.revokedMarkers(sessionIds);
    const remainingMs = accessToken ? accessToken.expiresAt - Date.now() : 0;
    if (accessToken && remainingMs > 0) {
      writes.push(this.redis.set(RedisKeys.revokedAccessToken(accessToken.jti), '1', 'PX', remainingMs));
    }
    const results = await together(writes);
    if (results.some(([error]) => error)) this.markStale(new Date());
  }

  /** Writes the last-activity time; `admit` lets this happen at most once a minute per session. */
  private async recordActivity(sessionId: string): Promise<void> {
    const now = new Date();
    await Promise.all([
      this.sessions.touch(sessionId, now),
      this.touchMirror(RedisKeys.session(sessionId), 'lastActiveAt', now.toISOString()),
    ]).catch((error: Error) => this.logger.warn(`could not record session activity: ${error.message}`));
  }

  /**
   * The writes that mark sessions revoked; the marker only needs to outlive their access tokens.
   * Each is one transaction, so a marker never exists without its expiry.
   */
  private revokedMarkers(sessionIds: string[]): Promise<unknown>[] {
    return sessionIds.map((id) =>
      this.redis
        .multi()
        .hset(RedisKeys.session(id), 'revoked', '1')
        .expire(RedisKeys.session(id), this.tokens.accessTtlSeconds)
        .exec(),
    );
  }

  private markStale(at: Date): void {
    if (!this.staleSince || at < this.staleSince) this.staleSince = at;
    this.replayTimer ??= setTimeout(() => void this.replay(), REPLAY_RETRY_MS).unref();
  }

  /** Copies every revocation since the outage began from Postgres to Redis; retries until it succeeds. */
  private async replay(): Promise<void> {
    this.replayTimer = undefined;
    const since = this.staleSince;
    if (!since) return;
    try {
      const ids = await this.sessions.revokedSince(new Date(since.getTime() - REPLAY_MARGIN_MS));
      const results = await together(this.revokedMarkers(ids));
      if (results.some(([error]) => error)) throw new Error('Redis refused a write');
      if (this.staleSince === since) this.staleSince = undefined;
      this.logger.log(`replayed ${ids.length} session revocation(s) into Redis`);
    } catch {
      this.replayTimer ??= setTimeout(() => void this.replay(), REPLAY_RETRY_MS).unref();
    }
  }
}
