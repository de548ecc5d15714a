/**
 * `results.summary`: the few numbers the targets are about, each null when the scenarios it comes
 * from did not run (or did not reach the step it is read at). Ratios are app over floor.
 */

const KB = 1024;
const round = (value, digits) => (value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const ratio = (over, under) => (over === null || over === undefined || !(under > 0) ? null : over / under);

/** Highest rate kept up in a step-up; 0 when it ran and no step was kept up. */
const highestKeptUp = (run) => (run ? (run.saturation.highestSustainedRate ?? 0) : null);

/** (both servers' + PostgreSQL's CPU seconds) × 1000 / acknowledged messages, in the step at `rate`. */
function cpuMsPerMessage(run, rate) {
  const step = run?.steps.find((entry) => entry.rate === rate);
  if (!step || step.acked === 0) return null;
  const { instances, postgres } = step.instanceCpuSeconds;
  if (instances.some((value) => value === null)) return null;
  return ((instances[0] + instances[1] + postgres) * 1000) / step.acked;
}

/** The messaging phases kept in the results: warm-up, fixed-rate run (ours only) and every step. */
const phasesOf = (run) => [run.warmup, run.fixed, ...run.steps].filter(Boolean);
const sum = (run, key) => (run ? phasesOf(run).reduce((total, phase) => total + phase[key], 0) : null);

/** Cross-instance delivery p99 at 500 msg/s: the fixed-rate run when it ran at 500, else the 500 step. */
function deliveryP99At500(messaging) {
  if (!messaging) return null;
  const phase = messaging.fixed?.rate === 500 ? messaging.fixed : messaging.steps.find((step) => step.rate === 500);
  return phase?.deliveryCrossInstance.latencyMs?.p99 ?? null;
}

export function summarize(results) {
  const { reads, floor, search, messaging, connections } = results.scenarios;
  const messagingFloor = messaging?.floor ?? null;
  const maxKeptUp = highestKeptUp(messaging);
  const floorMaxKeptUp = highestKeptUp(messagingFloor);
  const searchP99s = search ? Object.values(search.kinds).map((kind) => kind.latencyMs.p99) : [];
  return {
    cachedListOverFloor: round(floor ? ratio(floor.app.perSecond, floor.floor.perSecond) : null, 3),
    latestPageOverFloor: round(
      reads && floor ? ratio(reads.cached.messages.perSecond, floor.floor.perSecond) : null,
      3,
    ),
    cachedListP99OverFloor: round(floor ? ratio(floor.app.latencyMs.p99, floor.floor.latencyMs.p99) : null, 3),
    searchP99UnderReadLoadMs: search?.underReadLoad?.search.latencyMs.p99 ?? null,
    maxKeptUpMsgPerSec: maxKeptUp,
    floorMaxKeptUpMsgPerSec: floorMaxKeptUp,
    deliveryP99At500Ms: deliveryP99At500(messaging),
    cpuMsPerMessageAt400: round(cpuMsPerMessage(messaging, 400), 3),
    rssKbPerIdleSocket: round(connections ? ratio(connections.perSocket.rssBytes, KB) : null, 1),
    lost: sum(messaging, 'lost'),
    duplicated: sum(messaging, 'duplicates'),
    // Beyond the targets:
    maxKeptUpOverFloor: round(ratio(maxKeptUp, floorMaxKeptUp), 3),
    /** True when the floor kept up the last step-up rate too: its highest rate is then a lower bound. */
    floorKeptUpEveryStep: messagingFloor ? messagingFloor.saturation.firstUnsustainedRate === null : null,
    floorCpuMsPerMessageAt400: round(cpuMsPerMessage(messagingFloor, 400), 3),
    floorLost: sum(messagingFloor, 'lost'),
    floorDuplicated: sum(messagingFloor, 'duplicates'),
    /** The highest loaded p99 over the search kinds (searches only, --connections of them, no reads alongside). */
    searchLoadedP99Ms: searchP99s.length > 0 ? Math.max(...searchP99s) : null,
    /** Of the connected users' first list reads after their sockets connected (lists cold before), the share that were HITs. */
    firstListAfterConnectHitRatio: round(connections?.warming?.firstLists.hitRatio ?? null, 3),
  };
}
