import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import type { AppConfig } from '#src/infra/config/app-config.js';
import {
  closeRedisClient,
  createRedisClient,
  waitUntilReady,
  type RedisClientSettings,
} from './redis-client.factory.js';
import { redisTopology } from './redis-topology.js';
import { REDIS, REDIS_PUBLISHER, REDIS_SUBSCRIBER } from './redis.tokens.js';

function settings(config: ConfigService<AppConfig, true>): RedisClientSettings {
  const topology = redisTopology({
    REDIS_URL: config.get('REDIS_URL', { infer: true }),
    REDIS_SENTINELS: config.get('REDIS_SENTINELS', { infer: true }),
    REDIS_SENTINEL_NAME: config.get('REDIS_SENTINEL_NAME', { infer: true }),
    REDIS_CLUSTER_NODES: config.get('REDIS_CLUSTER_NODES', { infer: true }),
  });
  // The runtime starts an embedded Redis whenever none is configured, so there always is one here.
  if (!topology) throw new Error('No Redis configured: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES');
  return {
    topology,
    commandTimeoutMs: config.get('REDIS_COMMAND_TIMEOUT_MS', { infer: true }),
    connectTimeoutMs: config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }),
  };
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<AppConfig, true>) => {
        const client = createRedisClient(settings(config), 'command');
        await waitUntilReady(client, config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }));
        return client;
      },
    },
    {
      provide: REDIS_PUBLISHER,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<AppConfig, true>) => {
        const client = createRedisClient(settings(config), 'publisher');
        await waitUntilReady(client, config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }));
        return client;
      },
    },
    {
      provide: REDIS_SUBSCRIBER,
      inject: [ConfigService],
      // Connected before the socket adapter subscribes, so no event of the first moments is missed.
      useFactory: async (config: ConfigService<AppConfig, true>) => {
        const client = createRedisClient(settings(config), 'subscriber');
        await waitUntilReady(client, config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }));
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
