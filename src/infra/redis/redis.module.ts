import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { configSlice } from '#src/infra/config/config-slice.js';
import {
  closeRedisClient,
  createRedisClient,
  waitUntilReady,
  type RedisClientSettings,
} from './redis-client.factory.js';
import { redisTopology } from './redis-topology.js';
import { REDIS, REDIS_PUBLISHER, REDIS_SUBSCRIBER } from './redis.tokens.js';

class RedisSettings extends configSlice(
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'REDIS_COMMAND_TIMEOUT_MS',
  'REDIS_CONNECT_TIMEOUT_MS',
) {}

function clientSettings(settings: RedisSettings): RedisClientSettings {
  const topology = redisTopology(settings);
  // The runtime starts an embedded Redis whenever none is configured, so there always is one here.
  if (!topology) throw new Error('No Redis configured: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES');
  return {
    topology,
    commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: settings.REDIS_CONNECT_TIMEOUT_MS,
  };
}

@Global()
@Module({
  providers: [
    RedisSettings,
    {
      provide: REDIS,
      inject: [RedisSettings],
      useFactory: async (settings: RedisSettings) => {
        const client = createRedisClient(clientSettings(settings), 'command');
        await waitUntilReady(client, settings.REDIS_CONNECT_TIMEOUT_MS);
        return client;
      },
    },
    {
      provide: REDIS_PUBLISHER,
      inject: [RedisSettings],
      useFactory: async (settings: RedisSettings) => {
        const client = createRedisClient(clientSettings(settings), 'publisher');
        await waitUntilReady(client, settings.REDIS_CONNECT_TIMEOUT_MS);
        return client;
      },
    },
    {
      provide: REDIS_SUBSCRIBER,
      inject: [RedisSettings],
      // Connected before the socket adapter subscribes, so no event of the first moments is missed.
      useFactory: async (settings: RedisSettings) => {
        const client = createRedisClient(clientSettings(settings), 'subscriber');
        await waitUntilReady(client, settings.REDIS_CONNECT_TIMEOUT_MS);
        return client;
      },
    },
  ],
  exports: [REDIS, REDIS_PUBLISHER, REDIS_SUBSCRIBER],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly client: Redis,
    @Inject(REDIS_PUBLISHER) private readonly publisher: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, this.publisher, this.subscriber].map((client) => closeRedisClient(client)));
  }
}
