import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { together } from '#src/infra/redis/redis-nodes.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';

/** Counts the user's sockets on live instances; adds one here unless that reaches the cap (-1). */
const CONNECT_SCRIPT = `
local total = 0
for i = 4, #ARGV do total = total + math.max(0, tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')) end
if total >= tonumber(ARGV[2]) then return -1 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return total
`;

/** Removes one socket here; answers how many the user still has on live instances. */
const DISCONNECT_SCRIPT = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local total = 0
for i = 2, #ARGV do total = total + math.max(0, tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')) end
return total
`;

/**
 * Each user's sockets on the live instances, in KEYS' order after the first: the instances' set
 * (KEYS[1]) read for those with a heartbeat since ARGV[1], then the socket counts of a message's
 * recipients, in one command. Only where every key lives on one server.
 */
const COUNTS_SCRIPT = `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local totals = {}
for i = 2, #KEYS do
  local total = 0
  if #live > 0 then
    for _, count in ipairs(redis.call('HMGET', KEYS[i], unpack(live))) do total = total + math.max(0, tonumber(count or '0')) end
  end
  totals[i - 1] = total
end
return totals
`;

/**
 * One heartbeat's writes for a batch of this instance's users: its own heartbeat, each user's count
 * here with the hash's expiry, and the users in the instance's set. KEYS: the instances' set, the
 * instance's users, then one hash per user; ARGV: instance id, now (ms), TTL, then user id and count
 * pairs in the hashes' order.
 */
const HEARTBEAT_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
for i = 3, #KEYS do
  local pair = 2 * (i - 2) + 2
  redis.call('HSET', KEYS[i], ARGV[1], ARGV[pair + 1])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[pair])
end
redis.call('EXPIRE', KEYS[2], ARGV[3] * 10)
return #KEYS - 2
`;
/** Users per heartbeat script: each call holds Redis for well under a millisecond. */
const HEARTBEAT_BATCH = 500;

/** Sockets over the instances' counts in a user's hash (a missing field, or a negative one, counts 0). */
const total = (counts: (string | null)[]) => counts.reduce((sum, count) => sum + Math.max(0, Number(count ?? 0)), 0);

type Commands = {
  presenceConnect(key: string, instanceId: string, max: number, ttl: number, ...live: string[]): Promise<number>;
  presenceDisconnect(key: string, instanceId: string, ...live: string[]): Promise<number>;
  presenceCounts(keyCount: number, ...keysThenSince: (string | number)[]): Promise<number[]>;
  presenceHeartbeat(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number>;
};

/**
 * Presence in Redis. Each user has a hash of instance id to socket count; each instance renews
 * its heartbeat in a sorted set. Only instances whose heartbeat is recent count, so the users of a
 * crashed instance go offline by themselves once its heartbeat is older than the TTL.
 */
@Injectable()
export class PresenceStore {
  private readonly commands: Commands;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.defineCommand('presenceConnect', { numberOfKeys: 1, lua: CONNECT_SCRIPT });
    redis.defineCommand('presenceDisconnect', { numberOfKeys: 1, lua: DISCONNECT_SCRIPT });
    redis.defineCommand('presenceCounts', { lua: COUNTS_SCRIPT });
    redis.defineCommand('presenceHeartbeat', { lua: HEARTBEAT_SCRIPT });
    this.commands = redis as unknown as Commands;
  }

  /** The user's socket count on live instances before this one, or -1 when `max` is reached. */
  connect(userId: string, instanceId: string, max: number, ttlSeconds: number, live: string[]): Promise<number> {
    return this.commands.presenceConnect(RedisKeys.presenceUser(userId), instanceId, max, ttlSeconds, ...live);
  }

  /** The user's socket count on live instances after removing one here. */
  disconnect(userId: string, instanceId: string, live: string[]): Promise<number> {
    return this.commands.presenceDisconnect(RedisKeys.presenceUser(userId), instanceId, ...live);
  }

  /**
   * Users with a socket on any of these instances. Each instance's set is read on its own server
   * (they may sit in different Cluster slots) and the union is made here.
   */
  async usersOn(instanceIds: string[]): Promise<number> {
    const sets = await Promise.all(instanceIds.map((id) => this.redis.smembers(RedisKeys.presenceInstanceUsers(id))));
    return new Set(sets.flat()).size;
  }

  async liveInstances(ttlMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(RedisKeys.presenceInstances(), Date.now() - ttlMs, '+inf');
  }

  /** Instances whose last heartbeat is older than the TTL, with that heartbeat (ms). */
  async deadInstances(ttlMs: number): Promise<{ instanceId: string; lastBeat: number }[]> {
    const flat = await this.redis.zrangebyscore(
      RedisKeys.presenceInstances(),
      '-inf',
      `(${Date.now() - ttlMs}`,
      'WITHSCORES',
    );
    const dead: { instanceId: string; lastBeat: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) dead.push({ instanceId: flat[i], lastBeat: Number(flat[i + 1]) });
    return dead;
  }

  /** Renews this instance and re-asserts its sockets (so presence heals after Redis lost its data). */
  async heartbeat(instanceId: string, local: Map<string, number>, ttlSeconds: number): Promise<void> {
    // A few scripts for all of them on one server; a Cluster spreads the keys over slots.
    if (!this.redis.isCluster) return this.heartbeatInScripts(instanceId, local, ttlSeconds);
    const writes: Promise<unknown>[] = [this.redis.zadd(RedisKeys.presenceInstances(), Date.now(), instanceId)];
    const users = RedisKeys.presenceInstanceUsers(instanceId);
    // Each key's write and expiry in one transaction: a key is never left without its TTL.
    for (const [userId, count] of local) {
      const key = RedisKeys.presenceUser(userId);
      writes.push(this.redis.multi().hset(key, instanceId, count).expire(key, ttlSeconds).exec());
    }
    if (local.size > 0) {
      writes.push(
        this.redis
          .multi()
          .sadd(users, ...local.keys())
          .expire(users, ttlSeconds * 10)
          .exec(),
      );
    }
    await Promise.all(writes);
  }

  private async heartbeatInScripts(instanceId: string, local: Map<string, number>, ttlSeconds: number): Promise<void> {
    const entries = [...local];
    const scripts: Promise<number>[] = [];
    // Even with no socket here, the instance's own heartbeat is written.
    for (let start = 0; start === 0 || start < entries.length; start += HEARTBEAT_BATCH) {
      const batch = entries.slice(start, start + HEARTBEAT_BATCH);
      const keys = [
        RedisKeys.presenceInstances(),
        RedisKeys.presenceInstanceUsers(instanceId),
        ...batch.map(([userId]) => RedisKeys.presenceUser(userId)),
      ];
      const pairs = batch.flatMap(([userId, count]) => [userId, count]);
      scripts.push(this.commands.presenceHeartbeat(keys.length, ...keys, instanceId, Date.now(), ttlSeconds, ...pairs));
    }
    await Promise.all(scripts);
  }

  async addToInstance(instanceId: string, userId: string, ttlSeconds: number): Promise<void> {
    const users = RedisKeys.presenceInstanceUsers(instanceId);
    await this.redis
      .multi()
      .sadd(users, userId)
      .expire(users, ttlSeconds * 10)
      .exec();
  }

  async removeFromInstance(instanceId: string, userId: string): Promise<void> {
    await this.redis.srem(RedisKeys.presenceInstanceUsers(instanceId), userId);
  }

  /** Takes the sweep of a dead instance (one instance does it); its users, or null if another has it. */
  async claimDead(instanceId: string, lockMs: number): Promise<string[] | null> {
    const claimed = await this.redis.set(RedisKeys.presenceSweepLock(instanceId), '1', 'PX', lockMs, 'NX');
    if (!claimed) return null;
    return this.redis.smembers(RedisKeys.presenceInstanceUsers(instanceId));
  }

  /** Drops a dead instance's sockets from one user; answers the sockets the user has left on live instances. */
  async dropDeadSockets(userId: string, deadId: string, live: string[]): Promise<number> {
    const key = RedisKeys.presenceUser(userId);
    const [, counts] = await Promise.all([
      this.redis.hdel(key, deadId),
      live.length ? this.redis.hmget(key, ...live) : [],
    ]);
    return total(counts);
  }

  /** An instance leaves: shut down cleanly after its sockets closed, or swept once dead. */
  async removeInstance(instanceId: string): Promise<void> {
    await Promise.all([
      this.redis.zrem(RedisKeys.presenceInstances(), instanceId),
      this.redis.del(RedisKeys.presenceInstanceUsers(instanceId)),
    ]);
  }

  /** Socket counts on the instances with a heartbeat in the last `ttlMs`, per user. */
  async socketCounts(userIds: string[], ttlMs: number): Promise<number[]> {
    if (userIds.length === 0) return [];
    const since = Date.now() - ttlMs;
    // On a Cluster the set and the users' hashes sit in different slots: the set, then one HMGET each.
    if (!this.redis.isCluster) {
      const keys = [RedisKeys.presenceInstances(), ...userIds.map(RedisKeys.presenceUser)];
      return this.commands.presenceCounts(keys.length, ...keys, since);
    }
    const live = await this.liveInstances(ttlMs);
    if (live.length === 0) return userIds.map(() => 0);
    const results = await together(userIds.map((userId) => this.redis.hmget(RedisKeys.presenceUser(userId), ...live)));
    return results.map(([error, counts]) => {
      if (error) throw error;
      return total(counts as (string | null)[]);
    });
  }
}
