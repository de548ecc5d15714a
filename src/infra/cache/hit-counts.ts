/** Hits and misses of one cache, with their ratio (null before any lookup). */
export interface HitCount {
  hits: number;
  misses: number;
  hitRatio: number | null;
}

/** A cache's counts since the process started and over about the last minute. */
export interface CacheHitCounts {
  sinceStart: HitCount;
  lastMinute: HitCount;
}

/** The last minute is this many slots of SLOT_MS: a lookup leaves it between 50 and 60 s later. */
const SLOTS = 6;
const SLOT_MS = 10_000;

interface Slot {
  /** Which SLOT_MS-long stretch since the epoch these counts belong to. */
  index: number;
  counts: Map<string, { hits: number; misses: number }>;
}

const withRatio = ({ hits, misses }: { hits: number; misses: number }): HitCount => ({
  hits,
  misses,
  hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
});

/**
 * Lookups per cache, in memory, for `/health/cache`: totals since start and a ring of ten-second
 * slots for the last minute. Recording is a map update; nothing is kept per lookup.
 */
export class HitCounts {
  private readonly totals = new Map<string, { hits: number; misses: number }>();
  private readonly ring: Slot[] = Array.from({ length: SLOTS }, () => ({ index: -1, counts: new Map() }));

  constructor(private readonly now: () => number = Date.now) {}

  record(cache: string, hit: boolean): void {
    const index = Math.floor(this.now() / SLOT_MS);
    const slot = this.ring[index % SLOTS];
    if (slot.index !== index) {
      slot.index = index;
      slot.counts.clear();
    }
    for (const counts of [this.totals, slot.counts]) {
      const count = counts.get(cache) ?? { hits: 0, misses: 0 };
      if (hit) count.hits += 1;
      else count.misses += 1;
      counts.set(cache, count);
    }
  }

  snapshot(): Record<string, CacheHitCounts> {
    const current = Math.floor(this.now() / SLOT_MS);
    const recent = new Map<string, { hits: number; misses: number }>();
    for (const slot of this.ring) {
      if (slot.index <= current - SLOTS) continue;
      for (const [cache, { hits, misses }] of slot.counts) {
        const sum = recent.get(cache) ?? { hits: 0, misses: 0 };
        recent.set(cache, { hits: sum.hits + hits, misses: sum.misses + misses });
      }
    }
    const snapshot: Record<string, CacheHitCounts> = {};
    for (const [cache, total] of [...this.totals].sort(([a], [b]) => a.localeCompare(b))) {
      snapshot[cache] = {
        sinceStart: withRatio(total),
        lastMinute: withRatio(recent.get(cache) ?? { hits: 0, misses: 0 }),
      };
    }
    return snapshot;
  }
}
