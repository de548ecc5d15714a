import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS_PUBLISHER, REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';

/** What the sharded variants of the commands and events are called: a Cluster's adapter uses them. */
const SHARDED = { subscribe: 'ssubscribe', publish: 'spublish', message: 'smessage' } as const;
const CLASSIC = { subscribe: 'subscribe', publish: 'publish', message: 'message' } as const;

/**
 * A round trip through the Socket.IO adapter's own Redis clients: this instance subscribes its
 * channel on the subscriber, publishes a fresh token on the publisher, and is done when the token
 * comes back. It fails when either client is cut off, which a PING on the command client cannot
 * tell. A Cluster's adapter uses sharded pub/sub, and so does the probe there.
 */
@Injectable()
export class PubSubProbe implements OnModuleDestroy {
  private readonly channel = RedisKeys.pubsubProbe(randomUUID());
  private readonly waiting = new Map<string, () => void>();
  private readonly commands: typeof SHARDED | typeof CLASSIC;
  private readonly onMessage = (channel: string, message: string) => {
    if (channel === this.channel) this.waiting.get(message)?.();
  };

  constructor(
    @Inject(REDIS_PUBLISHER) private readonly publisher: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {
    this.commands = publisher.isCluster ? SHARDED : CLASSIC;
    subscriber.on(this.commands.message, this.onMessage);
  }

  /**
   * Resolves once a published token has come back through the subscriber; rejects when it has not
   * within `timeoutMs`. Subscribing again each time costs one round trip and needs no bookkeeping
   * of whether a reconnect kept the subscription.
   */
  async roundTrip(timeoutMs: number): Promise<void> {
    const token = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<void>((resolve, reject) => {
      this.waiting.set(token, resolve);
      timer = setTimeout(() => reject(new Error(`no pub/sub round trip within ${timeoutMs} ms`)), timeoutMs);
    });
    // Whatever happens first below, the rejection is awaited or dropped here, never left unhandled.
    arrived.catch(() => undefined);
    try {
      await this.subscriber[this.commands.subscribe](this.channel);
      await this.publisher[this.commands.publish](this.channel, token);
      await arrived;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(token);
    }
  }

  onModuleDestroy(): void {
    this.subscriber.off(this.commands.message, this.onMessage);
  }
}
