import type { Cluster, Redis } from 'ioredis';

/**
 * The servers that hold the data: every master of a Redis Cluster, or the one server. For the
 * commands that act on one server only (SCAN, FLUSHDB).
 */
export function dataNodes(redis: Redis): Redis[] {
  return redis.isCluster ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/**
 * Runs commands on unrelated keys side by side, with a pipeline's result shape (`[error, value]`
 * each). On a Cluster a pipeline must stay on one node; separate commands are batched per node by
 * the client's auto-pipelining instead, so this takes no more round trips than a pipeline.
 */
export async function together(commands: Promise<unknown>[]): Promise<[Error | null, unknown][]> {
  const results = await Promise.allSettled(commands);
  return results.map((result) =>
    result.status === 'fulfilled' ? [null, result.value] : [result.reason as Error, undefined],
  );
}
