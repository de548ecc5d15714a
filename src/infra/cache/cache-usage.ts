import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { dataNodes } from '#src/infra/redis/redis-nodes.js';
import { CACHE_AREAS } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';

/** SCAN stops after this many keys per server: the counts are then estimates from that sample. */
const SAMPLE_KEYS = 2000;
const SCAN_COUNT = 500;

export interface CacheKeyCounts {
  /** Keys in the database (DBSIZE, summed over a Cluster's masters). */
  totalKeys: number;
  /** Keys SCAN looked at. */
  sampledKeys: number;
  /** True when SCAN saw every key: the counts are exact, not estimates. */
  complete: boolean;
  /** Keys per cache, counted (complete) or estimated from their share of the sample. */
  byCache: Record<string, number>;
  /** Keys of no cache (sessions, limits, presence...), likewise. */
  other: number;
}

export interface RedisMemory {
  usedBytes: number;
  /** 0: no limit. */
  maxBytes: number;
  policy: string;
  evictedKeys: number;
}

/** `field:value` lines of an INFO section. */
function infoFields(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

const cacheOf = (key: string) => CACHE_AREAS.find((area) => key.startsWith(area.pattern.slice(0, -1)))?.cache;

/**
 * What the caches take in Redis, for `/health/cache`: key counts by cache from a bounded SCAN of
 * each server (never KEYS), and the memory, its limit, eviction policy and evictions so far.
 */
@Injectable()
export class CacheUsage {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async keys(): Promise<CacheKeyCounts> {
    const counts: CacheKeyCounts = { totalKeys: 0, sampledKeys: 0, complete: true, byCache: {}, other: 0 };
    for (const area of CACHE_AREAS) counts.byCache[area.cache] = 0;
    for (const node of dataNodes(this.redis)) {
      const [total, sample] = await Promise.all([node.dbsize(), this.sample(node)]);
      const scale = sample.complete || sample.keys.length === 0 ? 1 : total / sample.keys.length;
      const here = new Map<string, number>();
      for (const key of sample.keys) {
        const cache = cacheOf(key) ?? '';
        here.set(cache, (here.get(cache) ?? 0) + 1);
      }
      for (const [cache, count] of here) {
        if (cache) counts.byCache[cache] += Math.round(count * scale);
        else counts.other += Math.round(count * scale);
      }
      counts.totalKeys += total;
      counts.sampledKeys += sample.keys.length;
      counts.complete &&= sample.complete;
    }
    return counts;
  }

  async memory(): Promise<RedisMemory> {
    const memory: RedisMemory = { usedBytes: 0, maxBytes: 0, policy: '', evictedKeys: 0 };
    for (const node of dataNodes(this.redis)) {
      const [memoryInfo, statsInfo] = await Promise.all([node.info('memory'), node.info('stats')]);
      const fields = infoFields(memoryInfo);
      memory.usedBytes += Number(fields.get('used_memory') ?? 0);
      memory.maxBytes += Number(fields.get('maxmemory') ?? 0);
      memory.policy ||= fields.get('maxmemory_policy') ?? '';
      memory.evictedKeys += Number(infoFields(statsInfo).get('evicted_keys') ?? 0);
    }
    return memory;
  }

  private async sample(node: Redis): Promise<{ keys: string[]; complete: boolean }> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'COUNT', SCAN_COUNT);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0' && keys.length < SAMPLE_KEYS);
    return { keys, complete: cursor === '0' };
  }
}
