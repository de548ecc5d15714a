import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { onConnectionMoved } from '#src/infra/redis/redis-client.factory.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { CacheService } from './cache.service.js';

/**
 * After a Sentinel failover the new master may still hold entries whose invalidation reached only
 * the old one: every cache area is bypassed from the moment the connection moves until it has been
 * invalidated on the new master.
 */
@Injectable()
export class CacheFailoverWatch implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    onConnectionMoved(this.redis, () => this.cache.writesMayBeLost('Redis connection moving to another server'));
  }
}
