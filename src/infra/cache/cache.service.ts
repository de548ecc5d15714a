import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import { configSlice } from '#src/infra/config/config-slice.js';
import { CACHE_AREA_PATTERNS, RedisKeys, areaPatternOf } from '#src/infra/redis/redis-keys.js';
import { dataNodes, together } from '#src/infra/redis/redis-nodes.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import type { PrefetchedEntry } from './cache-prefetch.js';
import { CacheMetrics } from './cache.metrics.js';
import { RebuildLock } from './rebuild-lock.js';
import { SingleFlight } from './single-flight.js';

/** A process that did not get the rebuild lock looks for the value this often, for this long. */
const WAIT_POLL_MS = 25;
const WAIT_MAX_MS = 1000;
/** TTLs get up to this much extra, so entries written together do not all expire together. */
const TTL_JITTER = 0.1;
const SCAN_BATCH = 500;
/** How long an invalidation's fence lives: far longer than any load is allowed to take before its store. */
export const FENCE_TTL_MS = 60_000;
/** A load that took longer than this is not stored: the fence it was read under may have expired since. */
const MAX_LOAD_MS_TO_STORE = FENCE_TTL_MS / 3;
/** Invalidations that failed are tried again this often, until Redis takes them. */
const RETRY_MS = 1000;
/** Past this many keys awaiting their invalidation, whole cache areas are remembered instead. */
const MAX_PENDING_KEYS = 10_000;
const RETRY_BATCH = 500;

/** Moves the key's fence, then deletes it: a rebuild that read the fence before cannot store after. */
const INVALIDATE_SCRIPT = `
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return redis.call('UNLINK', KEYS[1])
`;

/**
 * INVALIDATE_SCRIPT for many keys at once (KEYS: key, fence, key, fence...): one command for what a
 * write changes, however many members' lists that is. Only where every key lives on one server.
 */
const INVALIDATE_MANY_SCRIPT = `
for i = 1, #KEYS, 2 do
  redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[2])
  redis.call('UNLINK', KEYS[i])
end
return #KEYS / 2
`;

/** Stores a loaded value only if no invalidation moved the fence since the value was read. */
const STORE_SCRIPT = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

type Commands = {
  cacheInvalidate(key: string, fence: string, token: string, fenceMs: number): Promise<number>;
  cacheInvalidateMany(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  cacheStore(key: string, fence: string, seenFence: string, value: Buffer, ttl: number): Promise<number>;
};

export interface ReadOptions<T> {
  prefetched?: PrefetchedEntry;
  decode?: (packed: Buffer) => T;
}

/** How one lookup reads its key: the decoder, and the read already sent for it, if any. */
interface Reading<T> {
  decode: (packed: Buffer) => T;
  prefetched?: Promise<Buffer | null>;
}

/** A miss carries the fence read with it: what the value must be stored under. */
type Lookup<T> = { state: 'hit'; value: T } | { state: 'miss'; fence: string } | { state: 'unavailable' };

/** Whether an entry is worth warming: `missing` is; `bypassed` (off, or awaiting its invalidation) and `unreachable` are not now. */
export type EntryState = 'cached' | 'missing' | 'bypassed' | 'unreachable';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class CacheSettings extends configSlice('CACHE_ENABLED') {}

/**
 * Cache-aside over Redis, values in msgpack. Redis only ever speeds reads up: when it fails or is
 * slow, reads load from the source and skip the cache.
 *
 * Every invalidation moves the key's fence before deleting it, and a rebuild stores its value only
 * if the fence it read before loading is still there, so a value read from the source before a
 * change is never stored after that change's invalidation, on any instance. An invalidation that
 * fails is remembered, by key, by the instance that made it: that instance serves and stores
 * nothing for those keys and retries until Redis takes it; every other key stays cached.
 */
@Injectable()
export class CacheService implements OnModuleDestroy {
  private readonly logger = new Logger(CacheService.name);
  readonly enabled: boolean;
  private readonly commands: Commands;
  private readonly inFlight = new SingleFlight();
  /** Keys (and, past MAX_PENDING_KEYS, SCAN patterns of whole areas) whose invalidation Redis has not taken. */
  private readonly pendingKeys = new Map<string, number>();
  private readonly pendingAreas = new Map<string, number>();
  /** Numbers each failure, so that a retry clears only the failures that came before it was sent. */
  private failures = 0;
  private retrying = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly lock: RebuildLock,
    private readonly metrics: CacheMetrics,
    settings: CacheSettings,
  ) {
    this.enabled = settings.CACHE_ENABLED;
    redis.defineCommand('cacheInvalidate', { numberOfKeys: 2, lua: INVALIDATE_SCRIPT });
    redis.defineCommand('cacheInvalidateMany', { lua: INVALIDATE_MANY_SCRIPT });
    redis.defineCommand('cacheStore', { numberOfKeys: 2, lua: STORE_SCRIPT });
    this.commands = redis as unknown as Commands;
    redis.on('ready', () => void this.retryPending());
  }

  /**
   * Cache-aside. `cache` names the cache in metrics (e.g. 'user-profile'); `key` comes from RedisKeys.
   * What the loader returns is stored in msgpack; a value read from Redis is `decode`d from its
   * bytes (msgpack's `unpack` unless given). `prefetched`: this request's read of the key made
   * ahead (`prefetch`), used instead of a new one.
   */
  async getOrLoad<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
    { prefetched, decode = unpack as (packed: Buffer) => T }: ReadOptions<T> = {},
  ): Promise<{ value: T; hit: boolean }> {
    const reading: Reading<T> = { decode, prefetched: prefetched?.key === key ? prefetched.packed : undefined };
    const result = await this.lookUpOrLoad(cache, key, ttlSeconds, loader, reading);
    this.metrics.lookedUp(cache, result.hit);
    return result;
  }

  /**
   * Sends the read of `key` now, so that it shares a round trip with commands sent in the same
   * tick (auto-pipelining); nothing when the key would not be served from Redis.
   */
  prefetch(key: string): PrefetchedEntry | undefined {
    if (!this.serves(key)) return undefined;
    const packed = this.redis.getBuffer(key);
    // Unused when the caller is refused; a failure reaches whoever awaits it.
    packed.catch(() => undefined);
    return { key, packed };
  }

  /** Whether `key` may be served from Redis now: caching is on and no failed invalidation of it awaits its retry. */
  serves(key: string): boolean {
    return this.enabled && !this.isPending(key);
  }

  /** Where `key` stands, for warming: one EXISTS when it may be served from Redis. */
  async entryState(key: string): Promise<EntryState> {
    if (!this.serves(key)) return 'bypassed';
    return this.redis.exists(key).then(
      (count) => (count === 1 ? 'cached' : 'missing'),
      () => 'unreachable' as const,
    );
  }

  /**
   * Loads `key` ahead of its reads, through `getOrLoad`'s own path (fence, single flight, rebuild
   * lock) but counted as no lookup: no request asked. True when it loaded from the source here.
   */
  async warm<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
    { decode = unpack as (packed: Buffer) => T }: Pick<ReadOptions<T>, 'decode'> = {},
  ): Promise<boolean> {
    if (!this.serves(key)) return false;
    let loaded = false;
    const loadHere = () => {
      loaded = true;
      return loader();
    };
    await this.lookUpOrLoad(cache, key, ttlSeconds, loadHere, { decode });
    return loaded;
  }

  /** For caches kept outside `getOrLoad` (sorted sets): a failed update leaves `key` to be invalidated. */
  updateFailed(key: string, error: unknown): void {
    this.invalidationsMissed([key], error);
  }

  /** Redis may have lost any write (a Sentinel failover): every cache area is bypassed until it is invalidated. */
  writesMayBeLost(reason: string): void {
    this.areasMissed(CACHE_AREA_PATTERNS, new Error(reason));
  }

  /** Invalidates keys: moves each one's fence and deletes it. Never throws; what fails is retried. */
  async invalidate(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const failed = await this.tryInvalidate(keys);
    if (failed.keys.length > 0) this.invalidationsMissed(failed.keys, failed.error);
  }

  /** Invalidates every key matching a SCAN pattern (never KEYS), in batches. Returns how many. Never throws. */
  async invalidatePattern(pattern: string): Promise<number> {
    const { deleted, error } = await this.tryInvalidatePattern(pattern);
    if (error) this.areasMissed([pattern], error);
    return deleted;
  }

  onModuleDestroy(): void {
    clearTimeout(this.retryTimer);
  }

  private async lookUpOrLoad<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
    reading: Reading<T>,
  ): Promise<{ value: T; hit: boolean }> {
    // Off, or Redis may hold a value this process failed to invalidate: the source answers.
    if (!this.serves(key)) return { value: await this.load(cache, loader), hit: false };
    const lookup = await this.read(key, reading);
    if (lookup.state === 'hit') return { value: lookup.value, hit: true };
    // Redis unreachable: the source answers, one load per key at a time, stored nowhere.
    if (lookup.state === 'unavailable')
      return { value: await this.inFlight.run(key, null, () => this.load(cache, loader)), hit: false };
    return {
      value: await this.inFlight.run(key, lookup.fence, () =>
        this.rebuild(cache, key, ttlSeconds, loader, reading.decode),
      ),
      hit: false,
    };
  }

  /** One rebuild at a time per key across instances: the lock holder loads, the others wait for its value. */
  private async rebuild<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
    decode: (packed: Buffer) => T,
  ): Promise<T> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await this.lock.tryAcquire(key);
    } catch {
      // Redis stopped answering since the read: load, and do not wait on it to store.
      return this.load(cache, loader);
    }
    if (!release) {
      const stored = await this.waitForOtherRebuild(key, decode);
      if (stored.state === 'hit') return stored.value;
      if (stored.state === 'unavailable') return this.load(cache, loader);
      return this.loadAndStore(cache, key, ttlSeconds, loader, stored.fence);
    }
    try {
      // Another process may have stored the value between our read and taking the lock.
      const lookup = await this.read(key, { decode });
      if (lookup.state === 'hit') return lookup.value;
      if (lookup.state === 'unavailable') return await this.load(cache, loader);
      return await this.loadAndStore(cache, key, ttlSeconds, loader, lookup.fence);
    } finally {
      await release();
    }
  }

  /**
   * Polls for the value the lock holder stores. A `miss` means the holder let go without storing
   * (its load failed, found nothing, or was fenced off) or took too long: the caller then loads by itself.
   */
  private async waitForOtherRebuild<T>(key: string, decode: (packed: Buffer) => T): Promise<Lookup<T>> {
    const deadline = Date.now() + WAIT_MAX_MS;
    let lookup: Lookup<T> = { state: 'unavailable' };
    while (Date.now() < deadline) {
      await sleep(WAIT_POLL_MS);
      // Sent in this order on one connection: a lock seen released means its value, if any, is visible.
      const held = this.lock.isHeld(key).catch(() => false);
      lookup = await this.read(key, { decode });
      if (lookup.state !== 'miss' || !(await held)) return lookup;
    }
    return lookup;
  }

  /** Loads, then stores under `fence` (read before the load began) unless an invalidation came since. */
  private async loadAndStore<T>(
    cache: string,
    key: string,
    ttlSeconds: number,
    loader: () => Promise<T>,
    fence: string,
  ): Promise<T> {
    const started = performance.now();
    const value = await this.load(cache, loader);
    const fresh = performance.now() - started < MAX_LOAD_MS_TO_STORE;
    if (value !== undefined && value !== null && fresh && !this.isPending(key)) {
      const ttl = ttlSeconds + Math.floor(Math.random() * (Math.floor(ttlSeconds * TTL_JITTER) + 1));
      await this.commands
        .cacheStore(key, RedisKeys.cacheFence(key), fence, pack(value), ttl)
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

  private async read<T>(key: string, { decode, prefetched }: Reading<T>): Promise<Lookup<T>> {
    try {
      const packed = await (prefetched ?? this.redis.getBuffer(key));
      if (packed) return { state: 'hit', value: decode(packed) };
      // Read after the miss and before any load: an invalidation after this point moves it.
      return { state: 'miss', fence: (await this.redis.get(RedisKeys.cacheFence(key))) ?? '' };
    } catch (error) {
      this.logger.warn(`cache read skipped: ${errorMessage(error)}`);
      return { state: 'unavailable' };
    }
  }

  private isPending(key: string): boolean {
    return this.pendingKeys.has(key) || (this.pendingAreas.size > 0 && this.pendingAreas.has(areaPatternOf(key)));
  }

  /** The keys whose invalidation failed, and the first error. */
  private async tryInvalidate(keys: string[]): Promise<{ keys: string[]; error?: unknown }> {
    const token = randomUUID();
    // On one server, one script for them all; a Cluster spreads the keys over slots, one command each.
    if (keys.length > 1 && !this.redis.isCluster) {
      const pairs = keys.flatMap((key) => [key, RedisKeys.cacheFence(key)]);
      return this.commands.cacheInvalidateMany(pairs.length, ...pairs, token, FENCE_TTL_MS).then(
        () => ({ keys: [] }),
        (error: unknown) => ({ keys, error }),
      );
    }
    const results = await together(
      keys.map((key) => this.commands.cacheInvalidate(key, RedisKeys.cacheFence(key), token, FENCE_TTL_MS)),
    );
    const failed = keys.filter((_, i) => results[i][0]);
    return { keys: failed, error: results.find(([error]) => error)?.[0] };
  }

  private async tryInvalidatePattern(pattern: string): Promise<{ deleted: number; error?: unknown }> {
    let deleted = 0;
    try {
      // SCAN walks one server: on a Cluster, each master. Keys are invalidated one by one (they may
      // sit in different slots), batched by auto-pipelining.
      for (const node of dataNodes(this.redis)) {
        const batches = node.scanStream({ match: pattern, count: SCAN_BATCH }) as AsyncIterable<string[]>;
        for await (const keys of batches) {
          const token = randomUUID();
          const counts = await Promise.all(
            keys.map((key) => this.commands.cacheInvalidate(key, RedisKeys.cacheFence(key), token, FENCE_TTL_MS)),
          );
          deleted += counts.reduce((sum, count) => sum + count, 0);
        }
      }
      return { deleted };
    } catch (error) {
      return { deleted, error };
    }
  }

  private invalidationsMissed(keys: string[], error: unknown): void {
    this.logger.warn(
      `cache invalidation of ${keys.length} key(s) failed; this instance bypasses them until Redis takes it: ${errorMessage(error)}`,
    );
    const failure = ++this.failures;
    for (const key of keys) this.pendingKeys.set(key, failure);
    if (this.pendingKeys.size > MAX_PENDING_KEYS) {
      // Too many to hold one by one: their whole areas are invalidated instead.
      for (const key of this.pendingKeys.keys()) this.pendingAreas.set(areaPatternOf(key), failure);
      this.pendingKeys.clear();
    }
    this.retrySoon();
  }

  private areasMissed(patterns: string[], error: unknown): void {
    this.logger.warn(
      `cache invalidation of ${patterns.join(', ')} failed; retried until Redis takes it: ${errorMessage(error)}`,
    );
    const failure = ++this.failures;
    for (const pattern of patterns) this.pendingAreas.set(pattern, failure);
    this.retrySoon();
  }

  private retrySoon(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryPending();
    }, RETRY_MS).unref();
  }

  /** Tries the invalidations Redis has not taken yet; keys stay bypassed until theirs went through. */
  private async retryPending(): Promise<void> {
    if (this.retrying || (this.pendingKeys.size === 0 && this.pendingAreas.size === 0)) return;
    this.retrying = true;
    let failure: unknown;
    // An entry that failed again while its retry was on the way stays, for the next retry.
    const clear = (pending: Map<string, number>, entry: string, number: number) => {
      if (pending.get(entry) === number) pending.delete(entry);
    };
    try {
      const keys = [...this.pendingKeys];
      for (let i = 0; i < keys.length; i += RETRY_BATCH) {
        const batch = keys.slice(i, i + RETRY_BATCH);
        const failed = await this.tryInvalidate(batch.map(([key]) => key));
        const failedKeys = new Set(failed.keys);
        for (const [key, number] of batch) if (!failedKeys.has(key)) clear(this.pendingKeys, key, number);
        failure ??= failed.error;
      }
      for (const [pattern, number] of [...this.pendingAreas]) {
        const { error } = await this.tryInvalidatePattern(pattern);
        if (error) failure ??= error;
        else clear(this.pendingAreas, pattern, number);
      }
    } finally {
      this.retrying = false;
    }
    if (this.pendingKeys.size > 0 || this.pendingAreas.size > 0) this.retrySoon();
    else if (failure === undefined)
      this.logger.log('Redis took every invalidation that had failed: those keys are cached again');
  }
}
