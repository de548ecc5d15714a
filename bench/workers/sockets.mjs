// Socket load generator process: holds many authenticated socket.io-client connections, sends
// `message.send` at a fixed rate (open loop: a slow answer never delays the next send), and times
// every `message.created` it receives against the send time written in the message body.
import { io } from 'socket.io-client';
import { messageBodies } from '../lib/bodies.mjs';
import { encode, newHistogram, recordMs } from '../lib/histogram.mjs';
import { ownCpuSeconds, serveCommands } from '../lib/processes.mjs';

const ACK_TIMEOUT_MS = 15_000;
const TICK_MS = 10;
const now = () => performance.timeOrigin + performance.now();
/** Chat lines that lengthen a body to a size asked for, a different stretch of them for each message. */
const FILLER = messageBodies(400).join(' ');
const filler = (sent, chars) => {
  if (chars <= 0) return '';
  const start = (sent * 97) % (FILLER.length - chars);
  return ` ${FILLER.slice(start, start + chars - 1)}`;
};

/** @type {{ socket: import('socket.io-client').Socket, instance: string, seen: Set<string> }[]} */
const sockets = [];
/** Per phase: deliveries by message id, duplicates, and latency to the same and the other instance. */
const phases = new Map();

function phaseStats(phase) {
  let stats = phases.get(phase);
  if (!stats) {
    stats = { counts: new Map(), duplicates: 0, delivered: 0, cross: newHistogram(), same: newHistogram() };
    phases.set(phase, stats);
  }
  return stats;
}

function onMessage(holder, { message }) {
  const [tag, phase, sentAt, senderInstance] = message.body.split(' ');
  if (tag !== 'bench') return;
  const stats = phaseStats(phase);
  if (holder.seen.has(message.id)) {
    stats.duplicates += 1;
    return;
  }
  holder.seen.add(message.id);
  stats.delivered += 1;
  stats.counts.set(message.id, (stats.counts.get(message.id) ?? 0) + 1);
  recordMs(senderInstance === holder.instance ? stats.same : stats.cross, now() - Number(sentAt));
}

function connectOne({ url, token, instance, user }) {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    const timer = setTimeout(() => done(new Error('connect timed out')), 30_000);
    const done = (error) => {
      clearTimeout(timer);
      if (error) {
        socket.close();
        return resolve(error.message);
      }
      const holder = { socket, instance, user, seen: new Set() };
      socket.on('message.created', (payload) => onMessage(holder, payload));
      sockets.push(holder);
      resolve(null);
    };
    socket.once('connect', () => done());
    socket.once('connect_error', done);
  });
}

serveCommands({
  /** Connects `targets` ({ url, token, instance }), `concurrency` handshakes at a time. */
  async connect({ targets, concurrency }) {
    const errors = {};
    let index = 0;
    const lane = async () => {
      while (index < targets.length) {
        const error = await connectOne(targets[index++]);
        if (error) errors[error] = (errors[error] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return { connectedUsers: sockets.map((holder) => holder.user), errors };
  },

  /**
   * Sends `rate` messages a second for `seconds`, each from the next of `senders` ({ socket, conversationId });
   * with `bodyChars`, each body is lengthened with chat text to about that many characters.
   */
  async send({ phase, rate, seconds, senders, bodyChars = 0 }) {
    const acks = newHistogram();
    const acked = [];
    const failures = {};
    let sent = 0;
    let settled = 0;
    const started = now();
    const total = Math.round(rate * seconds);
    const cpuBefore = ownCpuSeconds();
    const allSettled = new Promise((resolve) => {
      const settle = () => (settled += 1) === total && resolve();
      const sendOne = () => {
        const { socket: slot, conversationId } = senders[sent % senders.length];
        const sentAt = now();
        sent += 1;
        const line = `bench ${phase} ${sentAt.toFixed(3)} ${sockets[slot].instance} sent at a fixed rate by the load generator`;
        const body = line + filler(sent, bodyChars - line.length);
        sockets[slot].socket
          .timeout(ACK_TIMEOUT_MS)
          .emit('message.send', { conversationId, clientMessageId: crypto.randomUUID(), body }, (error, reply) => {
            if (error) failures.timeout = (failures.timeout ?? 0) + 1;
            else if (!reply.ok) failures[reply.error.code] = (failures[reply.error.code] ?? 0) + 1;
            else {
              recordMs(acks, now() - sentAt);
              acked.push([reply.data.id, conversationId]);
            }
            settle();
          });
      };
      const timer = setInterval(() => {
        // Catch up to where the schedule says we should be, so timer jitter does not lower the rate.
        const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate));
        while (sent < due) sendOne();
        if (sent >= total) clearInterval(timer);
      }, TICK_MS);
      if (total === 0) resolve();
    });
    const progress = setInterval(
      () =>
        process.send({ type: 'progress', phase, sent, acked: acked.length, delivered: phaseStats(phase).delivered }),
      1000,
    );
    await allSettled;
    clearInterval(progress);
    return {
      offered: total,
      sent,
      sendSeconds: (now() - started) / 1000,
      acked,
      failures,
      acks: encode(acks),
      cpuSeconds: ownCpuSeconds() - cpuBefore,
    };
  },

  delivered: ({ phase }) => phaseStats(phase).delivered,

  /** What this process received in a phase; forgotten afterwards. */
  deliveries({ phase }) {
    const stats = phaseStats(phase);
    phases.delete(phase);
    for (const holder of sockets) holder.seen.clear();
    return {
      counts: [...stats.counts],
      duplicates: stats.duplicates,
      delivered: stats.delivered,
      cross: encode(stats.cross),
      same: encode(stats.same),
    };
  },

  cpu: () => ownCpuSeconds(),

  /** Bytes read and written so far by this process's sockets' TCP connections (WebSocket frames, as on the wire). */
  wire() {
    let read = 0;
    let written = 0;
    for (const { socket } of sockets) {
      const tcp = socket.io.engine?.transport?.ws?._socket;
      read += tcp?.bytesRead ?? 0;
      written += tcp?.bytesWritten ?? 0;
    }
    return { read, written };
  },

  async close() {
    for (const { socket } of sockets.splice(0)) socket.close();
    return null;
  },
});
