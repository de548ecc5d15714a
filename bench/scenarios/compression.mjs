import { openSession } from './messaging.mjs';

/** Message sizes the scenario sends: the load generator's own line (about 90 characters), then long ones. */
const SIZES = [
  { name: 'chat', bodyChars: 0 },
  { name: 'long', bodyChars: 3000 },
];

/**
 * Scenario: WebSocket compression's cost and saving. The same traffic as the messaging scenario (one
 * socket per user over two instances, each user sending into their home conversation), at
 * `--rate` for `--rate-seconds`, once with chat-sized messages and once with 3,000-character ones,
 * through a pair of fresh instances with SOCKET_PER_MESSAGE_DEFLATE off and then a pair with it on.
 * Per delivered message: the instances' CPU, and the bytes the clients' TCP connections read
 * (frames from the instances, pings and acks included); per sent message, the bytes they wrote.
 */
export async function runCompression(ctx) {
  const { options } = ctx;
  const modes = {};
  for (const [mode, on] of [
    ['off', false],
    ['on', true],
  ]) {
    ctx.log(`compression ${mode}: starting two instances with SOCKET_PER_MESSAGE_DEFLATE=${on}`);
    const [a, b] = await Promise.all(
      ['A', 'B'].map((name) =>
        ctx.startInstance(`${name}-deflate-${mode}`, { SOCKET_PER_MESSAGE_DEFLATE: String(on) }),
      ),
    );
    try {
      const session = await openSession(ctx, `compression ${mode}`, { A: a, B: b });
      try {
        await session.warmUp();
        const sizes = {};
        for (const { name, bodyChars } of SIZES) {
          const phase = await session.phase(`${mode}-${name}`, options.rate, options.rateSeconds, { bodyChars });
          sizes[name] = { bodyChars, ...costOf(phase), phase };
          ctx.log(`compression ${mode}, ${name} messages: ${describe(sizes[name])}`);
        }
        modes[mode] = { sockets: session.description.sockets, sizes };
      } finally {
        await session.close();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  return { rate: options.rate, seconds: options.rateSeconds, modes };
}

/** The phase's cost per message: instance CPU and wire bytes. */
function costOf(phase) {
  const { instances } = phase.instanceCpuSeconds;
  const instanceCpu = instances.some((value) => value === null) ? null : instances[0] + instances[1];
  const per = (value, count) => (value === null || count === 0 ? null : value / count);
  return {
    acked: phase.acked,
    delivered: phase.delivered,
    lost: phase.lost,
    instanceCpuMsPerMessage: per(instanceCpu === null ? null : instanceCpu * 1000, phase.acked),
    instanceCpuMsPerDelivery: per(instanceCpu === null ? null : instanceCpu * 1000, phase.delivered),
    wireBytesReadPerDelivery: per(phase.wireBytes.read, phase.delivered),
    wireBytesWrittenPerMessage: per(phase.wireBytes.written, phase.acked),
    ackP99Ms: phase.ack.latencyMs?.p99 ?? null,
    deliveryP99Ms: phase.deliveryCrossInstance.latencyMs?.p99 ?? null,
  };
}

const describe = (cost) =>
  `${cost.acked} acked, ${cost.delivered} delivered (${cost.lost} lost); instance CPU ${cost.instanceCpuMsPerMessage?.toFixed(3)} ms a message, ` +
  `${cost.wireBytesReadPerDelivery?.toFixed(0)} B read per delivery, ${cost.wireBytesWrittenPerMessage?.toFixed(0)} B written per send`;
