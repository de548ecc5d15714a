import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { HitCounts, type CacheHitCounts } from './hit-counts.js';

/**
 * What warming did with an entry: loaded it (`warmed`), found it there (`cached`), gave it up because
 * the instance had too much to warm already (`dropped`), left it because it may not be served from
 * Redis now (`bypassed`: caching off, its invalidation pending, Redis unreachable), or its load failed.
 */
export type WarmResult = 'warmed' | 'cached' | 'dropped' | 'bypassed' | 'failed';

/** Per named cache: hits and misses, how long each load from the source took, and the hit ratio. */
@Injectable()
export class CacheMetrics {
  private readonly requests: Counter<'cache' | 'result'>;
  private readonly loadDuration: Histogram<'cache'>;
  private readonly counts = new HitCounts();
  private readonly warming: Counter<'cache' | 'result'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({
      name: 'cache_requests_total',
      help: 'Cache lookups, by cache name and result (hit | miss)',
      labelNames: ['cache', 'result'] as const,
      registers: [metrics.registry],
    });
    this.loadDuration = new Histogram({
      name: 'cache_load_duration_seconds',
      help: 'Time of each load from the source of truth on a miss; its count is the number of loads',
      labelNames: ['cache'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
    this.warming = new Counter({
      name: 'cache_warm_total',
      help: 'Entries warmed ahead of their reads, by cache name and result (warmed | cached | dropped | bypassed | failed)',
      labelNames: ['cache', 'result'] as const,
      registers: [metrics.registry],
    });
    const requests = this.requests;
    new Gauge({
      name: 'cache_hit_ratio',
      help: 'Hits over all lookups since the process started, by cache name',
      labelNames: ['cache'] as const,
      registers: [metrics.registry],
      // Derived from the counter at scrape time, so it can never drift from it.
      async collect() {
        const totals = new Map<string, { hits: number; all: number }>();
        for (const { labels, value } of (await requests.get()).values) {
          const cache = String(labels.cache);
          const total = totals.get(cache) ?? { hits: 0, all: 0 };
          total.all += value;
          if (labels.result === 'hit') total.hits += value;
          totals.set(cache, total);
        }
        for (const [cache, { hits, all }] of totals) this.set({ cache }, all === 0 ? 0 : hits / all);
      },
    });
  }

  lookedUp(cache: string, hit: boolean): void {
    this.requests.inc({ cache, result: hit ? 'hit' : 'miss' });
    this.counts.record(cache, hit);
  }

  /** Hits and misses per cache, since start and over the last minute. */
  hitCounts(): Record<string, CacheHitCounts> {
    return this.counts.snapshot();
  }

  /** One entry looked at by warming, and what became of it. */
  warmed(cache: string, result: WarmResult): void {
    this.warming.inc({ cache, result });
  }

  /** Starts timing one load; call the returned function when it ends, whether it succeeded or not. */
  startLoad(cache: string): () => void {
    const end = this.loadDuration.startTimer({ cache });
    return () => void end();
  }
}
