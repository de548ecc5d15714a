import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { latencyChart } from './chart.mjs';
import { summarize } from './summary.mjs';

const KB = 1024;
const fixed = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toFixed(digits));
const ms = (value) => (value === null || value === undefined ? 'n/a' : `${fixed(value, value < 10 ? 2 : 1)}`);

/** One row per measured path: what it did per second and its latency percentiles (ms). */
export function latencyRows(results) {
  const rows = [];
  const { reads, floor, search, messaging } = results.scenarios;
  const http = (label, run) =>
    run &&
    rows.push({
      label,
      rate: `${fixed(run.perSecond)} req/s`,
      latency: run.latencyMs,
      errors: run.non2xx + run.errors,
    });
  if (reads) {
    http('REST conversation list, cached', reads.cached.list);
    http('REST conversation list, uncached', reads.uncached.list);
    http('REST latest messages, cached', reads.cached.messages);
    http('REST latest messages, uncached', reads.uncached.messages);
  }
  if (floor) {
    http('Cached list through the app (floor run)', floor.app);
    http('Same Redis read, bare Fastify (floor)', floor.floor);
  }
  if (search) {
    for (const kind of Object.values(search.kinds)) {
      http(`Search alone, ${kind.label} (${kind.q})`, kind.alone);
      http(`Search loaded, ${kind.label} (${kind.q})`, kind);
    }
  }
  if (messaging) {
    const { fixed: run } = messaging;
    const failures = Object.values(run.failures).reduce((sum, value) => sum + value, 0);
    rows.push({
      label: `Send ack at ${run.rate} msg/s`,
      rate: `${fixed(run.achievedRate)} msg/s`,
      latency: run.ack.latencyMs,
      errors: failures,
    });
    rows.push({
      label: `Delivery, other instance, at ${run.rate} msg/s`,
      rate: `${run.deliveryCrossInstance.count} deliveries`,
      latency: run.deliveryCrossInstance.latencyMs,
      errors: run.lost,
    });
    rows.push({
      label: `Delivery, same instance, at ${run.rate} msg/s`,
      rate: `${run.deliverySameInstance.count} deliveries`,
      latency: run.deliverySameInstance.latencyMs,
      errors: run.lost,
    });
    const steps = (run, label) => {
      for (const step of run.steps) {
        rows.push({
          label: `Send ack, ${label} at ${step.rate} msg/s`,
          rate: `${fixed(step.achievedRate)} msg/s`,
          latency: step.ack.latencyMs,
          errors: Object.values(step.failures).reduce((sum, value) => sum + value, 0),
        });
      }
    };
    steps(messaging, 'step-up');
    if (messaging.floor) steps(messaging.floor, 'messaging floor step-up');
  }
  return rows;
}

const times = (value) => `${fixed(value, 2)}×`;
const perSecond = (value) => `${value} msg/s`;
const milliseconds = (value) => `${ms(value)} ms`;
const count = (value) => String(value);

/**
 * Every key of `results.summary` (bench/lib/summary.mjs), in order: a label, how its value is shown,
 * and the issue's target for it, when it has one (`met` gets the value and the whole summary).
 */
export const SUMMARY_FIELDS = [
  {
    key: 'cachedListOverFloor',
    label: 'Cached conversation list, throughput over the floor',
    show: times,
    target: { text: '≥ 0.6×', met: (value) => value >= 0.6 },
  },
  {
    key: 'cachedListP99OverFloor',
    label: 'Cached conversation list, p99 over the floor',
    show: times,
    target: { text: '≤ 2×', met: (value) => value <= 2 },
  },
  {
    key: 'latestPageOverFloor',
    label: 'Cached latest page of messages, throughput over the floor',
    show: times,
    target: { text: '≥ 0.6×', met: (value) => value >= 0.6 },
  },
  {
    key: 'searchP99UnderReadLoadMs',
    label: 'Search p99 under the read load (every kind on 1 connection, 1000 cached list reads/s alongside)',
    show: milliseconds,
    target: { text: '≤ 50 ms', met: (value) => value <= 50 },
  },
  {
    key: 'maxKeptUpMsgPerSec',
    label: 'Highest send rate kept up',
    show: (value, summary) => `${perSecond(value)} (floor: ${summary.floorMaxKeptUpMsgPerSec ?? 'n/a'})`,
    target: {
      text: "≥ 0.5× the messaging floor's and ≥ 800 msg/s",
      met: (value, summary) =>
        value >= 800 && summary.floorMaxKeptUpMsgPerSec !== null && value >= 0.5 * summary.floorMaxKeptUpMsgPerSec,
    },
  },
  {
    key: 'floorMaxKeptUpMsgPerSec',
    label: 'Highest send rate kept up, messaging floor',
    show: perSecond,
  },
  {
    key: 'deliveryP99At500Ms',
    label: 'Cross-instance delivery p99 at 500 msg/s',
    show: milliseconds,
    target: { text: '≤ 50 ms', met: (value) => value <= 50 },
  },
  {
    key: 'cpuMsPerMessageAt400',
    label: 'CPU per message at 400 msg/s (instances + PostgreSQL)',
    show: (value) => `${fixed(value, 2)} ms`,
    target: { text: '≤ 1.5 ms', met: (value) => value <= 1.5 },
  },
  {
    key: 'rssKbPerIdleSocket',
    label: 'RSS per idle socket',
    show: (value) => `${fixed(value, 1)} KB`,
    target: { text: '≤ 32 KB', met: (value) => value <= 32 },
  },
  { key: 'lost', label: 'Deliveries lost', show: count, target: { text: '= 0', met: (value) => value === 0 } },
  {
    key: 'duplicated',
    label: 'Deliveries duplicated',
    show: count,
    target: { text: '= 0', met: (value) => value === 0 },
  },
  { key: 'maxKeptUpOverFloor', label: 'Highest send rate kept up over the floor', show: times },
  {
    key: 'floorKeptUpEveryStep',
    label: 'Messaging floor kept up every step (its highest rate is then a lower bound)',
    show: (value) => (value ? 'yes' : 'no'),
  },
  {
    key: 'floorCpuMsPerMessageAt400',
    label: 'CPU per message at 400 msg/s, messaging floor (servers + PostgreSQL)',
    show: (value) => `${fixed(value, 2)} ms`,
  },
  { key: 'floorLost', label: 'Deliveries lost, messaging floor', show: count },
  { key: 'floorDuplicated', label: 'Deliveries duplicated, messaging floor', show: count },
  { key: 'searchLoadedP99Ms', label: 'Search p99, loaded, slowest kind (no reads alongside)', show: milliseconds },
  {
    key: 'firstListAfterConnectHitRatio',
    label: 'First conversation list after connecting, served from the cache (warmed on connect)',
    show: (value) => `${fixed(value * 100, 1)}%`,
  },
];

/** The summary's fields with a value: label, the value shown, and the target and whether it was met. */
export function summaryRows(summary) {
  return SUMMARY_FIELDS.filter((field) => summary[field.key] !== null && summary[field.key] !== undefined).map(
    (field) => {
      const value = summary[field.key];
      return {
        key: field.key,
        label: field.label,
        measured: field.show(value, summary),
        target: field.target?.text ?? null,
        met: field.target ? field.target.met(value, summary) : null,
      };
    },
  );
}

/** The issue's targets, each with what was measured and whether it was met (those measured in the run). */
export function targets(results) {
  return summaryRows(results.summary ?? summarize(results))
    .filter((row) => row.target !== null)
    .map((row) => ({ target: `${row.label} ${row.target}`, measured: row.measured, met: row.met }));
}

function markdown(results) {
  const lines = [
    `# Benchmark results, ${results.date.slice(0, 10)}`,
    '',
    `Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${fixed(results.machine.memoryBytes / KB ** 3, 1)} GiB, Node ${results.machine.node}.`,
    `Servers: ${results.servers}. Data set: ${results.options.users} users, ${results.options.conversations} conversations, ${results.options.messages} messages.`,
    `Everything (both instances, Postgres, Redis and the load generators) ran on this one machine.`,
    '',
    '| path | throughput | p50 ms | p90 ms | p99 ms | max ms | errors / lost |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...latencyRows(results).map(
      (row) =>
        `| ${row.label} | ${row.rate} | ${ms(row.latency?.p50)} | ${ms(row.latency?.p90)} | ${ms(row.latency?.p99)} | ${ms(row.latency?.max)} | ${row.errors} |`,
    ),
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...targets(results).map((row) => `| ${row.target} | ${row.measured} | ${row.met ? 'yes' : 'no'} |`),
  ];
  const { reads, floor, search, messaging, connections, compression } = results.scenarios;
  lines.push('');
  if (reads) {
    lines.push(
      `- Cache hit ratio during the cached runs (from \`cache_requests_total\`): list ${fixed(reads.cached.list.cacheHitRatio * 100, 1)}%, latest messages ${fixed(reads.cached.messages.cacheHitRatio * 100, 1)}%.`,
    );
    lines.push(
      `- Cached over uncached: list ${fixed(reads.ratios.list.throughput, 1)}× the throughput and ${fixed(reads.ratios.list.p50, 1)}× lower p50; latest messages ${fixed(reads.ratios.messages.throughput, 1)}× and ${fixed(reads.ratios.messages.p50, 1)}×.`,
    );
  }
  if (floor)
    lines.push(
      `- Floor: the bare Fastify route served ${fixed(floor.ratios.throughput, 1)}× the app's cached-list throughput; the app's p50 is ${fixed(floor.ratios.p50, 1)}× the floor's.`,
    );
  if (search) {
    lines.push(
      `- Search: instance A, each kind first with 1 connection (alone), then with ${results.options.connections} (loaded, ${results.options.readSeconds} s), each request as the next of ${search.users} users, pages of ${search.page}; hits = mean items on the page, over ${search.sampledUsers} of those users.${search.failures.length ? ` FAILED: ${search.failures.join('; ')}.` : ''}`,
      '',
      '| search | q | alone p50 ms | alone p99 ms | loaded req/s | loaded p50 ms | loaded p99 ms | hits | errors |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const kind of Object.values(search.kinds)) {
      const { latencyMs: latency, alone } = kind;
      const errors = kind.non2xx + kind.errors + kind.timeouts + alone.non2xx + alone.errors + alone.timeouts;
      lines.push(
        `| ${kind.label} | ${kind.q} | ${ms(alone.latencyMs.p50)} | ${ms(alone.latencyMs.p99)} | ${fixed(kind.perSecond)} | ${ms(latency.p50)} | ${ms(latency.p99)} | ${fixed(kind.meanHits, 1)} | ${errors} |`,
      );
    }
    lines.push('');
  }
  if (messaging) {
    lines.push(
      `- Messaging: ${messaging.sockets} sockets, ${fixed(messaging.groupShare * 100)}% of messages into groups of ${messaging.groupSize}, the rest into direct conversations. In the step-up (${results.options.stepSeconds} s a step; kept up = every send acknowledged, within 2 s of schedule, ack p99 ≤ 1 s), ${keptUpText(messaging)}.`,
    );
    lines.push(...stepTable(messaging.steps, 'instances'));
  }
  if (messaging?.floor) {
    const { floor: bare } = messaging;
    const summary = results.summary ?? summarize(results);
    lines.push(
      `- Messaging floor: two bare Socket.IO + Redis adapter + \`pg\` servers (one statement and one room emit a message), ${bare.sockets} sockets split as for A and B, no app instance running. In the same step-up, ${keptUpText(bare)}; ${summary.floorLost} lost and ${summary.floorDuplicated} duplicated deliveries (warm-up included).`,
    );
    lines.push(...stepTable(bare.steps, 'floor servers'));
  }
  if (compression) lines.push(...compressionTable(compression));
  if (connections) {
    lines.push(
      `- Connections: ${connections.connected} of ${connections.requested} idle sockets on one instance, opened in ${fixed(connections.connectSeconds, 1)} s; RSS ${fixed(connections.before.rssBytes / KB ** 2)} → ${fixed(connections.after.rssBytes / KB ** 2)} MiB, heap ${fixed(connections.before.heapUsedBytes / KB ** 2)} → ${fixed(connections.after.heapUsedBytes / KB ** 2)} MiB.`,
    );
    const warming = connections.warming;
    if (warming) {
      const { firstLists, results: warm } = warming;
      lines.push(
        `- Warming on connect: every cached list dropped before the connects; the first \`GET /api/v1/conversations\` of each of the ${firstLists.users} connected users was a HIT for ${fixed(firstLists.hitRatio === null ? null : firstLists.hitRatio * 100, 1)}% (${firstLists.miss} MISS, ${firstLists.failed} failed). Lists warmed ${warm.warmed}, found cached ${warm.cached}, dropped ${warm.dropped}; ${warming.listLoads} list loads from PostgreSQL.`,
      );
    }
  }
  lines.push(
    `- Load generators' CPU: HTTP ${fixed(results.httpLoadGeneratorCpuSeconds, 1)} s${messaging ? `, sockets (messaging) ${fixed(messaging.loadGeneratorCpuSeconds, 1)} s` : ''}${messaging?.floor ? `, sockets (messaging floor) ${fixed(messaging.floor.loadGeneratorCpuSeconds, 1)} s` : ''}${connections ? `, sockets (connections) ${fixed(connections.loadGeneratorCpuSeconds, 1)} s` : ''}; the whole run took ${fixed(results.durationSeconds)} s.`,
  );
  return `${lines.join('\n')}\n`;
}

function keptUpText({ saturation }) {
  const kept =
    saturation.highestSustainedRate === null
      ? 'none of the steps was kept up'
      : `the highest rate kept up was ${saturation.highestSustainedRate} msg/s`;
  const fell =
    saturation.firstUnsustainedRate === null
      ? ' (every step kept up)'
      : `; at ${saturation.firstUnsustainedRate} msg/s it fell behind`;
  return kept + fell;
}

/** Compression off and on, per message size: instance CPU and bytes on the wire per message. */
function compressionTable({ rate, seconds, modes }) {
  const lines = [
    `- Compression (\`SOCKET_PER_MESSAGE_DEFLATE\`): the messaging traffic at ${rate} msg/s for ${seconds} s per size, through a fresh pair of instances with it off, then on (${modes.off?.sockets ?? 'n/a'} / ${modes.on?.sockets ?? 'n/a'} sockets). Bytes are what the clients' TCP connections read (from the instances, pings and acks included) per delivered message, and wrote per send.`,
    '',
    '| compression | message | instance CPU ms / message | instance CPU ms / delivery | bytes read / delivery | bytes written / send | ack p99 ms | delivery p99 ms | lost |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [mode, run] of Object.entries(modes)) {
    for (const [size, cost] of Object.entries(run.sizes)) {
      const label = cost.bodyChars > 0 ? `${size} (${cost.bodyChars} characters)` : `${size} (about 90 characters)`;
      lines.push(
        `| ${mode} | ${label} | ${fixed(cost.instanceCpuMsPerMessage, 3)} | ${fixed(cost.instanceCpuMsPerDelivery, 3)} | ${fixed(cost.wireBytesReadPerDelivery)} | ${fixed(cost.wireBytesWrittenPerMessage)} | ${ms(cost.ackP99Ms)} | ${ms(cost.deliveryP99Ms)} | ${cost.lost} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

/** The step-up as a table, with the CPU seconds each step cost the two servers, PostgreSQL and Redis. */
function stepTable(steps, servers) {
  if (steps.length === 0) return [];
  const lines = [
    '',
    `| step-up rate | acked msg/s | failed | ack p50 / p99 ms | delivery to the other instance p50 / p99 ms | lost | duplicated | ${servers} / Postgres / Redis CPU s | kept up |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const step of steps) {
    const failed = Object.values(step.failures).reduce((sum, value) => sum + value, 0);
    const cpu = step.instanceCpuSeconds;
    lines.push(
      `| ${step.rate} | ${fixed(step.achievedRate)} | ${failed} | ${ms(step.ack.latencyMs?.p50)} / ${ms(step.ack.latencyMs?.p99)} | ${ms(step.deliveryCrossInstance.latencyMs?.p50)} / ${ms(step.deliveryCrossInstance.latencyMs?.p99)} | ${step.lost} | ${step.duplicates} | ${cpu.instances.map((value) => fixed(value, 1)).join(' + ')} / ${fixed(cpu.postgres, 1)} / ${fixed(cpu.redis, 1)} | ${step.keptUp ? 'yes' : 'no'} |`,
    );
  }
  lines.push('');
  return lines;
}

/** `text` as the repository's Prettier settings format a file at `file` (so committed results pass `prettier --check`). */
export async function formatted(text, file) {
  return prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
}

/** Writes `<date>.json`, `<date>.md` and `<date>.svg` under `dir`; returns their paths. */
export async function writeResults(dir, results) {
  await mkdir(dir, { recursive: true });
  const stamp = results.date.slice(0, 19).replace(/[:T]/g, '-');
  const files = [join(dir, `${stamp}.json`), join(dir, `${stamp}.md`), join(dir, `${stamp}.svg`)];
  await writeFile(files[0], await formatted(JSON.stringify(results, null, 2), files[0]));
  await writeFile(files[1], await formatted(markdown(results), files[1]));
  await writeFile(files[2], latencyChart(latencyRows(results), `Latency percentiles, ${results.date.slice(0, 10)}`));
  return files;
}

/** The results' markdown, then `results.summary` as it is in the JSON: key and value, no units. */
export function printSummary(results) {
  console.log(markdown(results));
  const summary = results.summary ?? summarize(results);
  const width = Math.max(...Object.keys(summary).map((key) => key.length));
  console.log(
    ['summary:', ...Object.entries(summary).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`)].join('\n'),
  );
}
