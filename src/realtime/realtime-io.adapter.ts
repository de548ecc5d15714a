import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

export interface RealtimeIoOptions {
  maxPayloadBytes: number;
  /** Browser origins allowed to connect (long-polling is subject to CORS). */
  corsOrigins: boolean | string[];
  publisher: Redis;
  subscriber: Redis;
  onAdapterError: (error: Error) => void;
}

/**
 * Socket.IO on the app's HTTP server, with the Redis adapter so an event emitted on one instance
 * reaches sockets on every instance. Clients should use the WebSocket transport: long-polling
 * across instances needs sticky sessions at the load balancer.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly options: RealtimeIoOptions,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      path: '/socket.io',
      maxHttpBufferSize: this.options.maxPayloadBytes,
      cors: { origin: this.options.corsOrigins, credentials: false },
      // Well under the load balancer's idle timeout (60 s by default in nginx and most others).
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    const publisher = guardPublishes(this.options.publisher, this.options.onAdapterError);
    // On a Redis Cluster, classic PUBLISH goes to every node; sharded pub/sub (SPUBLISH, Redis 7)
    // keeps each channel on the node that owns its slot.
    server.adapter(
      publisher.isCluster
        ? createShardedAdapter(publisher, this.options.subscriber)
        : createAdapter(publisher, this.options.subscriber, { requestsTimeout: 3000 }),
    );
    server.of('/').adapter.on('error', this.options.onAdapterError);
    return server;
  }
}

/**
 * The adapter does not await its PUBLISHes (SPUBLISHes on a Cluster). While Redis is down each one fails at once (no offline
 * queue), and must be counted, not left as an unhandled rejection that would stop the process.
 * Local sockets still get every event; the others catch up with `sync`.
 */
function guardPublishes(client: Redis, onError: (error: Error) => void): Redis {
  type Publish = (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  const commands = client as unknown as Record<'publish' | 'spublish', Publish>;
  for (const command of ['publish', 'spublish'] as const) {
    const send = commands[command].bind(client);
    commands[command] = (channel, message) =>
      send(channel, message).catch((error: Error) => {
        onError(error);
        return 0;
      });
  }
  return client;
}
