import { Redis } from 'ioredis';
import { sample } from '../lib/metrics.mjs';
import { addCounts } from '../lib/counts.mjs';
import { rssBytes, startWorker, stopSocketWorkers } from '../lib/processes.mjs';

const WORKERS = 4;
const SETTLE_MS = 10_000;
const LIST_KEYS = 'conv:list-json:*';
const FIRST_LIST_CONCURRENCY = 20;
const WARM_RESULTS = ['warmed', 'cached', 'dropped', 'bypassed', 'failed'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryOf(instance) {
  const metrics = await instance.metrics();
  return {
    rssBytes: rssBytes(instance.pid) ?? sample(metrics, 'process_resident_memory_bytes'),
    heapUsedBytes: sample(metrics, 'nodejs_heap_size_used_bytes'),
    sockets: sample(metrics, 'ws_connections'),
  };
}

/** Deletes every cached conversation list (nothing writes meanwhile): the connects find them cold. */
async function dropCachedLists(redisUrl) {
  const redis = new Redis(redisUrl);
  let dropped = 0;
  try {
    for await (const keys of redis.scanStream({ match: LIST_KEYS, count: 500 })) {
      if (keys.length > 0) dropped += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return dropped;
}

/** Each user's first `GET /api/v1/conversations`: how many were served from the cache. */
async function firstLists(instance, tokens, users) {
  const counts = { hit: 0, miss: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < users.length) {
      const user = users[next++];
      const response = await fetch(`${instance.url}/api/v1/conversations`, {
        headers: { authorization: `Bearer ${tokens[user]}` },
      }).catch(() => null);
      await response?.arrayBuffer();
      if (response?.status !== 200) counts.failed += 1;
      else if (response.headers.get('x-cache') === 'HIT') counts.hit += 1;
      else counts.miss += 1;
    }
  };
  await Promise.all(Array.from({ length: FIRST_LIST_CONCURRENCY }, lane));
  return { users: users.length, ...counts, hitRatio: users.length ? counts.hit / users.length : null };
}

const warmCounts = (metrics) =>
  Object.fromEntries(
    WARM_RESULTS.map((result) => [result, sample(metrics, 'cache_warm_total', { cache: 'conversation-list', result })]),
  );

/**
 * Scenario 3: a fresh instance holds `idle-sockets` authenticated, idle sockets (users take turns,
 * several sockets each); its memory before and after, settled, gives the cost of one socket. The
 * conversation lists are dropped from Redis first; each connected user's first list read after the
 * connects tells how many the connects warmed (docs/caching.md, Warming).
 */
export async function runConnections(ctx) {
  const { options, tokens } = ctx;
  const perUser = Math.ceil(options.idleSockets / options.users);
  ctx.log(`connections: starting instance D (up to ${perUser} sockets per user)`);
  const instance = await ctx.startInstance('D', { SOCKETS_MAX_PER_USER: String(Math.min(1000, perUser)) });
  const workers = Array.from({ length: WORKERS }, () => startWorker('sockets.mjs'));
  try {
    await sleep(SETTLE_MS / 2);
    const droppedLists = await dropCachedLists(ctx.servers.redisUrl);
    const before = await memoryOf(instance);
    ctx.log(`connections: opening ${options.idleSockets} sockets to instance D`);
    const started = performance.now();
    const results = await Promise.all(
      workers.map((worker, index) => {
        const targets = [];
        for (let n = index; n < options.idleSockets; n += WORKERS) {
          targets.push({ url: instance.url, token: tokens[n % options.users], instance: 'D', user: n % options.users });
        }
        return worker.call({ cmd: 'connect', concurrency: 50, targets });
      }),
    );
    const connectSeconds = (performance.now() - started) / 1000;
    const connected = results.reduce((sum, result) => sum + result.connectedUsers.length, 0);
    const errors = results.reduce((all, result) => addCounts(all, result.errors), {});
    ctx.log(`connections: ${connected} connected in ${connectSeconds.toFixed(1)} s; settling ${SETTLE_MS / 1000} s`);
    await sleep(SETTLE_MS);
    const after = await memoryOf(instance);
    const connectedUsers = [...new Set(results.flatMap((result) => result.connectedUsers))];
    const warming = {
      droppedListsBefore: droppedLists,
      listLoads: sample(await instance.metrics(), 'cache_load_duration_seconds_count', { cache: 'conversation-list' }),
      results: warmCounts(await instance.metrics()),
      firstLists: await firstLists(instance, tokens, connectedUsers),
    };
    ctx.log(
      `connections: first list of ${warming.firstLists.users} connected users: ${warming.firstLists.hit} HIT, ${warming.firstLists.miss} MISS`,
    );
    const loadCpu = await Promise.all(workers.map((worker) => worker.call({ cmd: 'cpu' })));
    return {
      requested: options.idleSockets,
      connected,
      errors,
      connectSeconds,
      before,
      after,
      perSocket: {
        rssBytes: connected ? (after.rssBytes - before.rssBytes) / connected : null,
        heapUsedBytes: connected ? (after.heapUsedBytes - before.heapUsedBytes) / connected : null,
      },
      warming,
      loadGeneratorCpuSeconds: loadCpu.reduce((sum, value) => sum + value, 0),
    };
  } finally {
    await stopSocketWorkers(workers);
    await instance.stop();
  }
}
