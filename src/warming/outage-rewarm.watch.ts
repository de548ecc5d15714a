import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { WarmTarget } from '#src/infra/cache/warm-target.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { CacheWarmer } from './cache-warmer.js';
import { RecentConversations } from './recent-conversations.js';

/** Conversations whose windows are rebuilt: those with a send on this instance this recently. */
const ACTIVE_WITHIN_MS = 10 * 60_000;
/**
 * A key whose invalidation this instance still owes Redis is not rebuilt; it is tried again this
 * long later (CacheService retries every second, and at once on reconnection), this many times.
 */
const PENDING_RETRY_MS = 1000;
const PENDING_ROUNDS = 3;

export class WarmingSettings extends configSlice('CACHE_WARM_PER_SECOND') {}

/**
 * When Redis is back after this instance lost it (it may have lost its data too: a restart, a
 * failover), rebuilds in the background what this instance's clients read next: the lists of its
 * connected users, then the latest-message windows of the conversations sent to through it in
 * the last minutes, latest first. Paced at CACHE_WARM_PER_SECOND rebuilds, one at a time, so
 * PostgreSQL sees no stampede; an entry that is there costs one EXISTS. The same key rebuilt by
 * several instances is loaded once (the rebuild lock). A new outage or the shutdown ends the run.
 */
@Injectable()
export class OutageRewarmWatch implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutageRewarmWatch.name);
  private readonly intervalMs: number;
  private lost = false;
  private run?: AbortController;
  private stopped = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly cache: CacheService,
    private readonly warmer: CacheWarmer,
    private readonly presence: PresenceService,
    private readonly recent: RecentConversations,
    settings: WarmingSettings,
  ) {
    this.intervalMs = 1000 / settings.CACHE_WARM_PER_SECOND;
  }

  onModuleInit(): void {
    this.redis.on('close', () => {
      this.lost = true;
      this.run?.abort();
    });
    this.redis.on('ready', () => {
      if (!this.lost || this.stopped || !this.cache.enabled) return;
      this.lost = false;
      void this.rewarm();
    });
  }

  /** At shutdown, before the database closes: the run ends. */
  onModuleDestroy(): void {
    this.stopped = true;
    this.run?.abort();
  }

  private async rewarm(): Promise<void> {
    this.run?.abort();
    const run = new AbortController();
    this.run = run;
    const targets = [
      ...this.presence.localUserIds().map((userId) => this.warmer.listOf(userId)),
      ...this.recent.activeWithin(ACTIVE_WITHIN_MS).map((id) => this.warmer.windowOf(id)),
    ];
    let warmed = 0;
    try {
      let due = targets;
      for (let round = 0; round <= PENDING_ROUNDS && due.length > 0; round += 1) {
        if (round > 0) await sleep(PENDING_RETRY_MS, undefined, { signal: run.signal });
        const pending: WarmTarget[] = [];
        for (const target of due) {
          run.signal.throwIfAborted();
          if (!this.cache.serves(target.key) && round < PENDING_ROUNDS) {
            pending.push(target);
            continue;
          }
          const started = performance.now();
          const result = await this.warmer.warm(target);
          if (result === 'warmed') warmed += 1;
          // Only rebuilds are paced: an entry found cached cost one EXISTS.
          if (result === 'warmed' || result === 'failed') {
            const left = this.intervalMs - (performance.now() - started);
            if (left > 0) await sleep(left, undefined, { signal: run.signal });
          }
        }
        due = pending;
      }
      this.logger.log(
        `Redis is back: rebuilt ${warmed} of ${targets.length} cache entries this instance's clients read`,
      );
    } catch (error) {
      // Aborted by a new outage (the next return starts over) or the shutdown.
      if (!run.signal.aborted) this.logger.warn(`cache rewarm stopped: ${String(error)}`);
    }
  }
}
