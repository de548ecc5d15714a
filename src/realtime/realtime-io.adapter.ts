import { ServerResponse, type IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { defer, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';

export interface RealtimeIoOptions {
  maxPayloadBytes: number;
  /** WebSocket compression (permessage-deflate) of frames over 1 KB, with clients that offer it. */
  perMessageDeflate: boolean;
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
      perMessageDeflate: this.options.perMessageDeflate ? PER_MESSAGE_DEFLATE : false,
      cors: { origin: this.options.corsOrigins, credentials: false },
      // Well under the load balancer's idle timeout (60 s by default in nginx and most others).
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    const { onAdapterError } = this.options;
    const publisher = guardUnawaited(this.options.publisher, PUBLISHES, onAdapterError);
    const subscriber = guardUnawaited(this.options.subscriber, SUBSCRIPTIONS, onAdapterError);
    // On a Redis Cluster, classic PUBLISH goes to every node; sharded pub/sub (SPUBLISH, Redis 7)
    // keeps each channel on the node that owns its slot.
    server.adapter(
      publisher.isCluster
        ? createShardedAdapter(publisher, subscriber)
        : createAdapter(publisher, subscriber, { requestsTimeout: 3000 }),
    );
    server.of('/').adapter.on('error', onAdapterError);
    server.engine.use(releaseUpgradeRequest);
    return server;
  }

  /**
   * Nest's own binding keeps an rxjs pipeline per event name on every open socket (about 25 KB a
   * socket for our eight events, for as long as it stays open). One listener a socket, for all its
   * events, does the same work for each event that arrives: the handler's result, unless empty, goes
   * to the ack (or is emitted when it names an event), and a failure is logged without silencing
   * that event.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length === 0) return;
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const handler = handlers.find(({ message }) => message === event);
      if (!handler) return;
      const { callback, isAckHandledManually } = handler;
      // What rxjs' fromEvent would hand Nest: the only argument, or all of them.
      const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as { data: unknown; ack?: AckFn };
      defer(() => transform(callback(data, ack))).subscribe({
        next: (response) => {
          if (response === null || response === undefined) return;
          const { event: reply, data: replyData } = response as { event?: string; data?: unknown };
          if (reply) socket.emit(reply, replyData);
          else if (!isAckHandledManually && typeof ack === 'function') ack(response);
        },
        error: (error: unknown) => this.logger.error(error),
      });
    });
  }

  /** Without the extra closure Nest's adapter wraps around each gateway's callback, on every socket. */
  override bindClientDisconnect(socket: Socket, callback: (reason: string) => void): void {
    socket.once('disconnect', callback);
  }
}

type AckFn = (response: unknown) => void;

/**
 * Compression bounded for memory and CPU. Each socket that has been sent a compressed frame keeps its
 * own zlib stream for as long as it is open: with zlib's defaults (a 32 KB window, memLevel 8) about
 * 256 KB a socket, which is 2.5 GB for 10,000 sockets. A 2 KB window (our messages are at most 4,000
 * characters) and memLevel 4 bring it to about 16 KB, and level 3 keeps most of the saving on chat
 * JSON for far less CPU than the default 6. Frames under 1 KB are sent as they are (deflate saves
 * little on them and costs as much per frame); `ws` honours that threshold only without context
 * takeover, so each frame is compressed on its own. Compression runs on libuv's thread pool, which
 * argon2 (sign-in) and file access share: two at a time leave it room. A compressed frame is built
 * for each socket, so a room emit no longer shares one encoded frame between its sockets.
 */
const PER_MESSAGE_DEFLATE = {
  threshold: 1024,
  serverNoContextTakeover: true,
  serverMaxWindowBits: 11,
  zlibDeflateOptions: { level: 3, memLevel: 4 },
  concurrencyLimit: 2,
} as const;

/**
 * Engine.IO answers a WebSocket upgrade with a stand-in response that holds the upgrade request
 * (headers, raw headers, stream state: about 2 KB) until the TCP connection closes. Nothing reads it
 * through the response once the upgrade is under way: no other Engine.IO middleware sets headers.
 * (SocketHandshake lets go of the socket's own references once it is admitted.)
 */
function releaseUpgradeRequest(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (!(res instanceof ServerResponse)) (res as { req?: IncomingMessage }).req = undefined;
  next();
}

/** What the adapter sends without awaiting, on each of its clients. */
const PUBLISHES = ['publish', 'spublish'] as const;
const SUBSCRIPTIONS = ['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe'] as const;

/**
 * The adapter does not await its PUBLISHes (SPUBLISHes on a Cluster), nor its SUBSCRIBEs when it starts
 * and UNSUBSCRIBEs when it closes. While Redis is down a publish fails at once (no offline queue);
 * the subscriptions wait in the subscriber's queue, and fail when a shutdown drops a connection that
 * never became ready. Each failure must be counted, not left as an unhandled rejection that would
 * stop the process. Local sockets still get every event; the others catch up with `sync`, and the
 * subscriber restores its subscriptions itself when it reconnects.
 */
function guardUnawaited(
  client: Redis,
  commands: readonly (typeof PUBLISHES)[number][] | readonly (typeof SUBSCRIPTIONS)[number][],
  onError: (error: Error) => void,
): Redis {
  type Command = (...args: unknown[]) => Promise<unknown>;
  const methods = client as unknown as Record<string, Command>;
  for (const command of commands) {
    const send = methods[command].bind(client);
    methods[command] = (...args) =>
      send(...args).catch((error: Error) => {
        onError(error);
        return 0;
      });
  }
  return client;
}
