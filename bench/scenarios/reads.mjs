import { benchId } from '../lib/layout.mjs';
import { hitRatio } from '../lib/metrics.mjs';
import { cpuSeconds } from '../lib/processes.mjs';

const WARM_UP_SECONDS = 10;

/** The two read paths, each request for the next user or conversation in turn. */
export function readTargets(layout, tokens) {
  return {
    list: tokens.map((token) => ({ path: '/api/v1/conversations', token })),
    messages: layout.conversations.map((conversation) => ({
      path: `/api/v1/conversations/${conversation.id}/messages`,
      token: tokens[conversation.members[0]],
    })),
  };
}

/** One measured autocannon run against an instance, with the instance's CPU and cache hits over it. */
export async function measureReads(ctx, instance, targets, cache) {
  const before = await instance.metrics();
  const cpuBefore = cpuSeconds(instance.pid);
  const run = await ctx.http.call({
    cmd: 'run',
    url: instance.url,
    connections: ctx.options.connections,
    seconds: ctx.options.readSeconds,
    targets,
  });
  const after = await instance.metrics();
  return {
    ...run,
    instanceCpuSeconds: cpuBefore === null ? null : cpuSeconds(instance.pid) - cpuBefore,
    cacheHitRatio: cache ? hitRatio(before, after, cache) : null,
  };
}

export const warmUp = (ctx, instance, targets) =>
  ctx.http.call({
    cmd: 'run',
    url: instance.url,
    connections: ctx.options.connections,
    seconds: WARM_UP_SECONDS,
    targets,
  });

/**
 * Scenario 1: the conversation list and the latest page of messages, on one instance with the
 * cache on, then on a fresh instance with CACHE_ENABLED=false, over the same data in the same run.
 */
export async function runReads(ctx) {
  const targets = readTargets(ctx.layout, ctx.tokens);
  const result = { cached: {}, uncached: {} };
  const cached = ctx.instances.a;
  ctx.log(`reads: warming up instance A (${WARM_UP_SECONDS} s per route)`);
  await warmUp(ctx, cached, targets.list);
  await warmUp(ctx, cached, targets.messages);
  ctx.log(`reads: cached conversation list, ${ctx.options.readSeconds} s`);
  result.cached.list = await measureReads(ctx, cached, targets.list, 'conversation-list');
  ctx.log(`reads: cached latest messages, ${ctx.options.readSeconds} s`);
  result.cached.messages = await measureReads(ctx, cached, targets.messages, 'latest-messages');

  ctx.log('reads: starting instance C with CACHE_ENABLED=false');
  const uncached = await ctx.startInstance('C', { CACHE_ENABLED: 'false' });
  try {
    await warmUp(ctx, uncached, targets.list);
    ctx.log(`reads: uncached conversation list, ${ctx.options.readSeconds} s`);
    result.uncached.list = await measureReads(ctx, uncached, targets.list);
    await warmUp(ctx, uncached, targets.messages);
    ctx.log(`reads: uncached latest messages, ${ctx.options.readSeconds} s`);
    result.uncached.messages = await measureReads(ctx, uncached, targets.messages);
  } finally {
    await uncached.stop();
  }
  result.ratios = Object.fromEntries(
    ['list', 'messages'].map((route) => {
      const [on, off] = [result.cached[route], result.uncached[route]];
      return [
        route,
        { throughput: on.perSecond / off.perSecond, p50: off.latencyMs.p50 / Math.max(on.latencyMs.p50, 0.001) },
      ];
    }),
  );
  ctx.log(
    `reads: cached list ${Math.round(result.cached.list.perSecond)} req/s vs uncached ${Math.round(result.uncached.list.perSecond)} req/s`,
  );
  return result;
}

/** Which user a list target is for (the floor scenario reads the same users' cached lists). */
export const userIdOf = (index) => benchId('user', index);
