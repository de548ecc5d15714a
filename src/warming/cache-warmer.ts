import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConversationsService } from '#src/conversations/conversations.service.js';
import { CacheMetrics, type WarmResult } from '#src/infra/cache/cache.metrics.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { WarmTarget } from '#src/infra/cache/warm-target.js';
import { MessagesService } from '#src/messages/messages.service.js';
import { WarmQueue } from './warm-queue.js';

/**
 * Loads on connect, per instance: 4 at once (of DATABASE_POOL_MAX's 10 connections by default),
 * and nothing that waited over 2 s for its turn (the client has asked by then, and its read loads
 * the entry itself). The line's length only caps the memory a storm of connects can take.
 */
const CONNECT_LIMITS = { concurrency: 4, capacity: 256, maxWaitMs: 2000 };

/** Runs the load at once. */
const now = async (load: () => Promise<void>) => {
  await load();
  return true;
};

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Loads cache entries before they are read: a user's conversation list when their socket connects
 * (the client's next request), and whatever the outage rewarm hands it. Each entry goes through
 * its cache's own path (fences, single flight, rebuild lock), costs one EXISTS when it is cached
 * already, and nothing at all while caching is off.
 */
@Injectable()
export class CacheWarmer implements OnModuleDestroy {
  private readonly logger = new Logger(CacheWarmer.name);
  private readonly connectQueue = new WarmQueue(CONNECT_LIMITS);
  /** Keys being warmed here: a user's second socket, opened meanwhile, adds nothing. */
  private readonly underWay = new Set<string>();

  constructor(
    private readonly cache: CacheService,
    private readonly metrics: CacheMetrics,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
  ) {}

  /** A socket of the user was admitted: their list is loaded if cold, in the background. */
  userConnected(userId: string): void {
    if (!this.cache.enabled) return;
    void this.warm(this.listOf(userId), (load) => this.connectQueue.submit(load));
  }

  listOf(userId: string): WarmTarget {
    return this.conversations.listWarming(userId);
  }

  windowOf(conversationId: string): WarmTarget {
    return this.messages.windowWarming(conversationId);
  }

  /**
   * Warms `target` if it is missing, the load run through `schedule` (false: it was dropped).
   * Counts and returns what became of it; never throws.
   */
  async warm(target: WarmTarget, schedule: (load: () => Promise<void>) => Promise<boolean> = now): Promise<WarmResult> {
    if (this.underWay.has(target.key)) return 'cached';
    this.underWay.add(target.key);
    try {
      const result = await this.warmMissing(target, schedule);
      this.metrics.warmed(target.cache, result);
      return result;
    } finally {
      this.underWay.delete(target.key);
    }
  }

  /** At shutdown, before the database closes: what waits is dropped, nothing more is taken. */
  onModuleDestroy(): void {
    this.connectQueue.close();
  }

  private async warmMissing(
    target: WarmTarget,
    schedule: (load: () => Promise<void>) => Promise<boolean>,
  ): Promise<WarmResult> {
    const state = await this.cache.entryState(target.key);
    if (state === 'cached') return 'cached';
    if (state !== 'missing') return 'bypassed';
    let loaded = false;
    try {
      const ran = await schedule(async () => {
        loaded = await target.warm();
      });
      if (!ran) return 'dropped';
    } catch (error) {
      this.logger.warn(`warming ${target.cache} failed: ${errorMessage(error)}`);
      return 'failed';
    }
    // Not loaded here: a read or another instance stored it meanwhile, or it became unservable.
    return loaded ? 'warmed' : this.cache.serves(target.key) ? 'cached' : 'bypassed';
  }
}
