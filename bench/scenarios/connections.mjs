import { sample } from '../lib/metrics.mjs';
import { addCounts } from '../lib/counts.mjs';
import { rssBytes, startWorker, stopSocketWorkers } from '../lib/processes.mjs';

const WORKERS = 4;
const SETTLE_MS = 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryOf(instance) {
  const metrics = await instance.metrics();
  return {
    rssBytes: rssBytes(instance.pid) ?? sample(metrics, 'process_resident_memory_bytes'),
    heapUsedBytes: sample(metrics, 'nodejs_heap_size_used_bytes'),
    sockets: sample(metrics, 'ws_connections'),
  };
}

/**
 * Scenario 3: a fresh instance holds `idle-sockets` authenticated, idle sockets (users take turns,
 * several sockets each); its memory before and after, settled, gives the cost of one socket.
 */
export async function runConnections(ctx) {
  const { options, tokens } = ctx;
  const perUser = Math.ceil(options.idleSockets / options.users);
  ctx.log(`connections: starting instance D (up to ${perUser} sockets per user)`);
  const instance = await ctx.startInstance('D', { SOCKETS_MAX_PER_USER: String(Math.min(1000, perUser)) });
  const workers = Array.from({ length: WORKERS }, () => startWorker('sockets.mjs'));
  try {
    await sleep(SETTLE_MS / 2);
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
      loadGeneratorCpuSeconds: loadCpu.reduce((sum, value) => sum + value, 0),
    };
  } finally {
    await stopSocketWorkers(workers);
    await instance.stop();
  }
}
