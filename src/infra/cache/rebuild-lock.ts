import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';

/** Deletes the lock only if it is still ours: after it expired, another process may hold it. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** Long enough for any load; should a holder die, the others wait at most this long to take over. */
const LOCK_TTL_MS = 5000;

type ReleaseCommand = (lockKey: string, token: string) => Promise<number>;

/**
 * A lock per cached key, shared by every instance (`SET NX PX`), so that only one process rebuilds
 * a missing value while the others wait for it. Every method throws when Redis does not answer.
 */
@Injectable()
export class RebuildLock {
  private readonly releaseCommand: ReleaseCommand;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.defineCommand('cacheLockRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.releaseCommand = (redis as unknown as { cacheLockRelease: ReleaseCommand }).cacheLockRelease.bind(redis);
  }

  /** Takes the lock of `key`; returns how to release it, or `undefined` when another process holds it. */
  async tryAcquire(key: string): Promise<(() => Promise<void>) | undefined> {
    const lockKey = RedisKeys.cacheLock(key);
    const token = randomUUID();
    const taken = await this.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX');
    if (taken !== 'OK') return undefined;
    return async () => {
      // A lock that cannot be released expires by itself.
      await this.releaseCommand(lockKey, token).catch(() => undefined);
    };
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(RedisKeys.cacheLock(key))) === 1;
  }
}
