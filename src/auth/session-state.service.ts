import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { Session } from '#src/generated/prisma/client.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { onConnectionMoved } from '#src/infra/redis/redis-client.factory.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { together } from '#src/infra/redis/redis-nodes.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { SessionRepository } from './session.repository.js';
import { TokensService } from './tokens.service.js';
import { TouchSlots } from './touch-slots.js';

/**
 * Revocations committed shortly before the last replay may not have been visible to it yet (their
 * `revokedAt` is taken before the commit, on this instance's clock): replay that far back.
 */
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
 * Writes the mirror of a session unless Redis already says it is revoked: a mirror rebuilt from a
 * Postgres read that a revocation overtook must not write `revoked=0` back over the revocation.
 * ARGV: revoked (0/1), expiry (ms since the epoch), then field/value pairs.
 */
const MIRROR_SCRIPT = `
if redis.call('HGET', KEYS[1], 'revoked') == '1' then
  return 0
end
redis.call('HSET', KEYS[1], 'revoked', ARGV[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

type MirrorCommand = (key: string, revoked: string, expiresAtMs: number, ...fields: string[]) => Promise<number>;

export class SessionStateSettings extends configSlice('PRESENCE_HEARTBEAT_SECONDS') {}

/**
 * Which sessions are revoked, answered from Redis on every request and from Postgres when Redis
 * cannot answer. Redis holds a mirror of each session (`revoked` 0/1, device, ip, times) and the
 * ids of revoked access tokens; the mirror never turns a revoked session active again. Postgres
 * stays the source of truth: on every heartbeat each instance copies the revocations committed
 * since its last copy from Postgres to Redis, so one whose Redis write never happened (the
 * instance died after its commit, Redis was down or failed over) is honoured everywhere within a
 * heartbeat. While Redis may be missing revocations, its "active" is not trusted.
 */
@Injectable()
export class SessionStateService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionStateService.name);
  private readonly heartbeatMs: number;
  private readonly mirrorCommand: MirrorCommand;
  private staleSince?: Date;
  /** Revocations committed before this moment (less the margin) are in Redis. */
  private replayedUpTo: Date;
  private replaying?: Promise<void>;
  private replayTimer?: NodeJS.Timeout;
  private readonly touchMirror: TouchMirror;
  private readonly touchSlots = new TouchSlots(TOUCH_INTERVAL_SECONDS * 1000);
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokensService,
    settings: SessionStateSettings,
  ) {
    redis.defineCommand('sessionTouchMirror', { numberOfKeys: 1, lua: TOUCH_MIRROR_SCRIPT });
    this.touchMirror = (redis as unknown as { sessionTouchMirror: TouchMirror }).sessionTouchMirror.bind(redis);
    this.heartbeatMs = settings.PRESENCE_HEARTBEAT_SECONDS * 1000;
    // A revocation older than an access token's lifetime has no token left to refuse.
    this.replayedUpTo = new Date(Date.now() - this.tokens.accessTtlSeconds * 1000);
    redis.defineCommand('sessionMirror', { numberOfKeys: 1, lua: MIRROR_SCRIPT });
    this.mirrorCommand = (redis as unknown as { sessionMirror: MirrorCommand }).sessionMirror.bind(redis);
  }

  onModuleInit(): void {
    this.redis.on('error', () => this.markStale(new Date()));
    // A Sentinel failover: the new master may lack the revocations written just before it.
    onConnectionMoved(this.redis, () => this.markStale(new Date()));
    // Replay as soon as Redis is back, not only on the retry timer: until then Postgres decides.
    this.redis.on('ready', () => {
      if (!this.staleSince) return;
      clearTimeout(this.replayTimer);
      this.replayTimer = undefined;
      void this.replay();
    });
    this.heartbeat = setInterval(() => void this.replay(), this.heartbeatMs).unref();
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.replayTimer);
    clearInterval(this.heartbeat);
  }

  /**
   * False when the token, or its session, is revoked, expired or unknown. In the same round trip
   * to Redis it claims the once-a-minute slot for recording the session's activity, unless this
   * instance holds it already.
   */
  async admit(auth: AuthContext): Promise<boolean> {
    try {
      const touching = !this.touchSlots.holds(auth.sessionId);
      const [[tokenError, tokenRevoked], [sessionError, mirrored], touch] = await together([
        this.redis.exists(RedisKeys.revokedAccessToken(auth.jti)),
        this.redis.hmget(RedisKeys.session(auth.sessionId), 'revoked', 'userId'),
        ...(touching
          ? [this.redis.set(RedisKeys.sessionTouched(auth.sessionId), '1', 'EX', TOUCH_INTERVAL_SECONDS, 'NX')]
          : []),
      ]);
      const claimedSlot = touch?.[1] === 'OK';
      if (claimedSlot) this.touchSlots.claimed(auth.sessionId);
      const [revoked, owner] = (mirrored as (string | null)[] | undefined) ?? [];
      if (!tokenError && !sessionError) {
        // A token naming a session of someone else is refused, however it was signed.
        if (tokenRevoked === 1 || revoked === '1' || (owner && owner !== auth.userId)) return false;
        // While revocations made during an outage may be missing from Redis, its "active" is not trusted.
        if (revoked === '0' && !this.staleSince) {
          if (claimedSlot) void this.recordActivity(auth.sessionId);
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

  /** Writes the Redis mirror of a session, never over a revocation; a failure leaves Postgres to answer. */
  async mirror(session: Session): Promise<void> {
    const revoked = session.revokedAt !== null;
    const expiresAtMs = revoked ? Date.now() + this.tokens.accessTtlSeconds * 1000 : session.expiresAt.getTime();
    const fields = {
      userId: session.userId,
      deviceName: session.deviceName ?? '',
      deviceType: session.deviceType ?? '',
      deviceOs: session.deviceOs ?? '',
      ip: session.ip ?? '',
      userAgent: session.userAgent ?? '',
      createdAt: session.createdAt.toISOString(),
      lastActiveAt: session.lastActiveAt.toISOString(),
    };
    await this.mirrorCommand(
      RedisKeys.session(session.id),
      revoked ? '1' : '0',
      expiresAtMs,
      ...Object.entries(fields).flat(),
    ).catch(() => undefined);
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
    if (results.some(([error]) => error)) {
      await this.forgetMirrors(sessionIds);
      this.markStale(new Date());
    }
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

  /**
   * Deletes the mirrors of sessions whose revocation Redis did not take. Only this instance knows it
   * failed: the others would go on reading "active" from the mirror. A Redis that refuses writes
   * (full under `noeviction`) still takes deletions; without the mirror, every instance asks
   * Postgres. When Redis is down this fails too, and every instance goes to Postgres anyway.
   */
  private async forgetMirrors(sessionIds: string[]): Promise<void> {
    await together(sessionIds.map((id) => this.redis.unlink(RedisKeys.session(id))));
  }

  private markStale(at: Date): void {
    if (this.closed) return;
    if (!this.staleSince || at < this.staleSince) this.staleSince = at;
    this.replayTimer ??= setTimeout(() => void this.replay(), REPLAY_RETRY_MS).unref();
  }

  /** One replay at a time: the heartbeat, the retry timer and a reconnection may all ask for one. */
  private replay(): Promise<void> {
    this.replaying ??= this.copyRevocations().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /**
   * Copies every revocation since the last copy, or since Redis went stale if that is earlier, from
   * Postgres to Redis; while Redis is stale, retries until it succeeds.
   */
  private async copyRevocations(): Promise<void> {
    this.replayTimer = undefined;
    const staleSince = this.staleSince;
    const startedAt = new Date();
    const from = staleSince && staleSince < this.replayedUpTo ? staleSince : this.replayedUpTo;
    let ids: string[];
    try {
      ids = await this.sessions.revokedSince(new Date(from.getTime() - REPLAY_MARGIN_MS));
    } catch (error) {
      // Postgres unavailable: the next heartbeat (or retry, while Redis is stale) covers this stretch too.
      if (staleSince && !this.closed)
        this.replayTimer ??= setTimeout(() => void this.replay(), REPLAY_RETRY_MS).unref();
      this.logger.warn(`session revocations not replayed: ${(error as Error).message}`);
      return;
    }
    const results = await together(this.revokedMarkers(ids));
    // Redis may now lack some of them: its "active" is not trusted until a replay goes through.
    if (results.some(([error]) => error)) {
      await this.forgetMirrors(ids.filter((_, index) => results[index][0]));
      return this.markStale(from);
    }
    this.replayedUpTo = startedAt;
    if (staleSince) {
      if (this.staleSince === staleSince) this.staleSince = undefined;
      this.logger.log(`replayed ${ids.length} session revocation(s) into Redis`);
    }
  }
}
