import { Injectable } from '@nestjs/common';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import type { BotKeyOwner } from './bot-keys.repository.js';

export class BotKeyCacheSettings extends configSlice('BOT_KEY_CACHE_TTL_SECONDS') {}

/**
 * Who a bot's key stands for, by the key's hash. What it holds never changes while the key lives;
 * whether the key's session is revoked is not cached here but checked on every request (as for
 * access tokens), so an entry that outlived its bot still lets nothing through.
 */
@Injectable()
export class BotKeyCache {
  private readonly ttlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    settings: BotKeyCacheSettings,
  ) {
    this.ttlSeconds = settings.BOT_KEY_CACHE_TTL_SECONDS;
  }

  /** Unknown and revoked keys are not stored: the load finds nothing for them. */
  owner(keyHash: string, load: () => Promise<BotKeyOwner | null>) {
    return this.cache.getOrLoad('bot-key', RedisKeys.botKey(keyHash), this.ttlSeconds, load);
  }

  /** The bot was deleted: its keys name no one any more. */
  keysRevoked(keyHashes: string[]): Promise<void> {
    return this.cache.invalidate(...keyHashes.map((hash) => RedisKeys.botKey(hash)));
  }
}
