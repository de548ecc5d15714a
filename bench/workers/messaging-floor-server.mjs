// The messaging floor: a bare Socket.IO server with the Redis adapter and a `pg` pool, speaking the
// part of the app's socket protocol the socket load generator (sockets.mjs) uses. A socket's token is
// decoded, not verified, and it joins one room per conversation of its user (one SELECT at connect).
// A `message.send` is one statement (bump the conversation's counters, insert the message with that
// seq) and one emit to the conversation's room. No framework, validation, rate limits, caches,
// presence, outbox, metrics or logging: two of these next to the app's two instances show what
// everything else on the send path costs.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Server } from 'socket.io';
import { ownCpuSeconds, serveCommands } from '../lib/processes.mjs';

/** The app's pool settings (DATABASE_POOL_MAX, DATABASE_CONNECT_TIMEOUT_MS and the idle timeout). */
const POOL = { max: 10, connectionTimeoutMillis: 1500, idleTimeoutMillis: 30_000 };
/**
 * The pub/sub channel prefix: not the app's (`socket.io`), since Redis pub/sub ignores the database
 * index and an app instance elsewhere on the same Redis server would otherwise hear these emits.
 */
const ADAPTER_KEY = 'bench-messaging-floor';

const SEND = `
  WITH conversation AS (
    UPDATE conversations
    SET last_seq = last_seq + 1, version = version + 1, timeline_count = timeline_count + 1, last_activity_at = now()
    WHERE id = $1
    RETURNING last_seq, version, timeline_count
  )
  INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, created_version, version,
                        timeline_position)
  SELECT gen_random_uuid(), $1, last_seq, $2, $3, $4, version, version, timeline_count FROM conversation
  RETURNING id, seq, body, sender_id, conversation_id, created_at`;

let pool;
let publisher;
let subscriber;
let io;
let http;

/** The `sub` claim of a JWT, read without checking its signature; null when it has none. */
function userIdOf(token) {
  try {
    const payload = JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'));
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

const ready = (client) =>
  new Promise((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });

/** An error code for the ack, in the app's terms where there is one. */
function codeOf(error) {
  if (/timeout/i.test(error.message)) return 'SERVICE_UNAVAILABLE';
  return error.code ? `PG_${error.code}` : 'INTERNAL';
}

async function send(socket, payload, ack) {
  const { conversationId, clientMessageId, body } = payload ?? {};
  if (typeof ack !== 'function') return;
  if (!socket.rooms.has(conversationId)) return ack({ ok: false, error: { code: 'NOT_A_MEMBER' } });
  try {
    const { rows } = await pool.query({
      name: 'floor-send',
      text: SEND,
      values: [conversationId, socket.data.userId, clientMessageId, body],
    });
    if (rows.length === 0) return ack({ ok: false, error: { code: 'NOT_FOUND' } });
    const [row] = rows;
    const message = {
      id: row.id,
      conversationId: row.conversation_id,
      seq: row.seq,
      senderId: row.sender_id,
      body: row.body,
      createdAt: row.created_at.toISOString(),
    };
    io.to(conversationId).emit('message.created', { conversationId, message });
    ack({ ok: true, data: message });
  } catch (error) {
    ack({ ok: false, error: { code: codeOf(error) } });
  }
}

serveCommands({
  async start({ databaseUrl, redisUrl }) {
    pool = new pg.Pool({ connectionString: databaseUrl, ...POOL });
    publisher = new Redis(redisUrl);
    subscriber = publisher.duplicate();
    await Promise.all([ready(publisher), ready(subscriber)]);
    http = createServer();
    // The app's engine settings (src/realtime/realtime-io.adapter.ts), bar CORS, which no bench client needs.
    io = new Server(http, { path: '/socket.io', pingInterval: 25_000, pingTimeout: 20_000 });
    io.adapter(createAdapter(publisher, subscriber, { key: ADAPTER_KEY, requestsTimeout: 3000 }));
    io.use((socket, next) => {
      const userId = userIdOf(socket.handshake.auth?.token);
      if (!userId) return next(new Error('UNAUTHORIZED'));
      pool
        .query({
          name: 'floor-rooms',
          text: 'SELECT conversation_id FROM conversation_members WHERE user_id = $1',
          values: [userId],
        })
        .then(({ rows }) => {
          socket.data.userId = userId;
          socket.data.rooms = rows.map((row) => row.conversation_id);
          next();
        })
        .catch((error) => next(new Error(codeOf(error))));
    });
    io.on('connection', (socket) => {
      // In the same tick as the connect packet, so a socket is in its rooms before it can send.
      socket.join(socket.data.rooms);
      socket.on('message.send', (payload, ack) => void send(socket, payload, ack));
    });
    await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${http.address().port}`, pid: process.pid };
  },

  cpu: () => ownCpuSeconds(),

  async close() {
    await new Promise((resolve) => (io ? io.close(() => resolve()) : resolve()));
    await pool?.end();
    publisher?.disconnect();
    subscriber?.disconnect();
    return null;
  },
});
