import { Redis } from 'ioredis';
import { redisKeyPattern } from '../../dist/infra/redis/redis-keys.js';
import { startWorker } from '../lib/processes.mjs';
import { measureReads, readTargets, userIdOf, warmUp } from './reads.mjs';

async function forgetCachedLists(redisUrl) {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: redisKeyPattern('conv', 'list-json'), count: 500 })) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * Scenario 4: the cached conversation list from instance A next to the same Redis read served by a
 * bare Fastify route (bench/workers/floor-server.mjs), run back to back: their ratio is the cost of
 * everything the app does around the read (auth, session check, framework, metrics, logging).
 */
export async function runFloor(ctx) {
  const { list } = readTargets(ctx.layout, ctx.tokens);
  // Lists cached by earlier scenarios would expire (their TTL) during these runs: start them afresh.
  await forgetCachedLists(ctx.servers.redisUrl);
  ctx.log('floor: filling the cached lists through instance A');
  await warmUp(ctx, ctx.instances.a, list);
  const app = await measureReads(ctx, ctx.instances.a, list, 'conversation-list');
  const server = startWorker('floor-server.mjs');
  try {
    const { url, pid } = await server.call({ cmd: 'start', redisUrl: ctx.servers.redisUrl });
    const targets = ctx.tokens.map((_, index) => ({ path: `/conversations/${userIdOf(index)}` }));
    await warmUp(ctx, { url }, targets);
    ctx.log(`floor: bare Fastify + the same Redis read, ${ctx.options.readSeconds} s`);
    const floor = await measureReads(ctx, { url, pid, metrics: async () => '' }, targets);
    if (floor.non2xx > 0) ctx.log(`floor: ${floor.non2xx} reads found no cached list`);
    return {
      app,
      floor,
      ratios: {
        throughput: floor.perSecond / app.perSecond,
        p50: app.latencyMs.p50 / Math.max(floor.latencyMs.p50, 0.001),
      },
    };
  } finally {
    await server.stop();
  }
}
