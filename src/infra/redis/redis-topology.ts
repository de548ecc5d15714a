export interface HostPort {
  host: string;
  port: number;
}

/** How the service reaches Redis: one server, a Sentinel-watched master, or a Cluster. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; url?: string }
  | { kind: 'cluster'; nodes: HostPort[]; url?: string };

export interface RedisTopologySettings {
  REDIS_URL?: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_CLUSTER_NODES?: string;
}

/** `host:port,host:port` (validated by the environment schema) to ioredis' node list. */
const parseHostList = (list: string): HostPort[] =>
  list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) };
    });

/**
 * The topology the settings name. With Sentinel or Cluster, REDIS_URL is optional and supplies only
 * what a URL can: the user and password, TLS (`rediss://`) and, for Sentinel, the database.
 */
export function redisTopology(settings: RedisTopologySettings): RedisTopology | null {
  if (settings.REDIS_CLUSTER_NODES) {
    return { kind: 'cluster', nodes: parseHostList(settings.REDIS_CLUSTER_NODES), url: settings.REDIS_URL };
  }
  if (settings.REDIS_SENTINELS) {
    return {
      kind: 'sentinel',
      sentinels: parseHostList(settings.REDIS_SENTINELS),
      name: settings.REDIS_SENTINEL_NAME ?? '',
      url: settings.REDIS_URL,
    };
  }
  return settings.REDIS_URL ? { kind: 'single', url: settings.REDIS_URL } : null;
}

/** Plain words for the start-up log, without credentials. */
export function describeTopology(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'single':
      return 'Redis from REDIS_URL';
    case 'sentinel':
      return `Redis master "${topology.name}" through ${topology.sentinels.length} sentinel(s)`;
    case 'cluster':
      return `Redis Cluster (${topology.nodes.length} seed node(s))`;
  }
}
