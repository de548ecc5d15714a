import argon2 from 'argon2';
import pg from 'pg';
import { messageBodies } from './bodies.mjs';
import { benchId, benchIdSql } from './layout.mjs';

export const BENCH_PASSWORD = 'bench password 2026';

/**
 * Writes the data set straight into Postgres (users, one session each, conversations, members,
 * messages), with every counter the application keeps (last_seq, version, timeline counts, member_count) in step,
 * as if it had been built through the API. Returns how long each part took.
 */
export async function seed(databaseUrl, options, layout) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const timings = {};
  const timed = async (name, work) => {
    const started = performance.now();
    await work();
    timings[name] = Math.round(performance.now() - started);
  };
  try {
    const passwordHash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
    await timed('users', () =>
      client.query(
        `INSERT INTO users (id, email, username, password_hash, display_name, display_name_search, created_at, updated_at)
         SELECT ${benchIdSql('user', 'i')}, 'bench' || i || '@example.com', 'bench_' || i, $2,
                'Bench User ' || i, 'bench user ' || i, now(), now()
         FROM generate_series(0, $1 - 1) AS i`,
        [options.users, passwordHash],
      ),
    );
    await timed('sessions', () =>
      client.query(
        `INSERT INTO sessions (id, user_id, device_name, created_at, last_active_at, expires_at)
         SELECT ${benchIdSql('session', 'i')}, ${benchIdSql('user', 'i')}, 'bench', now(), now(), now() + interval '30 days'
         FROM generate_series(0, $1 - 1) AS i`,
        [options.users],
      ),
    );
    await timed('conversations', () => insertConversations(client, layout.conversations));
    await timed('messages', () => insertMessages(client, layout.conversations));
    // Vacuumed as well as analyzed, as autovacuum keeps a live table: a fresh bulk load leaves the
    // GIN indexes' pending lists full, which every search through them would read.
    await timed('vacuum', () => client.query('VACUUM ANALYZE'));
  } finally {
    await client.end();
  }
  return timings;
}

async function insertConversations(client, conversations) {
  const memberRows = { conversation: [], user: [], ord: [] };
  for (const conversation of conversations) {
    conversation.members.forEach((user, ord) => {
      memberRows.conversation.push(conversation.id);
      memberRows.user.push(benchId('user', user));
      memberRows.ord.push(ord);
    });
  }
  await client.query(
    `INSERT INTO conversations (id, type, title, last_seq, version, timeline_count, member_count, created_by_id, created_at, updated_at)
     SELECT c.id, c.type, c.title, c.messages, c.messages, c.messages, c.member_count, c.creator, now() - interval '40 days', now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[], $6::uuid[])
          AS c(id, type, title, messages, member_count, creator)`,
    [
      conversations.map((c) => c.id),
      conversations.map((c) => c.type),
      conversations.map((c) => (c.type === 'group' ? `Bench group ${c.index}` : null)),
      conversations.map((c) => c.messages),
      conversations.map((c) => c.members.length),
      conversations.map((c) => benchId('user', c.members[0])),
    ],
  );
  const directs = conversations.filter((c) => c.type === 'direct');
  await client.query(
    `INSERT INTO direct_pairs (pair_key, conversation_id) SELECT * FROM unnest($1::text[], $2::uuid[])`,
    [directs.map((c) => directKey(c.members)), directs.map((c) => c.id)],
  );
  await client.query(
    `CREATE TEMP TABLE bench_member_order AS
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS m(conversation_id, user_id, ord)`,
    [memberRows.conversation, memberRows.user, memberRows.ord],
  );
  // A few unread messages for most members (0–5), as in a real inbox.
  await client.query(
    `INSERT INTO conversation_members (conversation_id, user_id, role, last_read_seq, joined_at)
     SELECT m.conversation_id, m.user_id,
            CASE WHEN c.type = 'group' AND m.ord = 0 THEN 'owner' ELSE 'member' END,
            greatest(0, c.last_seq - abs(hashtext(m.user_id::text || c.id::text)) % 6),
            c.created_at + m.ord * interval '1 second'
     FROM bench_member_order m JOIN conversations c ON c.id = m.conversation_id`,
  );
}

/**
 * Every conversation's messages, sent in turn by its members, one every 37 s up to a recent time. The
 * bodies are bench/lib/bodies.mjs's lines, conversation after conversation in layout order.
 */
async function insertMessages(client, conversations) {
  let first = 0;
  const firstBody = conversations.map((conversation) => {
    const at = first;
    first += conversation.messages;
    return at;
  });
  await client.query(`CREATE TEMP TABLE bench_body AS SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS b(body, n)`, [
    messageBodies(first),
  ]);
  await client.query(
    `CREATE TEMP TABLE bench_first_body AS SELECT * FROM unnest($1::uuid[], $2::int[]) AS f(conversation_id, first)`,
    [conversations.map((c) => c.id), firstBody],
  );
  await client.query('ANALYZE bench_body, bench_first_body');
  await client.query(
    `INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, created_version, version,
                           timeline_position, created_at)
     SELECT gen_random_uuid(), c.id, s.seq, m.user_id, gen_random_uuid(), b.body,
            s.seq, s.seq, s.seq, now() - (c.last_seq - s.seq) * interval '37 seconds' - c.member_count * interval '1 second'
     FROM conversations c
     JOIN bench_first_body f ON f.conversation_id = c.id
     CROSS JOIN LATERAL generate_series(1, c.last_seq) AS s(seq)
     JOIN bench_member_order m ON m.conversation_id = c.id AND m.ord = s.seq % c.member_count
     JOIN bench_body b ON b.n = f.first + s.seq`,
  );
  await client.query(
    `UPDATE conversations c SET last_activity_at = l.created_at
     FROM messages l WHERE l.conversation_id = c.id AND l.seq = c.last_seq`,
  );
}

function directKey([a, b]) {
  const [x, y] = [benchId('user', a), benchId('user', b)].sort();
  return `${x}:${y}`;
}
