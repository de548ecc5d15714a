// `npm run bench`: throughput, latency and memory of the service on this machine. It starts its own
// app instances against real Postgres and Redis, seeds a data set, runs the scenarios and writes
// bench/results/<date>.{json,md,svg}. `npm run bench -- --help` lists the flags.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { readOptions } from './lib/options.mjs';
import { benchId, buildLayout } from './lib/layout.mjs';
import { startInstance, startWorker } from './lib/processes.mjs';
import { printSummary, writeResults } from './lib/report.mjs';
import { seed } from './lib/seed.mjs';
import { prepareServers } from './lib/servers.mjs';
import { summarize } from './lib/summary.mjs';
import { accessToken } from './lib/tokens.mjs';
import { runCompression } from './scenarios/compression.mjs';
import { runConnections } from './scenarios/connections.mjs';
import { runFloor } from './scenarios/floor.mjs';
import { runMessaging, runMessagingFloor } from './scenarios/messaging.mjs';
import { runReads } from './scenarios/reads.mjs';
import { runSearch } from './scenarios/search.mjs';

const started = performance.now();
const log = (message) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

if (existsSync('.env')) process.loadEnvFile('.env');
const options = readOptions();
const cleanup = [];
let failed = false;
try {
  const servers = await prepareServers(options, log);
  cleanup.push(() => servers.stop());
  log(`using ${servers.description}`);

  const layout = buildLayout(options);
  log(
    `seeding ${options.users} users, ${options.conversations} conversations (${layout.groupCount} groups), ${options.messages} messages`,
  );
  const seedMs = await seed(servers.databaseUrl, options, layout);
  log(`seeded in ${Object.values(seedMs).reduce((sum, ms) => sum + ms, 0)} ms`);

  const secret = randomBytes(48).toString('base64url');
  const tokens = Array.from({ length: options.users }, (_, user) =>
    accessToken(secret, benchId('user', user), benchId('session', user)),
  );
  const baseEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: servers.databaseUrl,
    REDIS_URL: servers.redisUrl,
    JWT_SECRET: secret,
    LOG_LEVEL: options.logLevel,
    SHUTDOWN_DRAIN_MS: '0',
    // The benchmark measures capacity, not the per-user limits that protect it.
    MESSAGES_PER_MINUTE_PER_USER: '1000000',
    SEARCHES_PER_MINUTE_PER_USER: '1000000',
    SOCKET_EVENTS_PER_SECOND: '1000',
  };
  const running = new Set();
  const startNamed = async (name, env = {}) => {
    const instance = await startInstance(name, { ...baseEnv, ...env }, options.cpuProf);
    running.add(instance);
    const stop = instance.stop;
    instance.stop = async () => {
      running.delete(instance);
      await stop();
    };
    return instance;
  };
  cleanup.unshift(() => Promise.allSettled([...running].map((instance) => instance.stop())));

  log('starting instances A and B (cache on)');
  const [a, b] = await Promise.all([startNamed('A'), startNamed('B')]);
  const http = startWorker('http-load.mjs');
  cleanup.unshift(() => http.stop());
  const ctx = { options, layout, tokens, servers, log, http, instances: { a, b }, startInstance: startNamed };

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
    },
    servers: servers.description,
    options: { ...options, scenarios: [...options.scenarios] },
    seedMs,
    scenarios: {},
  };
  if (options.scenarios.has('reads')) results.scenarios.reads = await runReads(ctx);
  if (options.scenarios.has('floor')) results.scenarios.floor = await runFloor(ctx);
  if (options.scenarios.has('search')) results.scenarios.search = await runSearch(ctx);
  const httpCpuSeconds = await http.call({ cmd: 'cpu' }).catch(() => null);
  if (options.scenarios.has('messaging')) results.scenarios.messaging = await runMessaging(ctx);
  await Promise.all([a.stop(), b.stop()]);
  // The messaging floor's step-up, with no app instance running (A and B are stopped).
  if (options.scenarios.has('messaging')) results.scenarios.messaging.floor = await runMessagingFloor(ctx);
  // Its own pairs of instances, with compression off and on, while A and B are stopped.
  if (options.scenarios.has('compression')) results.scenarios.compression = await runCompression(ctx);
  if (options.scenarios.has('connections')) results.scenarios.connections = await runConnections(ctx);
  results.httpLoadGeneratorCpuSeconds = httpCpuSeconds;
  results.durationSeconds = (performance.now() - started) / 1000;
  results.summary = summarize(results);

  const files = await writeResults(options.out, results);
  printSummary(results);
  log(`results written to ${files.join(', ')}`);
  const searchFailures = results.scenarios.search?.failures ?? [];
  if (searchFailures.length > 0) {
    failed = true;
    log(`benchmark failed: search requests did not all answer 200\n  ${searchFailures.join('\n  ')}`);
  }
} catch (error) {
  failed = true;
  log(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  for (const step of cleanup) await step().catch(() => undefined);
}
process.exit(failed ? 1 : 0);
