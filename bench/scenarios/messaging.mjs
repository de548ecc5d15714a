import { merge, summarize } from '../lib/histogram.mjs';
import { homeConversation } from '../lib/layout.mjs';
import { addCounts } from '../lib/counts.mjs';
import { cpuSeconds, cpuSecondsOfCommand, startWorker, stopSocketWorkers } from '../lib/processes.mjs';

/** A rate is kept up when every send is answered, within this of its schedule, with ack p99 under the bound. */
const STEP_SLACK_SECONDS = 2;
const STEP_P99_BOUND_MS = 1000;
const DRAIN_TIMEOUT_MS = 15_000;
const WARM_UP_RATE = 100;

/**
 * Scenario 2: one socket per user over both instances (even users on A, odd on B), each user
 * sending into a conversation of 2 or of 50; a fixed rate, then a step-up until the service stops
 * keeping up. Ack latency is the sender's; delivery latency is each recipient's, split by whether
 * it sat on the other instance; every acknowledged message must reach each connected member once.
 */
export async function runMessaging(ctx) {
  const { options, instances } = ctx;
  const session = await openSession(ctx, 'messaging', { A: instances.a, B: instances.b });
  try {
    const warmup = await session.warmUp();
    ctx.log(
      `messaging: ${options.rate} msg/s for ${options.rateSeconds} s (${Math.round(session.groupShare * 100)}% into groups of ${options.groupSize})`,
    );
    const fixed = await session.phase('fixed', options.rate, options.rateSeconds);
    fixed.keptUp = keptUp(fixed, options.rateSeconds);
    ctx.log(`messaging: ${describePhase(fixed)}`);
    const stepUp = await session.stepUp();
    return { ...session.description, warmup, fixed, ...stepUp, loadGeneratorCpuSeconds: await session.loadCpu() };
  } finally {
    await session.close();
  }
}

/**
 * The messaging floor (bench/workers/messaging-floor-server.mjs): two bare Socket.IO + Redis adapter +
 * `pg` servers, F1 and F2 in place of A and B, driven by the same socket workers and senders through
 * the same warm-up and step-up, kept up by the same rule. Run while no app instance is running.
 */
export async function runMessagingFloor(ctx) {
  const names = ['F1', 'F2'];
  const servers = names.map(() => startWorker('messaging-floor-server.mjs'));
  try {
    ctx.log('messaging floor: starting two bare Socket.IO + Redis adapter + pg servers');
    const { databaseUrl, redisUrl } = ctx.servers;
    const [a, b] = await Promise.all(
      servers.map(async (server, index) => ({
        name: names[index],
        ...(await server.call({ cmd: 'start', databaseUrl, redisUrl })),
      })),
    );
    const session = await openSession(ctx, 'messaging floor', { A: a, B: b });
    try {
      const warmup = await session.warmUp();
      const stepUp = await session.stepUp();
      return { ...session.description, warmup, ...stepUp, loadGeneratorCpuSeconds: await session.loadCpu() };
    } finally {
      await session.close();
    }
  } finally {
    await Promise.allSettled(servers.map((server) => server.call({ cmd: 'close' })));
    await Promise.allSettled(servers.map((server) => server.stop()));
  }
}

/**
 * Socket workers connected to a pair of servers (`pair.A`, `pair.B`: `{ url, pid }`), even users on A
 * and odd ones on B, each user's sender set to their home conversation; `phase` sends at a rate and
 * counts what arrived.
 */
export async function openSession(ctx, label, pair) {
  const { options, layout, tokens } = ctx;
  const progress = new Map();
  const workers = Array.from({ length: options.socketWorkers }, (_, index) =>
    startWorker('sockets.mjs', (message) => progress.set(index, message)),
  );
  const close = () => stopSocketWorkers(workers);
  try {
    const plan = Array.from({ length: options.sockets }, (_, user) => ({
      user,
      worker: user % workers.length,
      instance: user % 2 === 0 ? 'A' : 'B',
    }));
    ctx.log(`${label}: connecting ${options.sockets} sockets over ${pair.A.name ?? 'A'} and ${pair.B.name ?? 'B'}`);
    const connectStarted = performance.now();
    const connected = await Promise.all(
      workers.map((worker, index) =>
        worker.call({
          cmd: 'connect',
          concurrency: 25,
          targets: plan
            .filter((slot) => slot.worker === index)
            .map(({ user, instance }) => ({ url: pair[instance].url, token: tokens[user], instance, user })),
        }),
      ),
    );
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const online = new Set(connected.flatMap((result) => result.connectedUsers));
    const connectErrors = connected.reduce((all, result) => addCounts(all, result.errors), {});
    ctx.log(`${label}: ${online.size} connected in ${connectSeconds.toFixed(1)} s`);

    // Each worker's senders, by the index its sockets have there.
    const senders = workers.map(() => []);
    connected.forEach((result, index) =>
      result.connectedUsers.forEach((user, socket) => {
        const home = homeConversation(layout, user, options.groupSize);
        if (home) senders[index].push({ socket, conversationId: home.id, size: home.members.length });
      }),
    );
    const expectedPer = new Map(
      layout.conversations.map((conversation) => [
        conversation.id,
        conversation.members.filter((user) => online.has(user)).length,
      ]),
    );
    const totalSenders = senders.reduce((sum, list) => sum + list.length, 0);
    const groupShare = senders.flat().filter((sender) => sender.size > 2).length / totalSenders;

    const wire = async () => {
      const counts = await Promise.all(workers.map((worker) => worker.call({ cmd: 'wire' })));
      return {
        read: counts.reduce((sum, { read }) => sum + read, 0),
        written: counts.reduce((sum, { written }) => sum + written, 0),
      };
    };

    const phase = async (name, rate, seconds, { bodyChars = 0 } = {}) => {
      const wireBefore = await wire();
      const cpu = cpuOf([pair.A.pid, pair.B.pid]);
      progress.clear();
      const ticker = setInterval(() => ctx.log(`${label}: ${name} ${describeProgress([...progress.values()])}`), 5000);
      const sent = await Promise.all(
        workers.map((worker, index) =>
          worker.call({
            cmd: 'send',
            phase: name,
            rate: (rate * senders[index].length) / totalSenders,
            seconds,
            senders: senders[index],
            bodyChars,
          }),
        ),
      ).finally(() => clearInterval(ticker));
      const acked = sent.flatMap((result) => result.acked);
      const expected = acked.reduce((sum, [, conversationId]) => sum + expectedPer.get(conversationId), 0);
      await drain(workers, name, expected);
      const instanceCpu = cpu();
      const wireAfter = await wire();
      const received = await Promise.all(workers.map((worker) => worker.call({ cmd: 'deliveries', phase: name })));
      return {
        ...summarizePhase({ name, rate, seconds, sent, received, acked, expectedPer, instanceCpu }),
        // What the clients' TCP connections carried during the phase: read = from the instances.
        wireBytes: { read: wireAfter.read - wireBefore.read, written: wireAfter.written - wireBefore.written },
      };
    };

    // Every sender once, slowly: caches (conversation metadata, latest messages) and the JIT warm up.
    const warmUp = async () => {
      const warmUpSeconds = Math.ceil(totalSenders / WARM_UP_RATE);
      ctx.log(`${label}: warming up, ${WARM_UP_RATE} msg/s for ${warmUpSeconds} s`);
      const warmup = await phase('warmup', WARM_UP_RATE, warmUpSeconds);
      ctx.log(`${label}: warm-up ${describePhase(warmup)}`);
      return warmup;
    };

    // The step-up starts low and stops at the first rate not kept up: the one before is the saturation point.
    const stepUp = async () => {
      const steps = [];
      for (const rate of options.stepRates) {
        ctx.log(`${label}: step-up, ${rate} msg/s for ${options.stepSeconds} s`);
        const step = await phase(`step${rate}`, rate, options.stepSeconds);
        step.keptUp = keptUp(step, options.stepSeconds);
        steps.push(step);
        ctx.log(`${label}: ${describePhase(step)}${step.keptUp ? '' : ' (did not keep up)'}`);
        if (!step.keptUp) break;
      }
      const sustained = steps.filter((step) => step.keptUp).map((step) => step.rate);
      return {
        steps,
        saturation: {
          highestSustainedRate: sustained.length > 0 ? Math.max(...sustained) : null,
          firstUnsustainedRate: steps.find((step) => !step.keptUp)?.rate ?? null,
        },
      };
    };

    const loadCpu = async () =>
      (await Promise.all(workers.map((worker) => worker.call({ cmd: 'cpu' })))).reduce((sum, value) => sum + value, 0);

    return {
      description: { sockets: online.size, connectSeconds, connectErrors, groupShare, groupSize: options.groupSize },
      groupShare,
      phase,
      warmUp,
      stepUp,
      loadCpu,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const keptUp = (phase, seconds) =>
  Object.keys(phase.failures).length === 0 &&
  phase.sendSeconds <= seconds + STEP_SLACK_SECONDS &&
  (phase.ack.latencyMs?.p99 ?? Infinity) <= STEP_P99_BOUND_MS;

/** Waits until every expected delivery arrived, or nothing new came for 3 s, or the timeout. */
async function drain(workers, phase, expected) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const counts = await Promise.all(workers.map((worker) => worker.call({ cmd: 'delivered', phase })));
    const delivered = counts.reduce((sum, value) => sum + value, 0);
    if (delivered >= expected) return;
    if (delivered !== last) [last, stableSince] = [delivered, Date.now()];
    else if (Date.now() - stableSince > 3000) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function summarizePhase({ name, rate, seconds, sent, received, acked, expectedPer, instanceCpu }) {
  const counts = new Map();
  for (const result of received) for (const [id, count] of result.counts) counts.set(id, (counts.get(id) ?? 0) + count);
  let expected = 0;
  let lost = 0;
  for (const [id, conversationId] of acked) {
    const want = expectedPer.get(conversationId);
    expected += want;
    lost += Math.max(0, want - (counts.get(id) ?? 0));
  }
  const sendSeconds = Math.max(...sent.map((result) => result.sendSeconds));
  return {
    name,
    rate,
    seconds,
    offered: sent.reduce((sum, result) => sum + result.offered, 0),
    acked: acked.length,
    achievedRate: acked.length / Math.max(seconds, sendSeconds),
    sendSeconds,
    failures: sent.reduce((all, result) => addCounts(all, result.failures), {}),
    ack: summarize(merge(sent.map((result) => result.acks))),
    deliveryCrossInstance: summarize(merge(received.map((result) => result.cross))),
    deliverySameInstance: summarize(merge(received.map((result) => result.same))),
    expectedDeliveries: expected,
    delivered: received.reduce((sum, result) => sum + result.delivered, 0),
    lost,
    duplicates: received.reduce((sum, result) => sum + result.duplicates, 0),
    instanceCpuSeconds: instanceCpu,
    loadGeneratorCpuSeconds: sent.reduce((sum, result) => sum + result.cpuSeconds, 0),
  };
}

const describePhase = (phase) =>
  `${phase.acked}/${phase.offered} acked (${Math.round(phase.achievedRate)} msg/s), ack p99 ${phase.ack.latencyMs?.p99} ms, ` +
  `cross-instance delivery p50 ${phase.deliveryCrossInstance.latencyMs?.p50} / p99 ${phase.deliveryCrossInstance.latencyMs?.p99} ms, ` +
  `${phase.delivered}/${phase.expectedDeliveries} delivered, ${phase.lost} lost, ${phase.duplicates} duplicated`;

function describeProgress(reports) {
  const total = (key) => reports.reduce((sum, report) => sum + report[key], 0);
  return `${total('sent')} sent, ${total('acked')} acked, ${total('delivered')} delivered so far`;
}

/**
 * CPU seconds used from now until the returned function is called: by each instance, and by the
 * local Postgres and Redis servers when they run on this machine (0 when they do not).
 */
function cpuOf(pids) {
  const before = pids.map(cpuSeconds);
  const servers = () => ({ postgres: cpuSecondsOfCommand('postgres'), redis: cpuSecondsOfCommand('redis-server') });
  const serversBefore = servers();
  return () => {
    const serversAfter = servers();
    return {
      instances: pids.map((pid, index) => (before[index] === null ? null : cpuSeconds(pid) - before[index])),
      postgres: serversAfter.postgres - serversBefore.postgres,
      redis: serversAfter.redis - serversBefore.redis,
    };
  };
}
