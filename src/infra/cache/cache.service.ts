import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { CACHE_PATTERNS } from '#src/infra/redis/redis-keys.js';
import { dataNodes, together } from '#src/infra/redis/redis-nodes.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { CacheMetrics } from './cache.metrics.js';
import { RebuildLock } from './rebuild-lock.js';

/** A process that did not get the rebuild lock looks for the value this often, for this long. */
const WAIT_POLL_MS = 25;
const WAIT_MAX_MS = 1000;
/** TTLs get up to this much extra, so entries written together do not all expire together. */
const TTL_JITTER = 0.1;
const SCAN_BATCH = 500;
/** When Redis is connected but a flush failed (a timeout), try again after this long. */
const FLUSH_RETRY_MS = 1000;

type Lookup<T> = { state: 'hit'; value: T } | { state: 'miss' } | { state: 'unavailable' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Cache-aside over Redis, values in msgpack. Redis only ever speeds reads up: when it fails or is
 * slow, reads load from the source and skip the cache, and writes' invalidations are made good by
 * dropping every cached entry once Redis answers again (until then the cache is bypassed).
 */
@Injectable()
export class CacheService implements OnModuleDestroy {
  private readonly logger = new Logger(CacheService.name);
  private readonly enabled: boolean;
  /** Loads under way in this process, by key: concurrent callers share one. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Redis may hold entries whose invalidation was missed; bumped on every new reason to think so. */
  private stale = false;
  private staleGeneration = 0;
  private flushing = false;
  private flushRetry?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly lock: RebuildLock,
    private readonly metrics: CacheMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('CACHE_ENABLED', { infer: true });
    // Starting while Redis is down, this process cannot know which invalidations were missed.
    if (redis.status !== 'ready') this.markStale();
    redis.on('error', () => this.markStale());
    redis.on('ready', () => {
      if (this.stale) void this.flushStale();
    });
  }

  /** Cache-aside. `cache` names the cache in metrics (e.g. 'user-profile'); `key` comes from RedisKeys. */
  async getOrLoad<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
  ): Promise<{ value: T; hit: boolean }> {
    const result = await this.lookUpOrLoad(cache, key, ttlSeconds, loader);
    this.metrics.lookedUp(cache, result.hit);
    return result;
  }

  /** Whether cached values may be served now: caching is on and no missed invalidation awaits its flush. */
  get usable(): boolean {
    return this.enabled && !this.stale;
  }

  /** Changes whenever an invalidation is missed: a value loaded across a change must not be stored. */
  get generation(): number {
    return this.staleGeneration;
  }

  /** For caches kept outside `getOrLoad` (sorted sets): a failed update means Redis may now be stale. */
  updateFailed(error: unknown): void {
    this.invalidationMissed(error);
  }

  /** Redis may have lost any write (a Sentinel failover): every cache is flushed once it answers. */
  writesMayBeLost(reason: string): void {
    if (!this.stale) this.logger.warn(`${reason}: every cache is flushed once Redis answers`);
    this.markStale();
  }

  /** Deletes keys (pipelined). Never throws. */
  async invalidate(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      const results = await together(keys.map((key) => this.redis.unlink(key)));
      const failure = results.find(([error]) => error)?.[0];
      if (failure) throw failure;
    } catch (error) {
      this.invalidationMissed(error);
    }
  }

  /** Deletes every key matching a SCAN pattern (never KEYS), in batches. Returns how many. Never throws. */
  async invalidatePattern(pattern: string): Promise<number> {
    let deleted = 0;
    try {
      // SCAN walks one server: on a Cluster, each master. Keys are unlinked one by one (they may sit in
      // different slots), batched by auto-pipelining.
      for (const node of dataNodes(this.redis)) {
        const batches = node.scanStream({ match: pattern, count: SCAN_BATCH }) as AsyncIterable<string[]>;
        for await (const keys of batches) {
          const unlinked = await Promise.all(keys.map((key) => this.redis.unlink(key)));
          deleted += unlinked.reduce((sum, count) => sum + count, 0);
        }
      }
    } catch (error) {
      this.invalidationMissed(error);
    }
    return deleted;
  }

  onModuleDestroy(): void {
    clearTimeout(this.flushRetry);
  }

  private async lookUpOrLoad<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
  ): Promise<{ value: T; hit: boolean }> {
    if (!this.enabled) return { value: await this.load(cache, loader), hit: false };
    // Redis may hold entries whose invalidation was missed: skip it until the flush went through.
    if (this.stale) return { value: await this.singleFlight(key, () => this.load(cache, loader)), hit: false };
    // A load of this key is under way here: its value is at least as fresh as what Redis holds.
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return { value: await running, hit: false };
    const lookup = await this.read<T>(key);
    if (lookup.state === 'hit') return { value: lookup.value, hit: true };
    const rebuild =
      lookup.state === 'miss' ? () => this.rebuild(cache, key, ttlSeconds, loader) : () => this.load(cache, loader);
    return { value: await this.singleFlight(key, rebuild), hit: false };
  }

  private singleFlight<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const flight = run().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }

  /** One rebuild at a time per key across instances: the lock holder loads, the others wait for its value. */
  private async rebuild<T>(cache: string, key: string, ttlSeconds: number, loader: () => Promise<T>): Promise<T> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await this.lock.tryAcquire(key);
    } catch {
      // Redis stopped answering since the read: load, and do not wait on it to store.
      return this.load(cache, loader);
    }
    if (!release) {
      const stored = await this.waitForOtherRebuild<T>(key);
      if (stored.state === 'hit') return stored.value;
      if (stored.state === 'unavailable') return this.load(cache, loader);
      return this.loadAndStore(cache, key, ttlSeconds, loader);
    }
    try {
      // Another process may have stored the value between our read and taking the lock.
      const lookup = await this.read<T>(key);
      if (lookup.state === 'hit') return lookup.value;
      return await this.loadAndStore(cache, key, ttlSeconds, loader);
    } finally {
      await release();
    }
  }

  /**
   * Polls for the value the lock holder stores. A `miss` means the holder let go without storing
   * (its load failed, or found nothing) or took too long: the caller then loads by itself.
   */
  private async waitForOtherRebuild<T>(key: string): Promise<Lookup<T>> {
    const deadline = Date.now() + WAIT_MAX_MS;
    while (Date.now() < deadline) {
      await sleep(WAIT_POLL_MS);
      // Sent in this order on one connection: a lock seen released means its value, if any, is visible.
      const held = this.lock.isHeld(key).catch(() => false);
      const lookup = await this.read<T>(key);
      if (lookup.state !== 'miss' || !(await held)) return lookup;
    }
    return { state: 'miss' };
  }

  private async loadAndStore<T>(cache: string, key: string, ttlSeconds: number, loader: () => Promise<T>): Promise<T> {
    const generation = this.staleGeneration;
    const value = await this.load(cache, loader);
    // A value loaded before a missed invalidation must not outlive the flush that makes up for it.
    if (value !== undefined && value !== null && generation === this.staleGeneration) {
      const ttl = ttlSeconds + Math.floor(Math.random() * (Math.floor(ttlSeconds * TTL_JITTER) + 1));
      await this.redis
        .set(key, pack(value), 'EX', ttl)
        .catch((error) => this.logger.warn(`cache write skipped: ${errorMessage(error)}`));
    }
    return value;
  }

  private async load<T>(cache: string, loader: () => Promise<T>): Promise<T> {
    const done = this.metrics.startLoad(cache);
    try {
      return await loader();
    } finally {
      done();
    }
  }

  private async read<T>(key: string): Promise<Lookup<T>> {
    try {
      const packed = await this.redis.getBuffer(key);
      return packed ? { state: 'hit', value: unpack(packed) as T } : { state: 'miss' };
    } catch (error) {
      this.logger.warn(`cache read skipped: ${errorMessage(error)}`);
      return { state: 'unavailable' };
    }
  }

  private invalidationMissed(error: unknown): void {
    this.logger.warn(`cache invalidation failed; every cache is flushed once Redis answers: ${errorMessage(error)}`);
    this.markStale();
  }

  private markStale(): void {
    this.stale = true;
    this.staleGeneration += 1;
    // A reconnection emits 'ready'; still connected (a command timed out), nothing else would retry.
    if (this.redis.status === 'ready') this.retryFlushSoon();
  }

  private retryFlushSoon(): void {
    if (this.flushRetry) return;
    this.flushRetry = setTimeout(() => {
      this.flushRetry = undefined;
      void this.flushStale();
    }, FLUSH_RETRY_MS).unref();
  }

  /** Drops every cached entry; the cache is used again only when a whole flush went through. */
  private async flushStale(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    const generation = this.staleGeneration;
    let deleted = 0;
    for (const pattern of CACHE_PATTERNS) deleted += await this.invalidatePattern(pattern);
    this.flushing = false;
    if (generation === this.staleGeneration) {
      this.stale = false;
      this.logger.log(`Redis is back: dropped ${deleted} cached entries that may have been stale`);
    } else if (this.redis.status === 'ready') {
      this.retryFlushSoon();
    }
  }
}
