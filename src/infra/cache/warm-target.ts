/**
 * A cache entry to load ahead of its reads: its cache's name (in metrics), its key, and how its
 * owner loads it through the cache's own path. `warm` is true when it loaded from the source.
 */
export interface WarmTarget {
  cache: string;
  key: string;
  warm(): Promise<boolean>;
}
