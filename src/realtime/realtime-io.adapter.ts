import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
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
    server.adapter(createAdapter(publisher, this.options.subscriber, { requestsTimeout: 3000 }));
    server.of('/').adapter.on('error', this.options.onAdapterError);
    return server;
  }
}

/**
 * The adapter does not await its PUBLISHes. While Redis is down each one fails at once (no offline
 * queue), and must be counted, not left as an unhandled rejection that would stop the process.
 * Local sockets still get every event; the others catch up with `sync`.
 */
function guardPublishes(client: Redis, onError: (error: Error) => void): Redis {
  const publish = client.publish.bind(client);
  client.publish = (channel: string | Buffer, message: string | Buffer) =>
    publish(channel, message).catch((error: Error) => {
      onError(error);
      return 0;
    });
  return client;
}
