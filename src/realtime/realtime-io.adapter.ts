import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

export interface RealtimeIoOptions {
  maxPayloadBytes: number;
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
      // Well under the load balancer's idle timeout (60 s by default in nginx and most others).
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    server.adapter(createAdapter(this.options.publisher, this.options.subscriber, { requestsTimeout: 3000 }));
    server.of('/').adapter.on('error', this.options.onAdapterError);
    return server;
  }
}
