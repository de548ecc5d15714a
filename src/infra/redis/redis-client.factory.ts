import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisClientSettings {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

/** Reconnect forever, backing off to one attempt every 2 s. */
const retryStrategy = (attempt: number): number => Math.min(attempt * 200, 2000);

/**
 * Creates an ioredis client that can never crash the process: every `error` is listened to and
 * logged once per outage, not once per retry. `command` and `publisher` clients fail commands at once while
 * disconnected and bounds each command's time; `role: 'subscriber'` queues its subscriptions until
 * connected and restores them after a reconnect. `REDIS_URL` carries AUTH (`redis://user:pass@`)
 * and TLS (`rediss://`).
 */
export function createRedisClient(settings: RedisClientSettings, role: 'command' | 'publisher' | 'subscriber'): Redis {
  const logger = new Logger(`Redis:${role}`);
  const options: RedisOptions = {
    connectionName: `chat-${role}`,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy,
    ...(role !== 'subscriber'
      ? { enableOfflineQueue: false, commandTimeout: settings.commandTimeoutMs, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, autoResubscribe: true, maxRetriesPerRequest: null }),
  };
  const client = new Redis(settings.url, options);
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unavailable: ${error.message}`);
  });
  client.on('ready', () => {
    if (down) logger.log('Redis connection restored');
    down = false;
  });
  return client;
}

/** Waits up to `timeoutMs` for the first connection; the service starts without Redis otherwise. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onReady = () => finish(true);
    function finish(ready: boolean) {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    }
    client.once('ready', onReady);
  });
}

/** QUIT politely and wait for the socket to close; drop it if Redis does not answer within 1 s. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 1000).unref());
  const outcome = await Promise.race([client.quit().then(() => ended), timeout]).catch(() => 'timeout' as const);
  if (outcome === 'timeout') {
    client.disconnect();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}
