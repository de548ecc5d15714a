import { Logger } from '@nestjs/common';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from './redis-topology.js';

export interface RedisClientSettings {
  topology: RedisTopology;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export type RedisRole = 'command' | 'publisher' | 'subscriber';

/**
 * How long `disconnect()` lets a socket close by itself before destroying it. ioredis also starts
 * this timer when the socket had already closed (a client still reconnecting at shutdown), and then
 * nothing clears it: kept short, it does not hold a stopping process (ioredis' default is 2 s).
 */
const DISCONNECT_TIMEOUT_MS = 200;

/** Reconnect forever, backing off to one attempt every 2 s. */
const retryStrategy = (attempt: number): number => Math.min(attempt * 200, 2000);

/** What a URL beside Sentinel or Cluster settings still says: credentials, TLS, database. */
function fromUrl(url: string | undefined): RedisOptions {
  if (!url) return {};
  const parsed = new URL(url);
  const database = Number(parsed.pathname.slice(1));
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(Number.isInteger(database) && database > 0 ? { db: database } : {}),
  };
}

function connect(settings: RedisClientSettings, role: RedisRole, options: RedisOptions): Redis {
  const { topology } = settings;
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, options);
    case 'sentinel':
      return new Redis({
        ...fromUrl(topology.url),
        ...options,
        sentinels: topology.sentinels,
        name: topology.name,
        // Follows a failover as soon as the sentinels announce it (+switch-master), instead of
        // writing to the demoted master until its connection drops.
        failoverDetector: true,
        // A write that reaches a master just demoted fails READONLY: reconnect through the sentinels.
        reconnectOnError: (error) => error.message.startsWith('READONLY'),
      });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        // A Cluster has only database 0.
        redisOptions: { ...fromUrl(topology.url), db: 0, ...options },
        clusterRetryStrategy: retryStrategy,
        enableOfflineQueue: options.enableOfflineQueue,
        enableAutoPipelining: true,
        // The sharded Socket.IO adapter subscribes on the node owning each channel's slot.
        shardedSubscribers: role === 'subscriber',
      };
      // The service uses the commands both clients share; the few that differ (SCAN, FLUSHDB) go
      // through `eachNode` in redis-nodes.ts. Nothing else needs to know which one it holds.
      return new Cluster(topology.nodes, clusterOptions) as unknown as Redis;
    }
  }
}

/**
 * Creates an ioredis client (one server, Sentinel or Cluster) that can never crash the process:
 * every `error` is listened to and logged once per outage, not once per retry. `command` and
 * `publisher` clients fail commands at once while disconnected and bound each command's time;
 * `subscriber` queues its subscriptions until connected and restores them after a reconnect.
 * `REDIS_URL` carries AUTH (`redis://user:pass@`) and TLS (`rediss://`). Commands issued in the same
 * tick are sent together (auto-pipelining), per node on a Cluster.
 */
export function createRedisClient(settings: RedisClientSettings, role: RedisRole): Redis {
  const logger = new Logger(`Redis:${role}`);
  const options: RedisOptions = {
    connectionName: `chat-${role}`,
    connectTimeout: settings.connectTimeoutMs,
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    retryStrategy,
    enableAutoPipelining: role === 'command',
    ...(role !== 'subscriber'
      ? { enableOfflineQueue: false, commandTimeout: settings.commandTimeoutMs, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, autoResubscribe: true, maxRetriesPerRequest: null }),
  };
  const client = connect(settings, role, options);
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

/**
 * Calls `listener` each time a Sentinel client reconnects after losing its connection unasked: a
 * failover (announced by +switch-master, or a READONLY answer from the demoted master) moves it to
 * another server, which may lack the writes of the last moments before the switch. Registered
 * before any command reaches that server. On other topologies, a lost server already shows as `error`.
 */
export function onConnectionMoved(client: Redis, listener: () => void): void {
  if (client.options.sentinels) client.on('reconnecting', listener);
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

/**
 * QUIT politely and wait for the socket to close; drop it if Redis does not answer within 1 s. Then
 * `disconnect()` in any case: only that stops what a connector keeps beside the connection (a
 * Sentinel client's failover watch on the sentinels, which would otherwise keep the process alive).
 * It is called as soon as QUIT is answered, while the socket is still open: called after the socket
 * closed, it leaves ioredis' 2 s disconnect timer running (only a later `close` clears it), which
 * holds the process that long after everything else has stopped.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') {
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 1000).unref());
  const quit = client.quit().then(() => {
    client.disconnect();
    return ended;
  });
  // QUIT may still fail after the timeout won the race (the connection closed under it): handled here,
  // or it would surface as an unhandled rejection.
  quit.catch(() => undefined);
  const outcome = await Promise.race([quit, timeout]).catch(() => 'timeout' as const);
  if (outcome === 'timeout') {
    client.disconnect();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}
